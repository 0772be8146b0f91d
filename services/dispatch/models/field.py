"""What a work order keeps of the parts on site: the chargeable parts put to the customer and
their agreement (before use), and the non-genuine parts a manager allowed; plus dispatch's
copy of billing's fee schedule (the parts price list) that prices them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from services.dispatch.domain.field import AGREED, PROPOSED, Agreed, proposal_total
from services.dispatch.models.base import MONEY, Base, as_json
from shared.db import UTCDateTime
from shared.errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from services.dispatch.models.visits import Visit


class PartAgreement(Base):
    """Chargeable parts a technician put to the customer at their fee-schedule prices, and
    the customer's agreement to them (signature, or a call the office recorded)."""

    __tablename__ = "part_agreements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id"), index=True)
    visit_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    # Each line: part_no, quantity, genuine, reason, unit_price, currency, schedule_version.
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    total: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    proposed_by: Mapped[str] = mapped_column(String(200))
    proposed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    agreed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[str | None] = mapped_column(String(30))
    recorded_by: Mapped[str | None] = mapped_column(String(200))
    customer_signature: Mapped[str | None] = mapped_column(Text)

    def as_agreed(self) -> dict[str, Any]:
        """What completion draws on: the agreement and its lines."""
        return {
            "id": self.id,
            "agreed_at": self.agreed_at,
            "confirmed_by": self.confirmed_by,
            "lines": self.lines,
        }


class NonGenuineApproval(Base):
    """A manager allowed a non-genuine part on a work order, and said why."""

    __tablename__ = "non_genuine_approvals"

    work_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_orders.id"), primary_key=True)
    part_no: Mapped[str] = mapped_column(String(100), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def as_record(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at,
        }


class FeeSchedule(Base):
    """A version of billing's fee schedule, in force from ``effective_from``."""

    __tablename__ = "fee_schedules"

    schedule_version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    effective_from: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PartPrice(Base):
    """A part's list price in one fee-schedule version."""

    __tablename__ = "fee_schedule_parts"

    schedule_version: Mapped[int] = mapped_column(
        ForeignKey("fee_schedules.schedule_version"), primary_key=True
    )
    part_no: Mapped[str] = mapped_column(String(100), primary_key=True)
    price: Mapped[Decimal] = mapped_column(MONEY)


class FieldWork:
    """The parts side of a work order (a mixin of ``WorkOrder``)."""

    if TYPE_CHECKING:
        id: uuid.UUID

    @declared_attr
    def part_agreements(cls) -> Mapped[list[PartAgreement]]:
        return relationship(
            order_by="PartAgreement.proposed_at", lazy="selectin", cascade="all, delete-orphan"
        )

    @declared_attr
    def non_genuine_approvals(cls) -> Mapped[list[NonGenuineApproval]]:
        return relationship(
            order_by="NonGenuineApproval.part_no", lazy="selectin", cascade="all, delete-orphan"
        )

    def approvals(self) -> dict[str, dict[str, Any]]:
        """The non-genuine parts a manager allowed, by part number."""
        return {a.part_no: a.as_record() for a in self.non_genuine_approvals}

    def allow_non_genuine(self, part_no: str, reason: str, *, by: str, at: dt.datetime) -> None:
        """A manager allows a non-genuine part on this work order (again: the new reason)."""
        for approval in self.non_genuine_approvals:
            if approval.part_no == part_no:
                approval.reason, approval.approved_by, approval.approved_at = reason, by, at
                return
        self.non_genuine_approvals.append(
            NonGenuineApproval(part_no=part_no, reason=reason, approved_by=by, approved_at=at)
        )

    def propose_parts(
        self, visit: Visit, lines: list[dict[str, Any]], *, by: str, at: dt.datetime
    ) -> PartAgreement:
        """Put chargeable parts, priced, to the customer for their agreement."""
        proposal = PartAgreement(
            id=uuid.uuid4(),
            visit_number=visit.number,
            status=PROPOSED,
            lines=as_json(lines),
            total=proposal_total(lines),
            currency=lines[0]["currency"],
            proposed_by=by,
            proposed_at=at,
        )
        self.part_agreements.append(proposal)
        return proposal

    def agree_parts(
        self, visit: Visit, proposal_id: uuid.UUID, answer: dict[str, Any], *, at: dt.datetime
    ) -> PartAgreement:
        """The customer agrees to a proposal of this visit (422 if it is not one; 409 if
        it was agreed already)."""
        proposal = next((p for p in self.part_agreements if p.id == proposal_id), None)
        if proposal is None or proposal.visit_number != visit.number:
            raise InvalidInput(
                f"no proposal {proposal_id} on this work order's visit",
                errors={"proposal_id": ["not a proposal of this work order's current visit"]},
            )
        if proposal.status == AGREED:
            raise Conflict(
                f"proposal {proposal_id} is agreed already", errors={"status": ["is agreed"]}
            )
        proposal.status, proposal.agreed_at = AGREED, at
        proposal.confirmed_by, proposal.recorded_by = answer["confirmed_by"], answer["recorded_by"]
        proposal.customer_signature = answer.get("customer_signature")
        return proposal

    def agreed_parts(self, visit: Visit) -> Agreed:
        """The parts the customer agreed to on this visit, to draw on."""
        return Agreed(
            [
                p.as_agreed()
                for p in self.part_agreements
                if p.visit_number == visit.number and p.status == AGREED
            ]
        )
