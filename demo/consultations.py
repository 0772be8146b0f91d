"""Consultations (technical support calls) through intake, wholly at simulated moments: the
question registered, answered by its response deadline or after it, and the answer rated by
some customers. Their KPIs (consultation timeliness in the month of the answer, the
consultation ratings in the month of the rating) land in the simulated month."""

from __future__ import annotations

import datetime as dt
import random

from demo.client import Api, now
from demo.ledger import Ledger

TOPICS = ("selection", "installation_commissioning", "use", "maintenance")
LATE_SHARE = 0.12
RATED_SHARE = 0.5


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def consult(api: Api, ledger: Ledger, region: str, asked: dt.datetime, rng: random.Random) -> None:
    body = {
        "channel": rng.choice(("hotline", "hotline", "email", "chat", "web")),
        "kind": "consultation",
        "topic": rng.choice(TOPICS),
        "region": region,
        "priority": "normal",
        "customer": {"name": "Sim Customer", "phone": "+86 138 0000 0000"},
        "product": {
            "model": "CP-400",
            "serial_no": f"SIM-C-{rng.getrandbits(40):010x}",
            "purchase_date": "2025-03-01",
        },
        "symptom": "how often should the anode be checked?",
        "reported_at": asked.isoformat(),
    }
    ticket = api.post("intake", "/tickets", body, "agent")
    due = _parse(ticket["consultation"]["response_due_at"])
    limit = now() - dt.timedelta(hours=1)
    if rng.random() < LATE_SHARE:
        answered = due + dt.timedelta(hours=rng.uniform(1, 20))
    else:
        answered = asked + (due - asked) * rng.uniform(0.05, 0.9)
    answered = max(min(answered, limit), asked + dt.timedelta(minutes=1))
    path = f"/tickets/{ticket['id']}"
    answer = {"answer": "check it every six months", "answered_at": answered.isoformat()}
    api.post("intake", f"{path}/answer", answer, "agent")
    ledger.consultation_answered(region, answered, answered <= due)
    if rng.random() < RATED_SHARE:
        rating = rng.choices((5, 4, 3, 2, 1), weights=(45, 30, 15, 6, 4))[0]
        rated = min(answered + dt.timedelta(minutes=rng.randrange(5, 120)), limit)
        rating_in = {"rating": rating, "rated_at": rated.isoformat()}
        api.post("intake", f"{path}/answer-rating", rating_in, "agent")
        ledger.consultation_rated(region, rated, rating)
