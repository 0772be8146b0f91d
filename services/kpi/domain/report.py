"""KPI values from aggregate sums, and the scorecard's weighted composite and ranking (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from services.kpi.domain import channels
from services.kpi.domain import definitions as d

# KPIs a scorecard can weigh (ratios where higher is better).
SCORABLE = (
    "repair_timeliness",
    "first_time_fix",
    "csat",
    "complaint_timeliness",
    "complaint_satisfaction",
    "first_response_compliance",
)
# Only these are kept per technician; the others are per region.
PER_TECHNICIAN = ("repair_timeliness", "first_time_fix", "csat")
DEFAULT_WEIGHTS = "repair_timeliness=0.3,first_time_fix=0.3,csat=0.25,complaint_timeliness=0.15"


@dataclass(frozen=True)
class Sums:
    """What the aggregates hold for one scope (month, and region or technician or all)."""

    measures: Mapping[str, d.Amount] = field(default_factory=dict)
    # Per-region extras, None for a technician: open items past their deadline, backlog.
    overdue_complaints: int | None = None
    unanswered_tickets: int | None = None
    backlog: Mapping[str, int] | None = None

    def get(self, measure: str) -> d.Amount:
        return self.measures.get(measure, (0, 0, 0))


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _share(name: str, numerator: int, denominator: int, **extra: Any) -> dict[str, Any]:
    return {
        "version": d.KPI_DEFINITIONS[name],
        "numerator": numerator,
        "denominator": denominator,
        "ratio": _ratio(numerator, denominator),
        **extra,
    }


def _rated(name: str, amount: d.Amount) -> dict[str, Any]:
    count, hits, total = amount
    return _share(name, hits, count, mean_rating=_ratio(total, count))


def fractions(sums: Sums) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of each ratio KPI the scope has."""
    visits, orders, csat = sums.get(d.VISITS), sums.get(d.WORK_ORDERS), sums.get(d.CSAT)
    result = {
        "repair_timeliness": (visits[1], visits[0]),
        "first_time_fix": (orders[1], orders[0]),
        "csat": (csat[1], csat[0]),
    }
    maintenance = sums.get(d.MAINTENANCE)
    if maintenance[0]:  # only a scope with visits due has an adherence
        result["maintenance_adherence"] = (maintenance[1], maintenance[0])
    consultations = sums.get(channels.CONSULTATIONS)
    if consultations[0]:  # only a scope with consultations answered has a timeliness
        result["consultation_timeliness"] = (consultations[1], consultations[0])
    if sums.overdue_complaints is not None:
        closed = sums.get(d.COMPLAINTS)
        result["complaint_timeliness"] = (closed[1], closed[0] + sums.overdue_complaints)
        feedback = sums.get(d.COMPLAINT_FEEDBACK)
        result["complaint_satisfaction"] = (feedback[1], feedback[0])
    if sums.unanswered_tickets is not None:
        answered = sums.get(d.FIRST_RESPONSE)
        result["first_response_compliance"] = (answered[1], answered[0] + sums.unanswered_tickets)
    return result


def kpi_values(sums: Sums) -> dict[str, Any]:
    """Every KPI of a scope, each with its definition's version; None where it has none."""
    parts = fractions(sums)
    repairs, _, seconds = sums.get(d.REPAIR_TIME)
    opened, repeats = sums.get(d.REPEAT_VISITS)[:2]
    return {
        "csat": _rated("csat", sums.get(d.CSAT)),
        "repair_timeliness": _share("repair_timeliness", *parts["repair_timeliness"]),
        "first_time_fix": _share("first_time_fix", *parts["first_time_fix"]),
        "mean_time_to_repair": {
            "version": d.KPI_DEFINITIONS["mean_time_to_repair"],
            "repairs": repairs,
            "mean_seconds": _ratio(seconds, repairs),
            "mean_hours": _ratio(seconds, repairs * 3600),
        },
        "repeat_visits": _share("repeat_visits", repeats, opened),
        "followup_satisfaction": _rated("followup_satisfaction", sums.get(d.FOLLOWUP)),
        "maintenance_adherence": _adherence(sums.get(d.MAINTENANCE)),
        **_channel_values(sums),
        **_regional_values(sums, parts),
    }


def _channel_values(sums: Sums) -> dict[str, Any]:
    """Consultation timeliness, training sessions, and satisfaction by channel."""
    answered, in_time, _ = sums.get(channels.CONSULTATIONS)
    rated = channels.by_source(dict(sums.measures))
    version = d.KPI_DEFINITIONS["csat_by_source"]
    return {
        "consultation_timeliness": _share("consultation_timeliness", in_time, answered),
        "csat_by_source": {
            name: channels.rated(version, amount) for name, amount in rated.items() if name != "all"
        },
        "csat_all_sources": channels.rated(version, rated["all"]),
        "training": channels.training_values(
            d.KPI_DEFINITIONS["training_attendance"], sums.get(channels.TRAINING)
        ),
    }


