"""Masked ID numbers and phones for screens and exports (the list shows ``110***********123X``).

Apart from :mod:`models.validators`, which checks what is typed, because the entrepreneur list masks its
rows before anything is checked: start-up then need not build the validators' patterns and tables.
"""

from __future__ import annotations

import re

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits only (\d takes any script's digits)
_LANDLINE = re.compile(r"^(0\d{2,3})-(\d{7,8})(?:-(\d+))?$")


def mask_id_number(number: str) -> str:
    """Masked for screens and exports: first 3 and last 4 kept (``110***********123X``)."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str) -> str:
    """Masked for screens and exports: ``138****5678``; a landline keeps its area code and last 2 digits."""
    if MOBILE.match(phone):
        return phone[:3] + "****" + phone[-4:]
    landline = _LANDLINE.match(phone)
    if landline:
        local = landline.group(2)
        masked = f"{landline.group(1)}-{'*' * (len(local) - 2)}{local[-2:]}"
        if landline.group(3):
            masked += "-" + "*" * len(landline.group(3))
        return masked
    return mask_id_number(phone)
