"""跨站重复: the duplicate files page of the HQ workspace."""
