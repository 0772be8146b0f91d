"""Satisfaction questionnaires: created on dispatch's ``repair.accepted`` (and sent to the
customer by notice) or by an agent, as a one-time link (only its digest kept), answered once
by the customer it was sent to (``survey.answered``)."""

from __future__ import annotations

import uuid
from typing import Any

from services.support.domain.questionnaires import DEFAULT_VALID_DAYS, OPEN
from services.support.models import Questionnaire
from services.support.repositories import SupportUnitOfWork
from shared.auth import Principal
from shared.domain import require_region
from shared.errors import Conflict
from shared.links import link_url, new_link_token
from shared.notices.recipient import Recipient

DEFAULT_LINK_BASE = "http://127.0.0.1:8008/questionnaires/answer"


def _new(uow: SupportUnitOfWork, **values: Any) -> Questionnaire:
    return Questionnaire(
        id=uuid.uuid4(), status=OPEN, created_at=uow.clock.now(), version=0, **values
    )


def _issue_link(uow: SupportUnitOfWork, questionnaire: Questionnaire) -> None:
    """A fresh one-time link (options ``questionnaire_link_base``, ``questionnaire_valid_days``)."""
    token = new_link_token()
    questionnaire.issue_link(
        digest=token.digest,
        link=link_url(uow.option("questionnaire_link_base", DEFAULT_LINK_BASE), token.token),
        at=uow.clock.now(),
        valid_days=int(uow.option("questionnaire_valid_days", str(DEFAULT_VALID_DAYS))),
    )


def create_questionnaire(
    uow: SupportUnitOfWork, *, questionnaire_in: dict[str, Any], by: Principal
) -> Questionnaire:
    """An agent's questionnaire about a completed job (``questionnaire.created``). Its link
    is issued apart (``issue_questionnaire_link``): an idempotent create keeps its response,
    and the link must be kept nowhere."""
    require_region(by, questionnaire_in["region"])
    work_order_id = questionnaire_in["work_order_id"]
    if uow.questionnaires.for_work_order(work_order_id) is not None:
        raise Conflict(
            "this work order has a questionnaire already",
            errors={"work_order_id": ["has a questionnaire already"]},
        )
    questionnaire = _new(
        uow,
        region=questionnaire_in["region"],
        source="agent",
        work_order_id=work_order_id,
        ticket_id=questionnaire_in.get("ticket_id"),
        technician_id=questionnaire_in.get("technician_id"),
        customer_ref=questionnaire_in["customer_ref"].strip(),
        created_by=by.sub,
    )
    uow.questionnaires.add(questionnaire)
    questionnaire.announce()
    uow.commit()
    return questionnaire


def _recipient(accepted: dict[str, Any]) -> Recipient:
    return Recipient(
        name=accepted.get("customer_name") or "",
        email=accepted.get("customer_email"),
        phone=accepted.get("customer_phone"),
        language=accepted.get("customer_language"),
    )


def _send_link(uow: SupportUnitOfWork, questionnaire: Questionnaire, *, to: Recipient) -> None:
    """Issue the one-time link and stage the ``questionnaire`` notice carrying it, keyed by
    the event that asked for it; a customer with no email and no phone gets no link."""
    if to.address() is None:
        return
    _issue_link(uow, questionnaire)
    uow.notices.add(
        "questionnaire",
        key=f"{questionnaire.source_event_id}:questionnaire",
        to=to,
        region=questionnaire.region,
        context={
            "link": questionnaire.issued_link,
            "expires_at": questionnaire.expires_at,
            "customer_ref": questionnaire.customer_ref,
        },
    )


def open_questionnaire_for_repair(
    uow: SupportUnitOfWork, *, source_event_id: str, region: str, accepted: dict[str, Any]
) -> Questionnaire:
    """The questionnaire an accepted repair calls for (once per work order), sent to the
    customer by notice with its one-time link, in the same transaction. Its customer
    reference is the one dispatch names, else the ticket number the customer was given, else
    the work order's."""
    existing = uow.questionnaires.for_work_order(accepted["work_order_id"])
    if existing is not None:
        return existing
    reference = accepted.get("customer_ref") or accepted.get("ticket_id")
    questionnaire = _new(
        uow,
        region=region,
        source="repair_accepted",
        source_event_id=source_event_id,
        work_order_id=accepted["work_order_id"],
        ticket_id=accepted.get("ticket_id"),
        technician_id=str(accepted["technician_id"]),
        customer_ref=str(reference or accepted["work_order_id"]),
        created_by="dispatch",
    )
    uow.questionnaires.add(questionnaire)
    questionnaire.announce()
    _send_link(uow, questionnaire, to=_recipient(accepted))
    uow.commit()
    return questionnaire


def issue_questionnaire_link(
    uow: SupportUnitOfWork, *, questionnaire_id: uuid.UUID, by: Principal
) -> Questionnaire:
    """A new link for an unanswered questionnaire (shown once); the earlier one stops working."""
    questionnaire = uow.questionnaires.get_for_step(questionnaire_id, by=by)
    _issue_link(uow, questionnaire)
    uow.commit()
    return questionnaire


def answer_questionnaire(
    uow: SupportUnitOfWork, *, link: str, answer_in: dict[str, Any]
) -> Questionnaire:
    """The customer's answer through the link: once, before it expires, by the customer it
    was sent to (``survey.answered``)."""
    questionnaire = uow.questionnaires.get_by_link(link)
    questionnaire.answer(
        customer_ref=answer_in["customer_ref"],
        rating=answer_in["rating"],
        remarks=answer_in.get("remarks"),
        at=uow.clock.now(),
    )
    uow.commit()
    return questionnaire
