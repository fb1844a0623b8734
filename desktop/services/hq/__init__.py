"""Headquarters (总部) services: what HQ does with every station's records once packages have been applied."""
