"""The headquarters workspace's pages (总部)."""
