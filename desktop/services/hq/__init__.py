"""Headquarters' workspace (总部): the services behind its pages."""
