"""Headquarters (总部) services: what only an HQ database does with every station's records, beside the
exchange in ``desktop/services/sync``."""