def _adherence(amount: d.Amount) -> dict[str, Any]:
    """Maintenance visits done / due, and those done on time / done."""
    due, done, on_time = amount
    return _share(
        "maintenance_adherence", done, due, on_time=on_time, on_time_ratio=_ratio(on_time, done)
    )


def _regional_values(sums: Sums, parts: Mapping[str, tuple[int, int]]) -> dict[str, Any]:
    """The KPIs only a region (or all regions) has: complaints, first response, backlog."""
    values: dict[str, Any] = dict.fromkeys(
        ("complaint_timeliness", "complaint_satisfaction", "first_response_compliance"), None
    )
    if sums.overdue_complaints is not None:
        values["complaint_timeliness"] = _share(
            "complaint_timeliness",
            *parts["complaint_timeliness"],
            open_past_deadline=sums.overdue_complaints,
        )
        values["complaint_satisfaction"] = _rated(
            "complaint_satisfaction", sums.get(d.COMPLAINT_FEEDBACK)
        )
    if sums.unanswered_tickets is not None:
        values["first_response_compliance"] = _share(
            "first_response_compliance",
            *parts["first_response_compliance"],
            unanswered_past_deadline=sums.unanswered_tickets,
        )
    values["open_backlog"] = None
    if sums.backlog is not None:
        values["open_backlog"] = {
            "version": d.KPI_DEFINITIONS["open_backlog"],
            "tickets": sums.backlog.get("intake", 0),
            "work_orders": sums.backlog.get("dispatch", 0),
        }
    return values


WEIGHT_PLACES = 4
MAX_WEIGHT_CHARS = 12


def parse_weights(text: str) -> dict[str, Decimal]:
    """``name=weight,...`` over the scorable KPIs; raises ValueError saying what is wrong."""
    weights: dict[str, Decimal] = {}
    for part in text.split(","):
        name, sep, value = (p.strip() for p in part.partition("="))
        if not sep or name not in SCORABLE:
            raise ValueError(f"{part.strip()!r}: expected name=weight, name one of {SCORABLE}")
        if name in weights:
            raise ValueError(f"{name} weighted twice")
        try:
            weight = Decimal(value) if len(value) <= MAX_WEIGHT_CHARS else Decimal("NaN")
        except InvalidOperation:
            raise ValueError(f"{name}: weight {value[:20]!r} is not a number") from None
        if not weight.is_finite() or weight < 0 or weight > 1000:
            raise ValueError(f"{name}: weight must be between 0 and 1000")
        # An exponent like 1E-30000000 is "in range" yet makes exact arithmetic build 10^N:
        # weights carry at most four decimals.
        if weight.as_tuple().exponent < -WEIGHT_PLACES:  # type: ignore[operator]
            raise ValueError(f"{name}: weight has more than {WEIGHT_PLACES} decimals")
        weights[name] = weight
    if not any(weights.values()):
        raise ValueError("at least one weight must be positive")
    return weights


def composite(
    parts: Mapping[str, tuple[int, int]], weights: Mapping[str, Decimal]
) -> Fraction | None:
    """The weighted mean of the KPIs the scope has (denominator above zero), weights
    renormalised over those; None when it has none of the weighted KPIs. Exact, so equal
    scores tie exactly."""
    score, weight_sum = Fraction(0), Fraction(0)
    for name, weight in weights.items():
        numerator, denominator = parts.get(name, (0, 0))
        if denominator and weight:
            score += Fraction(weight) * Fraction(numerator, denominator)
            weight_sum += Fraction(weight)
    return score / weight_sum if weight_sum else None


def ranked(
    entries: Iterable[tuple[str, Fraction | None]],
) -> list[tuple[int, str, Fraction | None]]:
    """Best composite first; ties (and scopes without a composite, last) in key order."""
    ordered = sorted(entries, key=lambda e: (e[1] is None, -(e[1] or 0), e[0]))
    return [(rank, key, score) for rank, (key, score) in enumerate(ordered, start=1)]


def figures(sums: Sums) -> dict[str, tuple[int, int]]:
    """What a scope of a frozen month is compared on: each ratio KPI's (numerator,
    denominator) and each mean's (total, count)."""
    result = dict(fractions(sums))
    ratings, _, score = sums.get(d.CSAT)
    result["mean_satisfaction"] = (score, ratings)
    repairs, _, seconds = sums.get(d.REPAIR_TIME)
    result["mean_time_to_repair"] = (seconds, repairs)
    return result
