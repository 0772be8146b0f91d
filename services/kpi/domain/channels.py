"""Technical support and training (issue 16): consultation response timeliness, training
sessions held, and satisfaction from every channel. Facts, their order-free merges, their
definitions and their values, as ``adherence`` is for maintenance.

- consultation_timeliness: consultations answered by their response deadline / consultations
  answered, in the month of the answer. kpi learns a consultation's deadline only from
  intake's consultation events (``ticket.created`` carries no topic nor response deadline),
  so one never answered is not counted (no overdue-unanswered term, unlike complaints).
  Judged from the timestamps (answered_at <= response_due_at), not the producer's flag.
- training_attendance: training sessions held / attendees who came / attendees listed, in
  the month the session was held (support's ``training.held``).
- csat_by_source: ratings of 4 or 5 / ratings, with the mean, per channel: ``acceptance``
  (repair.accepted/rejected: the SPEC's ``csat``), ``follow_up`` (followup.recorded's 1-5
  satisfaction), ``questionnaire`` (survey.answered), ``consultation`` (consultation.rated);
  ``all`` sums the four. In the month of the rating.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from services.kpi.domain.contributions import Amount, Contributions, MonthOf

CONSULTATIONS, TRAINING = "consultations", "training"
CONSULTATIONS_ANSWERED = "consultations_answered"  # the all-time counter
QUESTIONNAIRE_CSAT, CONSULTATION_CSAT = "csat_questionnaire", "csat_consultation"
# The channel a rating's source (its key's prefix) is reported under, and its measure.
CHANNELS = {
    "acceptance": ("repair", "csat"),
    "follow_up": ("followup", "followup"),
    "questionnaire": ("questionnaire", QUESTIONNAIRE_CSAT),
    "consultation": ("consultation", CONSULTATION_CSAT),
}


@dataclass
class ConsultationFacts:
    """One consultation (a ticket of kind consultation): its response deadline and answer."""

    ticket_id: str
    region: str
    response_due_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    applied: str = "[]"

    def add_deadline(self, region: str, due_at: dt.datetime) -> None:
        """Every consultation event carries the deadline; the earliest carried holds."""
        self.region = min(self.region, region)
        if self.response_due_at is None or due_at < self.response_due_at:
            self.response_due_at = due_at

    def add_answer(self, answered_at: dt.datetime) -> None:
        """The answer (should there be two, the earliest)."""
        if self.answered_at is None or answered_at < self.answered_at:
            self.answered_at = answered_at


@dataclass
class TrainingFacts:
    """One training session held: attendance, topics and who came."""

    session_id: str
    region: str
    held_at: dt.datetime | None = None
    attendees_count: int = 0
    attended_count: int = 0
    topics: str = "[]"
    attendee_ids: str = "[]"
    applied: str = "[]"

    def add_held(
        self,
        region: str,
        held_at: dt.datetime,
        counts: tuple[int, int],
        topics: list[str],
        attended: list[str],
    ) -> None:
        """A session held (should it be reported twice, the latest report counts)."""
        self.region = min(self.region, region)
        candidate = (held_at, counts, sorted(topics), sorted(attended))
        current = (
            self.held_at,
            (self.attendees_count, self.attended_count),
            json.loads(self.topics),
            json.loads(self.attendee_ids),
        )
        if self.held_at is None or candidate > current:
            self.held_at = held_at
            self.attendees_count, self.attended_count = counts
            self.topics, self.attendee_ids = json.dumps(candidate[2]), json.dumps(candidate[3])


def consultation_judgement(facts: ConsultationFacts) -> tuple[dt.datetime, bool] | None:
    """(month-deciding moment, answered in time) of an answered consultation."""
    if facts.answered_at is None or facts.response_due_at is None:
        return None
    return facts.answered_at, facts.answered_at <= facts.response_due_at


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def rated(version: int, amount: Amount) -> dict[str, Any]:
    """A satisfaction share: 4-5 / all, and the mean rating."""
    count, hits, total = amount
    return {
        "version": version,
        "numerator": hits,
        "denominator": count,
        "ratio": _ratio(hits, count),
        "mean_rating": _ratio(total, count),
    }


def by_source(amounts: dict[str, Amount]) -> dict[str, Amount]:
    """Each channel's (ratings, 4-5, total) and ``all`` of them, from a scope's measures."""
    result = {
        channel: amounts.get(measure, (0, 0, 0)) for channel, (_, measure) in CHANNELS.items()
    }
    counts, hits, totals = zip(*result.values(), strict=True)
    result["all"] = (sum(counts), sum(hits), sum(totals))
    return result


def training_values(version: int, amount: Amount) -> dict[str, Any]:
    """Sessions held, attendees listed and who came, and the attendance rate."""
    sessions, attended, attendees = amount
    return {
        "version": version,
        "sessions": sessions,
        "attendees": attendees,
        "attended": attended,
        "attendance_rate": _ratio(attended, attendees),
    }


def judge_consultation(facts: ConsultationFacts, month_of: MonthOf) -> Contributions:
    """consultation_timeliness v1."""
    judged = consultation_judgement(facts)
    if judged is None:
        return {}
    at, in_time = judged
    month = month_of(at, facts.region)
    return {
        ("m", month, facts.region, "", CONSULTATIONS): (1, int(in_time), 0),
        ("c", CONSULTATIONS_ANSWERED, facts.region, "true" if in_time else "false"): (1, 0, 0),
    }


def judge_training(facts: TrainingFacts, month_of: MonthOf) -> Contributions:
    """training_attendance v1: a session held, who came of those listed."""
    if facts.held_at is None:
        return {}
    month = month_of(facts.held_at, facts.region)
    amount = (1, facts.attended_count, facts.attendees_count)
    return {("m", month, facts.region, "", TRAINING): amount}
