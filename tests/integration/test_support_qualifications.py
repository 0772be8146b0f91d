"""support's staff qualifications through the API on SQLite and PostgreSQL: records by
managers, a person's current qualification per skill (the latest pass's validity), what
expires within a month per region; a score out of range or a validity on a failed exam is
named and writes nothing; region-limited tokens see their region only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.support_service import Support, make_support, record_body


@pytest.fixture
def support(database_url: str) -> Iterator[Support]:
    s = make_support(database_url)
    yield s
    s.rt.db.dispose()


def test_a_manager_records_an_exam_and_the_event_says_so(support: Support) -> None:
    s = support
    created = s.post("/qualifications", record_body(), "manager", sub="mgr-1")
    body = created.get_json()

    assert created.status_code == 201, body
    assert created.headers["Location"] == f"/qualifications/{body['id']}"
    assert s.get(created.headers["Location"], "dispatcher").get_json() == body
    assert (body["score"], body["passed"], body["valid_until"]) == (86, True, "2028-12-01")
    [event] = s.events()
    assert (event["type"], event["region"]) == ("qualification.recorded", "east")
    assert event["data"] | {"record_id": None, "recorded_at": None} == {
        "record_id": None,
        "person_id": "tech-wang",
        "person_name": "Wang Fang",
        "skill": "welding",
        "course": "Welding of lined pipes, level 2",
        "kind": "exam",
        "taken_on": "2026-12-01",
        "score": 86,
        "passed": True,
        "valid_until": "2028-12-01",
        "recorded_at": None,
    }


def test_a_pass_without_validity_gets_the_configured_months(database_url: str) -> None:
    s = make_support(database_url, qualification_validity_months="12")
    try:
        body = s.created("/qualifications", record_body(valid_until=None), "admin")
        assert body["valid_until"] == "2027-12-01"
    finally:
        s.rt.db.dispose()


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"score": 101},
            {"score": ["Must be greater than or equal to 0 and less than or equal to 100."]},
        ),
        (
            {"score": -1},
            {"score": ["Must be greater than or equal to 0 and less than or equal to 100."]},
        ),
        ({"passed": False}, {"valid_until": ["only a passing record has a validity"]}),
        ({"valid_until": "2026-11-30"}, {"valid_until": ["must be after taken_on"]}),
        ({"taken_on": "2027-01-01"}, {"taken_on": ["must not be in the future"]}),
    ],
)
def test_bad_records_are_named_and_nothing_is_written(
    support: Support, changes: dict, errors: dict
) -> None:
    refused = support.post("/qualifications", record_body(**changes), "manager")
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["errors"] == errors
    assert support.counts() == (0, 0, 0, 0)


def test_only_managers_record_and_only_in_their_region(support: Support) -> None:
    s = support
    assert s.post("/qualifications", record_body(), "agent").status_code == 403
    assert s.post("/qualifications", record_body(), "technician").status_code == 403
    north = s.post("/qualifications", record_body(), "manager", region="north")
    assert north.status_code == 403 and "region" in north.get_json()["errors"]
    assert s.counts() == (0, 0, 0, 0)


def test_the_current_qualification_is_the_latest_pass(support: Support) -> None:
    s = support
    # Passed in 2024 (valid to 30 Nov 2026, expired), failed a retake, passed again.
    s.created(
        "/qualifications", record_body(taken_on="2024-11-30", valid_until="2026-11-30"), "manager"
    )
    s.created(
        "/qualifications",
        record_body(taken_on="2026-12-02", score=40, passed=False, valid_until=None),
        "manager",
    )
    s.created("/qualifications", record_body(skill="coating", valid_until="2026-12-31"), "manager")
    person = s.get("/people/tech-wang/qualifications", "dispatcher").get_json()
    assert [(c["skill"], c["valid_until"], c["valid"]) for c in person["current"]] == [
        ("coating", "2026-12-31", True),
        ("welding", "2026-11-30", False),
    ]
    assert [r["taken_on"] for r in person["records"]] == ["2026-12-02", "2026-12-01", "2024-11-30"]
    s.created(
        "/qualifications", record_body(taken_on="2026-12-05", valid_until="2028-12-05"), "manager"
    )
    person = s.get("/people/tech-wang/qualifications").get_json()
    assert [(c["skill"], c["valid_until"], c["valid"]) for c in person["current"]] == [
        ("coating", "2026-12-31", True),
        ("welding", "2028-12-05", True),
    ]
    assert s.get("/people/nobody/qualifications").status_code == 404
    assert s.get("/people/tech-wang/qualifications", "manager", region="north").status_code == 404


def test_expiring_within_a_month_per_region(support: Support) -> None:
    s = support
    # Today is 7 December 2026.
    s.created("/qualifications", record_body(person_id="a", valid_until="2026-12-20"), "manager")
    s.created("/qualifications", record_body(person_id="b", valid_until="2027-01-06"), "manager")
    s.created(
        "/qualifications",
        record_body(person_id="c", valid_until="2027-01-06", region="north"),
        "manager",
    )
    s.created("/qualifications", record_body(person_id="d", valid_until="2026-12-06"), "manager")
    s.created("/qualifications", record_body(person_id="e", valid_until="2027-02-01"), "manager")
    # f's pass expiring this month was superseded by a later one.
    s.created("/qualifications", record_body(person_id="f", valid_until="2026-12-15"), "manager")
    s.created(
        "/qualifications",
        record_body(person_id="f", taken_on="2026-12-03", valid_until="2028-12-03"),
        "manager",
    )

    def people(query: str, *roles: str, region: str | None = None) -> list[tuple[str, str]]:
        response = s.get(f"/qualifications/expiring{query}", *roles, region=region)
        assert response.status_code == 200, response.get_json()
        return [(q["person_id"], q["valid_until"]) for q in response.get_json()]

    assert people("?region=east", "manager") == [("a", "2026-12-20"), ("b", "2027-01-06")]
    assert people("") == [("a", "2026-12-20"), ("b", "2027-01-06"), ("c", "2027-01-06")]
    assert people("?region=east&within_days=14") == [("a", "2026-12-20")]
    assert people("", "dispatcher", region="north") == [("c", "2027-01-06")]
    assert people("?region=east", "dispatcher", region="north") == []
    assert s.get("/qualifications/expiring?within_days=0").status_code == 422
    assert s.get("/qualifications/expiring", "agent").status_code == 403


def test_lists_filter_and_keep_to_the_viewers_region(support: Support) -> None:
    s = support
    east = s.created("/qualifications", record_body(), "manager")
    s.created("/qualifications", record_body(person_id="tech-li", region="north"), "manager")
    s.created("/qualifications", record_body(score=20, passed=False, valid_until=None), "admin")

    def people(query: str, region: str | None = None) -> list[tuple[str, str, bool]]:
        response = s.get(f"/qualifications{query}", "engineer", region=region)
        assert response.status_code == 200, response.get_json()
        return [(r["person_id"], r["region"], r["passed"]) for r in response.get_json()]

    assert people("", region="north") == [("tech-li", "north", True)]
    assert people("?passed=false") == [("tech-wang", "east", False)]
    assert people("?region=east&passed=true") == [("tech-wang", "east", True)]
    assert s.get("/qualifications?status=held").status_code == 422
    assert s.get(f"/qualifications/{east['id']}", "dispatcher", region="north").status_code == 404
