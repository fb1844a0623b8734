"""The headquarters workspace (总部): its pages."""
