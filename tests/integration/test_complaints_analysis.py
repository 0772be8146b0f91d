"""complaints' analysis and improvement report on SQLite and PostgreSQL, against figures
worked out by hand.

November 2026 (the shipped calendar: Asia/Shanghai, 7.5 business hours a weekday), all filed
Mon 2 Nov 09:00 Shanghai unless said otherwise; the clock then stands at Wed 4 Nov 11:00:

- C1 repair_quality east medium, Li; partner "Hangzhou Coatings Workshop", primer skipped;
  resolved Mon 11:00, due Thu 10:30: on time; closed satisfied.
- C2 repair_quality east high, Li again; same partner and cause; due Wed 10:00 (Mon 7 h, Tue
  7.5 h, Wed 1.5 h), resolved Wed 11:00: late.
- C3 billing north low, Wang; the company, tariff misapplied; open, due next week: not judged.
- C4 delay east critical, Zhao; due Tue 09:30 (Mon 7 h, Tue 1 h), still open: late.
- C5 filed in October: outside the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.helpers import metric_value
from tests.integration.complaints_support import START, Complaints, make_complaints

NOVEMBER = "from=2026-11-01T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00"
LI = {"name": "Li Wei", "phone": "+86 138 0000 0000", "language": "zh"}
WANG = {"name": "Wang Fang", "email": "wang@example.com", "language": "en"}
ZHAO = {"name": "Zhao Lei", "phone": "139 1111 2222", "language": "zh"}
PRIMER = {"responsibility": "partner", "root_cause": "technician skipped primer"}


@pytest.fixture
def complaints(database_url: str) -> Iterator[Complaints]:
    c = make_complaints(database_url)
    yield c
    c.rt.db.dispose()


def scenario(c: Complaints) -> dict[str, str]:
    c.clock.at = START + dt.timedelta(days=3)
    c.file(filed_at="2026-10-20T09:00:00+08:00")  # C5
    c.clock.at = START
    ids = {
        "c1": c.file(complainant=LI)["id"],
        "c2": c.file(complainant=LI, severity="high")["id"],
        "c3": c.file(complainant=WANG, category="billing", region="north", severity="low")["id"],
        "c4": c.file(complainant=ZHAO, category="delay", severity="critical")["id"],
    }
    c.investigate(ids["c1"], **PRIMER)
    c.investigate(ids["c2"], **PRIMER)
    c.investigate(ids["c3"], responsibility="company", root_cause="tariff misapplied")
    c.clock.advance(hours=2)  # Mon 11:00
    measures = [
        {"description": "primer checklist", "owner": "quality-lead", "due_on": "2026-11-20"},
        {"description": "retrain the workshop", "owner": "partner-desk", "due_on": "2026-11-03"},
    ]
    c.resolve(ids["c1"], corrective_measures=measures)
    c.feedback(ids["c1"], satisfied=True, rating=5)
    c.clock.at = dt.datetime(2026, 11, 4, 3, 0, tzinfo=dt.UTC)  # Wed 11:00
    c.resolve(ids["c2"], corrective_measures=[])
    return ids


def groups(body: dict[str, object], dimension: str) -> list[tuple[object, ...]]:
    found = body["by"][dimension]  # type: ignore[index]
    return [(g["key"], g["count"], g["judged"], g["on_time"], g["on_time_share"]) for g in found]


def test_the_analysis_of_a_period(complaints: Complaints) -> None:
    c = complaints
    scenario(c)
    body = c.get(f"/complaints/analysis?{NOVEMBER}", "manager").get_json()
    assert (body["total"], body["judged"], body["on_time"]) == (4, 3, 1)
    assert body["on_time_share"] == 0.3333 and body["repeat_complainants"] == 1
    assert groups(body, "category") == [
        ("repair_quality", 2, 2, 1, 0.5),
        ("billing", 1, 0, 0, None),
        ("delay", 1, 1, 0, 0.0),
    ]
    assert groups(body, "region") == [("east", 3, 3, 1, 0.3333), ("north", 1, 0, 0, None)]
    assert groups(body, "root_cause") == [
        ("technician skipped primer", 2, 2, 1, 0.5),
        ("(not investigated)", 1, 1, 0, 0.0),
        ("tariff misapplied", 1, 0, 0, None),
    ]
    assert groups(body, "responsibility") == [
        ("partner", 2, 2, 1, 0.5),
        ("(not investigated)", 1, 1, 0, 0.0),
        ("company", 1, 0, 0, None),
    ]
    assert groups(body, "partner") == [("Hangzhou Coatings Workshop", 2, 2, 1, 0.5)]
    [(key, *repeat)] = groups(body, "complainant")
    assert str(key).startswith("c-") and repeat == [2, 2, 1, 0.5]
    north = c.get(f"/complaints/analysis?{NOVEMBER}", "manager", region="north").get_json()
    assert (north["total"], north["region"]) == (1, "north")
    refused = c.get(
        "/complaints/analysis?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", "admin"
    )
    assert refused.status_code == 422 and "to" in refused.get_json()["errors"]
    assert c.get("/complaints/analysis?to=2026-11-01T00:00:00Z", "admin").status_code == 422


def test_the_analysis_as_csv(complaints: Complaints) -> None:
    c = complaints
    scenario(c)
    response = c.get(f"/complaints/analysis.csv?{NOVEMBER}", "manager")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).split("\r\n")
    assert lines[:5] == [
        "dimension,key,count,judged,on_time,on_time_share",
        "all,all,4,3,1,0.3333",
        "category,repair_quality,2,2,1,0.5",
        "category,billing,1,0,0,",
        "category,delay,1,1,0,0.0",
    ]
    assert "partner,Hangzhou Coatings Workshop,2,2,1,0.5" in lines
    assert len(lines) == 1 + 1 + 3 + 3 + 3 + 2 + 1 + 1 + 1  # header, all, groups, final ""


def test_measures_are_tracked_and_reported(complaints: Complaints) -> None:
    c = complaints
    ids = scenario(c)
    overdue = c.get("/measures?status=overdue", "engineer").get_json()
    assert [m["description"] for m in overdue] == ["retrain the workshop"]
    first = c.get("/measures?owner=quality-lead", "engineer").get_json()[0]
    assert (first["complaint_id"], first["status"], first["round"]) == (ids["c1"], "open", 1)
    done = c.post(f"/measures/{first['id']}/done", {"outcome": "checklist in use"}, "engineer")
    assert done.status_code == 200 and done.get_json()["done_at"] == "2026-11-04T03:00:00Z"
    again = c.post(f"/measures/{first['id']}/done", {"outcome": "x"}, "engineer")
    assert again.status_code == 409
    assert c.post(f"/measures/{first['id']}/done", {}, "engineer").status_code == 422
    hidden = c.post(
        f"/measures/{overdue[0]['id']}/done", {"outcome": "x"}, "engineer", region="north"
    )
    assert hidden.status_code == 404
    report = c.get(f"/measures/report?{NOVEMBER}", "manager").get_json()
    assert [m["description"] for m in report["completed"]] == ["primer checklist"]
    assert (report["decided"], report["open"], report["overdue"]) == (2, 1, 1)
    assert report["by_root_cause"] == [{"key": "technician skipped primer", "count": 1}]
    assert [m["status"] for m in c.get("/measures?status=done", "manager").get_json()] == ["done"]


def test_backlog_past_deadline_and_overdue_measures_on_metrics(complaints: Complaints) -> None:
    c = complaints
    ids = scenario(c)
    # In hand past the deadline at Wed 11:00: C4 (due Tue) and C5 (filed in October).
    late = c.get("/complaints?overdue=true", "agent").get_json()
    assert ids["c4"] in {x["id"] for x in late} and len(late) == 2
    assert ids["c4"] not in {
        x["id"] for x in c.get("/complaints?overdue=false", "agent").get_json()
    }
    text = c.client.get("/metrics").get_data(as_text=True)
    assert metric_value(text, "aftercare_complaints_past_deadline", region="east") == 2
    assert metric_value(text, "aftercare_complaints_past_deadline", region="north") == 0
    assert metric_value(text, "aftercare_complaints_open", region="east", status="open") == 2
    assert metric_value(text, "aftercare_complaints_open", region="east", status="resolved") == 1
    north = {"region": "north", "status": "investigated"}
    assert metric_value(text, "aftercare_complaints_open", **north) == 1
    assert metric_value(text, "aftercare_complaint_measures_overdue", region="east") == 1
    assert metric_value(text, "aftercare_complaint_measures_overdue", region="south") == 0
