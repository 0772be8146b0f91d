"""The audit of an invoice against the service record it came from: the lines the record and
the prices in force call for, compared line by line with the lines invoiced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.billing.domain.pricing import Line, unpriced

VERDICTS = ("correct", "incorrect")
RESOLUTIONS = ("credit_note", "new_invoice")
COMPARED = ("quantity", "unit_price", "covered", "net")


@dataclass(frozen=True)
class Discrepancy:
    """Where an invoice disagrees with its record (``code`` says how)."""

    code: str
    kind: str
    item: str
    field: str
    expected: str | None
    invoiced: str | None
    detail: str

    def as_dict(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "kind": self.kind,
            "item": self.item,
            "field": self.field,
            "expected": self.expected,
            "invoiced": self.invoiced,
            "detail": self.detail,
        }


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _differences(want: Line, got: Line) -> list[Discrepancy]:
    found = []
    for name in COMPARED:
        expected, invoiced = getattr(want, name), getattr(got, name)
        if expected != invoiced:
            found.append(
                Discrepancy(
                    f"{name}_differs",
                    want.kind,
                    want.code,
                    name,
                    _text(expected),
                    _text(invoiced),
                    f"{want.kind} {want.code}: {name} is {_text(invoiced)} on the invoice, "
                    f"{_text(expected)} by the record and the prices in force",
                )
            )
    return found


def find_discrepancies(expected: Sequence[Line], invoiced: Sequence[Line]) -> list[Discrepancy]:
    """Every disagreement between what the record calls for and what was invoiced: lines
    missing or extra, hours or quantities, prices, warranty cover; and items the schedule in
    force has no price for."""
    found: list[Discrepancy] = []
    billed = {ln.key: ln for ln in invoiced}
    for want in expected:
        got = billed.pop(want.key, None)
        if got is None:
            detail = f"{want.kind} {want.code} is on the record but not on the invoice"
            found.append(Discrepancy("line_missing", *want.key, "line", "present", None, detail))
        else:
            found.extend(_differences(want, got))
    for extra in billed.values():
        detail = f"{extra.kind} {extra.code} is invoiced but not on the record"
        found.append(Discrepancy("line_extra", *extra.key, "line", None, "present", detail))
    for message in unpriced(invoiced):
        kind, _, rest = message.partition(" ")
        code = rest.split(":", 1)[0]
        found.append(Discrepancy("unpriced", kind, code, "unit_price", None, "0.00", message))
    return found
