"""200 invoices issued in parallel on PostgreSQL, each thread with its own session, get 200
distinct, gap-free numbers; a number taken by a transaction that rolls back is given again."""

from __future__ import annotations

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from services.billing import SERVICE as BILLING
from services.billing.models import DocumentCounter, Invoice
from services.billing.repositories import SqlBillingUnitOfWork
from services.billing.use_cases import draft_invoice_for_visit, issue_invoice
from shared.auth import Principal
from shared.clock import FixedClock
from shared.db import Database
from shared.service import Runtime
from tests.helpers import migrated_runtime, settings_for
from tests.integration.billing_support import START, repair_completed

FINANCE = Principal(sub="fin-1", roles=frozenset({"finance"}))
INVOICES, THREADS = 200, 20


def drafts(rt: Runtime, count: int) -> list[uuid.UUID]:
    made = []
    with rt.unit_of_work() as uow:
        assert isinstance(uow, SqlBillingUnitOfWork)
        for _ in range(count):
            payload = BILLING.subscriptions.resolve(repair_completed())[0][1].payload
            invoice = draft_invoice_for_visit(uow, region="east", completed=payload)
            assert invoice is not None
            made.append(invoice.id)
    return made


def test_parallel_issuing_gives_distinct_gap_free_numbers(postgres_url: str) -> None:
    settings = settings_for(BILLING, postgres_url, transport="inprocess")
    db = Database(postgres_url, pool_size=THREADS, max_overflow=0)
    rt = migrated_runtime(BILLING, settings, db=db, clock=FixedClock(START))
    invoice_ids = drafts(rt, INVOICES)
    start = threading.Barrier(THREADS)

    def issue(invoice_id: uuid.UUID) -> str:
        with rt.unit_of_work() as uow:
            assert isinstance(uow, SqlBillingUnitOfWork)
            invoice = issue_invoice(uow, invoice_id=invoice_id, issue_in={}, by=FINANCE)
            assert invoice.number is not None
            return invoice.number

    def warm_then_issue(batch: list[uuid.UUID]) -> list[str]:
        start.wait(timeout=30)  # every thread starts issuing at the same moment
        return [issue(i) for i in batch]

    batches = [invoice_ids[i::THREADS] for i in range(THREADS)]
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        numbers = [n for found in pool.map(warm_then_issue, batches) for n in found]
    elapsed = time.perf_counter() - began
    print(f"{INVOICES} invoices issued by {THREADS} threads in {elapsed:.2f}s")

    assert len(numbers) == len(set(numbers)) == INVOICES
    sequences = sorted(int(re.fullmatch(r"INV-2026-EAST-(\d{6})", n).group(1)) for n in numbers)  # type: ignore[union-attr]
    assert sequences == list(range(1, INVOICES + 1))
    with rt.db.session() as session:
        stored = session.scalars(select(Invoice.number).where(Invoice.number.is_not(None))).all()
        counter = session.get(DocumentCounter, ("INV", 2026, "east"))
    assert sorted(stored) == sorted(numbers)
    assert counter is not None and counter.last == INVOICES
    rt.db.dispose()


def test_a_number_taken_by_a_rolled_back_issue_is_given_again(postgres_url: str) -> None:
    settings = settings_for(BILLING, postgres_url, transport="inprocess")
    rt = migrated_runtime(BILLING, settings, clock=FixedClock(START))
    [invoice_id] = drafts(rt, 1)
    with rt.unit_of_work() as uow:
        assert isinstance(uow, SqlBillingUnitOfWork)
        assert uow.counters.next_number("INV", 2026, "east") == 1
        uow.rollback()  # the issuing transaction failed after taking its number
    with rt.unit_of_work() as uow:
        assert isinstance(uow, SqlBillingUnitOfWork)
        invoice = issue_invoice(uow, invoice_id=invoice_id, issue_in={}, by=FINANCE)
    assert invoice.number == "INV-2026-EAST-000001"
    rt.db.dispose()
