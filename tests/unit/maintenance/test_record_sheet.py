"""The record sheet the customer keeps: a PDF of the record's fields, in Chinese and English
(reportlab's built-in CID font), on one page or more."""

from __future__ import annotations

import datetime as dt

from services.maintenance.routes.record_sheet import render_record_sheet
from services.maintenance.use_cases import record_visit
from tests.unit.maintenance.support import TECH, make_uow, new_asset, new_plan, record_in

TASKS = ("anode_check", "fastening", "cleaning")


def ucs2(text: str) -> bytes:
    """How reportlab writes CID text in an uncompressed page: UCS-2, octal-escaped."""
    out = b""
    for byte in text.encode("utf-16-be"):
        char = chr(byte)
        out += char.encode() if 32 <= byte < 127 and char not in "()\\" else b"\\%03o" % byte
    return out


def test_the_sheet_is_a_pdf_with_the_records_fields() -> None:
    uow = make_uow()
    new_asset(uow, customer_name="宁波港务公司")
    plan = new_plan(uow)
    body = record_in(
        TASKS,
        visited_at=dt.datetime(2026, 1, 1, 1, tzinfo=dt.UTC),
        problems=[{"description": "coating cracked at the support ring", "hazard": True}],
    )
    record = record_visit(uow, plan_id=plan.id, record_in=body, by=TECH)

    pdf = render_record_sheet(record)

    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/STSong-Light" in pdf
    assert f"Maintenance record {record.id}".encode() in pdf
    for text in ("SN-1", "宁波港务公司", "coating cracked at the support ring", "2026-02-01"):
        assert ucs2(text) in pdf, text


def test_a_long_record_runs_onto_a_second_page() -> None:
    uow = make_uow()
    new_asset(uow)
    plan = new_plan(uow)
    problems = [{"description": f"blister {n}", "hazard": False} for n in range(1, 41)]
    record = record_visit(
        uow, plan_id=plan.id, record_in=record_in(TASKS, problems=problems), by=TECH
    )
    assert render_record_sheet(record).count(b"/Type /Page\n") == 2
