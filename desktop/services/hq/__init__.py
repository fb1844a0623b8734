"""Headquarters' own services (总部): what only an HQ database does, beside the exchange in
``desktop/services/sync``."""
