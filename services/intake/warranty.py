"""Warranty status as of the day a fault was reported, from the model's policy."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_POLICY_FILE = Path(__file__).with_name("warranty.yaml")


@dataclass(frozen=True)
class Policy:
    parts_months: int
    labour_months: int


@dataclass(frozen=True)
class WarrantyStatus:
    status: str  # in_warranty | out_of_warranty | unknown
    parts_covered: bool
    labour_covered: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "parts_covered": self.parts_covered,
            "labour_covered": self.labour_covered,
            "reason": self.reason,
        }


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@functools.lru_cache(maxsize=8)
def load_policies(path: str | None) -> tuple[Policy, dict[str, Policy]]:
    """The default policy and the per-model ones (YAML; the shipped file when None)."""
    raw = yaml.safe_load(Path(path or DEFAULT_POLICY_FILE).read_text())
    default = Policy(**raw["default"])
    models = {
        model: Policy(**{**raw["default"], **spec})
        for model, spec in (raw.get("models") or {}).items()
    }
    return default, models


def warranty_on(
    *, model: str, purchase_date: dt.date | None, reported_on: dt.date, policy_file: str | None
) -> WarrantyStatus:
    """Parts and labour coverage on the day the fault was reported (not today)."""
    if purchase_date is None:
        return WarrantyStatus("unknown", False, False, "no purchase date given")
    default, models = load_policies(policy_file)
    policy = models.get(model, default)
    parts_until = add_months(purchase_date, policy.parts_months)
    labour_until = add_months(purchase_date, policy.labour_months)
    parts, labour = reported_on <= parts_until, reported_on <= labour_until
    source = f"model {model}" if model in models else "default policy"
    reason = (
        f"purchased {purchase_date.isoformat()}, reported {reported_on.isoformat()}; "
        f"{source}: parts until {parts_until.isoformat()}, labour until "
        f"{labour_until.isoformat()}"
    )
    status = "in_warranty" if parts or labour else "out_of_warranty"
    return WarrantyStatus(status, parts, labour, reason)
