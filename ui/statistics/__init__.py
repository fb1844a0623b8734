"""统计报表: the monthly figures as charts and as the 月报 table, freeze (报送) and export."""
