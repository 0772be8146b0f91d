"""What a work order keeps of a training session (a mixin of ``WorkOrder``): the session,
its topics and trainer, and the steps only a training visit takes (see ``domain.training``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.dispatch.domain import IN_PROGRESS, VISIT_COMPLETED, refusal
from services.dispatch.domain.training import (
    CANCELLABLE,
    CANCELLED,
    DONE,
    TRAINING,
    VISIT_CANCELLED,
)
from shared.db import UTCDateTime
from shared.domain import Aggregate
from shared.errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from services.dispatch.models.visits import Visit


class TrainingWork(Aggregate):
    """The training side of a work order."""

    if TYPE_CHECKING:
        kind: str
        status: str
        closed_at: dt.datetime | None
        visits: list[Visit]

    training_session_id: Mapped[str | None] = mapped_column(String(36), unique=True, index=True)
    topics: Mapped[list[str] | None] = mapped_column(JSON)
    trainer_person_id: Mapped[str | None] = mapped_column(String(200))
    trainer_name: Mapped[str | None] = mapped_column(String(200))
    customer_ref: Mapped[str | None] = mapped_column(String(100))
    # When support last scheduled the session: an older training.scheduled changes nothing.
    training_scheduled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    remarks: Mapped[str | None] = mapped_column(Text)

    @property
    def is_training(self) -> bool:
        return self.kind == TRAINING

    def record(self, type_: str, data: Mapping[str, Any]) -> None:
        """A training visit publishes nothing: its facts are support's (``training.held``),
        and dispatch's visit events are repair and maintenance facts kpi counts."""
        if not self.is_training:
            super().record(type_, data)

    def refuse_training(self, action: str) -> None:
        """409 for a repair step (record, parts, acceptance) on a training visit."""
        if self.is_training:
            raise Conflict(
                f"cannot {action}: a training visit has no repair record, parts or acceptance",
                errors={"kind": ["is training"]},
            )

    def cancel_training(self, reason: str, *, at: dt.datetime) -> None:
        """Support called the session off: the pending visit leaves the trainer's day."""
        if self.status not in CANCELLABLE:
            return
        for visit in self.visits:
            if visit.status == "scheduled":
                visit.status = VISIT_CANCELLED
        self.status, self.closed_at, self.cancel_reason = CANCELLED, at, reason

    def finish_training(self, visit: Visit, done_in: dict[str, Any], *, at: dt.datetime) -> None:
        """The trainer marks the visit in progress done (attendance is support's)."""
        if not self.is_training:
            raise Conflict(
                f"cannot mark a {self.kind} visit done: it needs its repair record",
                errors={"kind": [f"is {self.kind}"]},
            )
        if self.status != IN_PROGRESS:
            raise refusal("mark the training visit done", getattr(self, "id", None), self.status)
        finished_at = done_in.get("finished_at") or at
        assert visit.arrived_at is not None
        if finished_at < visit.arrived_at:
            raise InvalidInput(
                "finished before the trainer arrived",
                errors={"finished_at": ["before the arrival"]},
            )
        visit.status, visit.finished_at, visit.completed_at = VISIT_COMPLETED, finished_at, at
        self.remarks = done_in.get("remarks")
        self.status, self.closed_at = DONE, at
