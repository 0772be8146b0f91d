"""deploy/prometheus: promtool accepts the configuration and the rules, the rules pass their
unit tests, and the scrape configuration covers every service's web and worker."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.config import WORKER_METRICS_OFFSET
from tests.helpers import REPO, SERVICE_NAMES, SERVICE_PORTS

PROMETHEUS = REPO / "deploy" / "prometheus"
CONFIGS = ("prometheus.yml", "prometheus.local.yml")
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.rules.yml"))
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.test.yml"))


def promtool(*args: str, cwd: Path = PROMETHEUS) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    assert binary, "promtool not found: install Debian's `prometheus` package (.ci/run does)"
    return subprocess.run(
        [binary, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


@cache
def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def rules() -> list[dict[str, Any]]:
    return [rule for path in RULE_FILES for g in load(path)["groups"] for rule in g["rules"]]


def alerts() -> list[dict[str, Any]]:
    return [rule for rule in rules() if "alert" in rule]


# --- promtool -------------------------------------------------------------------------------
@pytest.mark.parametrize("config", CONFIGS)
def test_promtool_accepts_the_configuration_and_its_rule_files(config: str) -> None:
    result = promtool("check", "config", config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(RULE_FILES)} rule files found" in result.stdout


def test_promtool_accepts_the_rules() -> None:
    assert RULE_FILES, "no rule files under deploy/prometheus/rules"
    result = promtool("check", "rules", *(str(p.relative_to(PROMETHEUS)) for p in RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(RULE_FILES)


def test_the_rules_pass_their_unit_tests() -> None:
    assert RULE_TESTS, "no rule unit tests under deploy/prometheus/tests"
    result = promtool("test", "rules", *(str(p.relative_to(PROMETHEUS)) for p in RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(RULE_TESTS), result.stdout


def test_a_failing_rule_test_fails_promtool(tmp_path: Path) -> None:
    """The check above has teeth: a wrong expectation is reported."""
    broken = tmp_path / "broken.test.yml"
    broken.write_text(
        yaml.safe_dump(
            {
                "rule_files": [str(PROMETHEUS / "rules" / "kpi.rules.yml")],
                "tests": [
                    {
                        "interval": "1m",
                        "input_series": [],
                        "promql_expr_test": [
                            {
                                "expr": 'aftercare:kpi_target{kpi="csat"}',
                                "eval_time": "1m",
                                "exp_samples": [
                                    {"labels": 'aftercare:kpi_target{kpi="csat"}', "value": 0.5}
                                ],
                            }
                        ],
                    }
                ],
            }
        )
    )
    result = promtool("test", "rules", str(broken), cwd=tmp_path)
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr


# --- what the rules and their tests cover ---------------------------------------------------
def test_every_alert_is_shown_firing_by_a_unit_test() -> None:
    fired = {
        case["alertname"]
        for path in RULE_TESTS
        for test in load(path)["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert {rule["alert"] for rule in alerts()} <= fired


def test_every_windowed_kpi_is_unit_tested() -> None:
    tested = " ".join(
        case["expr"]
        for path in RULE_TESTS
        for test in load(path)["tests"]
        for case in test.get("promql_expr_test", [])
    )
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    kpis = {re.sub(r"^\w*:(aftercare_\w+):\w+?\d+[hd]$", r"\1", name) for name in recorded}
    kpis.discard("aftercare:kpi_target")
    assert kpis == {
        "aftercare_repair_timeliness",
        "aftercare_first_time_fix",
        "aftercare_csat",
        "aftercare_mean_satisfaction",
        "aftercare_complaint_timeliness",
    }
    assert all(f"{kpi}:" in tested for kpi in kpis), tested
    assert "aftercare:kpi_target" in tested


def test_each_recorded_kpi_has_every_window_per_region_and_nationwide() -> None:
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    for kpi, op in [
        ("repair_timeliness", "ratio"),
        ("first_time_fix", "ratio"),
        ("csat", "ratio"),
        ("mean_satisfaction", "avg"),
        ("complaint_timeliness", "ratio"),
    ]:
        for level in ("region", ""):
            for window in ("1h", "1d", "30d"):
                assert f"{level}:aftercare_{kpi}:{op}{window}" in recorded


def test_alerts_say_who_acts_and_what_happened() -> None:
    names = [rule["alert"] for rule in alerts()]
    assert len(names) == len(set(names)), "alert names are unique"
    for rule in alerts():
        assert rule["alert"].startswith("Aftercare"), rule["alert"]
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        assert rule["labels"]["team"], rule["alert"]
        assert {"summary", "description"} <= set(rule["annotations"]), rule["alert"]


# --- scrape configuration -------------------------------------------------------------------
def scrape_targets(config: str) -> dict[tuple[str, str], str]:
    """{(job, service): target} of the Aftercare jobs in a configuration."""
    found = {}
    for job in load(PROMETHEUS / config)["scrape_configs"]:
        if not job["job_name"].startswith("aftercare-"):
            continue
        for static in job["static_configs"]:
            [target] = static["targets"]
            found[(job["job_name"], static["labels"]["service"])] = target
    return found


def test_compose_config_scrapes_every_web_and_worker_by_service_name() -> None:
    expected = {}
    for name in SERVICE_NAMES:
        port = SERVICE_PORTS[name]
        expected[("aftercare-web", name)] = f"{name}-web:{port}"
        expected[("aftercare-worker", name)] = f"{name}-worker:{port + WORKER_METRICS_OFFSET}"
    assert scrape_targets("prometheus.yml") == expected


def test_local_config_scrapes_the_same_ports_on_this_machine() -> None:
    expected = {
        key: "127.0.0.1:" + target.rsplit(":", 1)[1]
        for key, target in scrape_targets("prometheus.yml").items()
    }
    assert scrape_targets("prometheus.local.yml") == expected


def test_local_and_compose_configs_differ_only_in_addresses() -> None:
    def without_addresses(config: str) -> dict[str, Any]:
        data = load(PROMETHEUS / config)
        jobs = [
            {**job, "static_configs": [{**s, "targets": []} for s in job["static_configs"]]}
            for job in data["scrape_configs"]
        ]
        return {**data, "scrape_configs": jobs}

    assert without_addresses("prometheus.yml") == without_addresses("prometheus.local.yml")


def test_services_own_labels_win_over_the_targets() -> None:
    """kpi's backlog_open{service} names the service whose backlog it counts: the target's
    `service` label must not overwrite it (nor rename it to exported_service)."""
    for job in load(PROMETHEUS / "prometheus.yml")["scrape_configs"]:
        if job["job_name"].startswith("aftercare-"):
            assert job["honor_labels"] is True
            assert job.get("metrics_path", "/metrics") == "/metrics"


def test_rule_files_are_loaded_by_the_configuration() -> None:
    for config in CONFIGS:
        patterns = load(PROMETHEUS / config)["rule_files"]
        loaded = {p for pattern in patterns for p in PROMETHEUS.glob(pattern)}
        assert loaded == set(RULE_FILES)
