"""The fee schedule: finance publishes a new version (``fee_schedule.published``); every
price billing charges is read from the version in force when the work was done."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from services.billing.domain import (
    DEFAULT_CURRENCY,
    DRAFT,
    NATIONAL,
    SCHEDULE_SERIES,
    to_cents,
)
from services.billing.models import FeeSchedule
from services.billing.repositories import BillingUnitOfWork
from services.billing.use_cases.invoicing import check_invoice, reprice
from shared.auth import Principal
from shared.errors import Forbidden, InvalidInput

FOUR_PLACES = Decimal("0.0001")


def _stored(items: Iterable[dict[str, Any]], money: str) -> list[dict[str, Any]]:
    """A price list as kept and published: amounts as decimal strings in cents."""
    return [item | {money: str(to_cents(item[money]))} for item in items]


def publish_fee_schedule(
    uow: BillingUnitOfWork, *, schedule_in: dict[str, Any], by: Principal
) -> FeeSchedule:
    """Publish the next version of the (national) fee schedule, in force from its effective
    date on; a version never takes effect before the latest one already published."""
    if by.region is not None:
        raise Forbidden(
            f"the fee schedule is national; this token is limited to region {by.region}"
        )
    now = uow.clock.now()
    effective_from = schedule_in.get("effective_from") or now
    latest = uow.schedules.latest()
    if latest is not None and effective_from < latest.effective_from:
        since = latest.effective_from.isoformat()
        raise InvalidInput(
            f"version {latest.number} is in force from {since}: a new version cannot start before",
            errors={"effective_from": [f"must not be before {since}"]},
        )
    tax_rate = schedule_in.get("tax_rate")
    schedule = FeeSchedule(
        id=uuid.uuid4(),
        number=uow.counters.next_number(SCHEDULE_SERIES, 0, NATIONAL),
        effective_from=effective_from,
        currency=schedule_in.get("currency") or DEFAULT_CURRENCY,
        tax_rate=(tax_rate if tax_rate is not None else uow.tax_rate()).quantize(FOUR_PLACES),
        callout_fees=_stored(schedule_in["callout_fees"], "amount"),
        labour_rates=_stored(schedule_in["labour_rates"], "rate_per_hour"),
        parts=_stored(schedule_in["parts"], "price"),
        products=_stored(schedule_in.get("products", []), "price"),
        notes=schedule_in.get("notes"),
        published_by=by.sub,
        published_at=now,
        version=0,
    )
    uow.schedules.add(schedule)
    schedule.publish()
    recheck_invoices(uow, since=schedule.effective_from)
    uow.commit()
    return schedule


def recheck_invoices(uow: BillingUnitOfWork, *, since: dt.datetime) -> None:
    """What a new version can change: drafts for work done since its effective date are
    priced again, and unaudited invoices checked again (a correction flags them)."""
    for invoice in uow.invoices.unaudited_since(since):
        if invoice.status == DRAFT:
            reprice(uow, invoice)
        else:
            check_invoice(uow, invoice)
