"""The headquarters workspace's services (总部): every station in one database."""
