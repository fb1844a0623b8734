"""帮助: a short Chinese help text for each page (F1, from ``resources/help``) and the About dialog."""
