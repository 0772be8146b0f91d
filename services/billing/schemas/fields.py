"""The fields billing's REST schemas share: money as decimal strings, currencies, codes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

CURRENCY = validate.Regexp(r"^[A-Z]{3}\Z", error="a three-letter ISO 4217 code, e.g. CNY")
CODE = validate.Length(min=1, max=100)


def places(n: int) -> Callable[[Decimal], None]:
    """A validator: at most ``n`` decimal places."""

    def check(value: Decimal) -> None:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -n:
            raise ma.ValidationError(f"at most {n} decimal places")

    return check


def Money(*, positive: bool = False, **kwargs: Any) -> fields.Decimal:
    """An amount: a decimal string (or number) with at most two places, never NaN."""
    low = validate.Range(min=0, min_inclusive=not positive, max=10**11)
    return fields.Decimal(as_string=True, validate=[low, places(2)], **kwargs)


def unique(items: list[dict[str, Any]], *keys: str) -> list[str]:
    """What a list names twice (by ``keys``), as messages."""
    seen: set[tuple[Any, ...]] = set()
    twice = []
    for item in items:
        key = tuple(item.get(k) for k in keys)
        if key in seen:
            twice.append(f"{'/'.join(map(str, key))} listed twice")
        seen.add(key)
    return twice
