"""The technician's and dispatcher's forms as dispatch's JSON, without a browser or a
service: times read in the region's zone, part rows, agreed parts prefilled, windows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from console.app import create_app
from console.config import DEMO_USERS, ConsoleSettings
from console.views import board, parts, visit


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    settings = ConsoleSettings(
        service_urls={},
        users_file=str(DEMO_USERS),
        session_db=str(tmp_path / "sessions.db"),
        secret_key="test",
        regions=("east",),
    )
    application = create_app(settings)
    with application.test_request_context():
        yield application


@pytest.mark.usefixtures("app")
def test_the_prefilled_start_means_the_arrival_not_the_second_before_it() -> None:
    arrived = "2026-12-08T01:36:20.500000Z"
    assert visit._aware("2026-12-08T09:36:20", "east", not_before=arrived) == (
        "2026-12-08T01:36:20.500000+00:00"
    )
    assert visit._aware("2026-12-08T09:35", "east", not_before=arrived) == (
        "2026-12-08T09:35:00+08:00"
    )
    assert visit._aware("not a time", "east") == "not a time"  # dispatch names it


@pytest.mark.usefixtures("app")
def test_the_repair_record_leaves_blank_part_rows_out() -> None:
    values = {
        "work_performed": " sealed ",
        "labour_hours": "1.5",
        "started_at": "2026-12-08T09:00",
        "finished_at": "2026-12-08T10:30",
        "result": "fixed",
        "customer_signature": "data:image/png;base64,AAAA",
        "parts.0.part_no": "SEALANT-7",
        "parts.0.quantity": "2",
        "parts.0.reason": "weeping",
        "parts.0.covered_by_warranty": "no",
        "parts.0.genuine": "yes",
        "parts.2.part_no": "ANODE-MG-5",
        "parts.2.quantity": "one",
        "parts.2.covered_by_warranty": "yes",
    }
    body = visit._repair_body(values, "east", None)
    assert body["work_performed"] == "sealed"
    assert (body["started_at"], body["finished_at"]) == (
        "2026-12-08T09:00:00+08:00",
        "2026-12-08T10:30:00+08:00",
    )
    assert body["parts"] == [
        {"part_no": "SEALANT-7", "quantity": 2, "reason": "weeping", "genuine": True,
         "covered_by_warranty": False},
        {"part_no": "ANODE-MG-5", "quantity": "one", "reason": "", "genuine": True,
         "covered_by_warranty": True},
    ]  # fmt: skip


def test_parts_the_customer_agreed_to_prefill_the_record_as_chargeable() -> None:
    agreed = {"part_no": "SEALANT-7", "quantity": 2, "reason": "weeping"}
    work_order = {
        "visits": [{"number": 1}, {"number": 2}],
        "part_agreements": [
            {"visit_number": 1, "status": "agreed", "lines": [agreed | {"part_no": "OLD"}]},
            {"visit_number": 2, "status": "proposed", "lines": [agreed | {"part_no": "NOT-YET"}]},
            {"visit_number": 2, "status": "agreed", "lines": [agreed]},
        ],
    }
    assert visit._agreed_rows(work_order) == {
        "parts.0.part_no": "SEALANT-7",
        "parts.0.quantity": "2",
        "parts.0.reason": "weeping",
        "parts.0.covered_by_warranty": "no",
    }


def test_a_proposal_takes_the_filled_rows() -> None:
    values = {"parts.1.part_no": "SEALANT-7", "parts.1.quantity": "3", "parts.1.reason": "x"}
    assert parts._rows(values) == [
        {"part_no": "SEALANT-7", "quantity": 3, "reason": "x", "genuine": True}
    ]
    assert parts._rows(values | {"parts.1.genuine": "no"})[0]["genuine"] is False


@pytest.mark.usefixtures("app")
def test_a_window_is_read_in_the_regions_time_zone() -> None:
    values = {
        "technician_id": "",
        "date": "2026-12-13",
        "start": "09:00",
        "end": "",
        "agreed_via": "sms",
        "requested_by": "customer",
        "reason": " out until ten ",
    }
    assert board._schedule_body(values, "east") == {
        "agreed_via": "sms",
        "window_start": "2026-12-13T09:00:00+08:00",
        "window_end": "",
        "requested_by": "customer",
        "reason": "out until ten",
    }
