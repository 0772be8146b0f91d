"""Satisfaction questionnaires over REST, and the open form a customer answers by its link."""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for

from services.support import queries, use_cases
from services.support.repositories import SqlSupportUnitOfWork
from services.support.schemas import (
    AnswerCreate,
    QuestionnaireCreate,
    QuestionnaireForm,
    QuestionnaireQueryArgs,
    QuestionnaireRead,
)
from shared.domain import Page, Window
from shared.web import Blueprint, ProblemSchema, principal, runtime, session, unit_of_work

CLERKS = ("agent", "manager", "admin")

questionnaires = Blueprint(
    "questionnaires",
    __name__,
    url_prefix="/questionnaires",
    description="Satisfaction questionnaires about completed jobs",
)
answers = Blueprint(
    "answers",
    __name__,
    url_prefix="/questionnaires/answer",
    description="The customer's side: open, the one-time link is the credential",
)


def _uow() -> SqlSupportUnitOfWork:
    return unit_of_work(SqlSupportUnitOfWork)


@questionnaires.route("", methods=["POST"])
@questionnaires.requires(*CLERKS)
@questionnaires.idempotent
@questionnaires.arguments(QuestionnaireCreate)
@questionnaires.response(201, QuestionnaireRead)
def create_questionnaire(questionnaire_in: dict[str, Any]) -> Any:
    """A questionnaire about a completed job (one per work order). Agents, managers, admin.
    Its link is issued by ``POST /questionnaires/{id}/link``."""
    created = use_cases.create_questionnaire(
        _uow(), questionnaire_in=questionnaire_in, by=principal()
    )
    location = url_for("questionnaires.get_questionnaire", questionnaire_id=created.id)
    return created, 201, {"Location": location}


@questionnaires.route("", methods=["GET"])
@questionnaires.requires(*CLERKS)
@questionnaires.arguments(QuestionnaireQueryArgs, location="query")
@questionnaires.response(200, QuestionnaireRead(many=True))
@questionnaires.paginated()
def list_questionnaires(filters: dict[str, Any], window: Window) -> Page[Any]:
    """Questionnaires, the latest first (filters: region, status, source, work order)."""
    return queries.list_questionnaires(
        session(), filters=filters, viewer=principal(), window=window
    )


@questionnaires.route("/<uuid:questionnaire_id>", methods=["GET"])
@questionnaires.requires(*CLERKS)
@questionnaires.response(200, QuestionnaireRead)
def get_questionnaire(questionnaire_id: uuid.UUID) -> Any:
    """One questionnaire and its answer (never its link)."""
    return queries.get_questionnaire(session(), questionnaire_id, viewer=principal())


@questionnaires.route("/<uuid:questionnaire_id>/link", methods=["POST"])
@questionnaires.requires(*CLERKS)
@questionnaires.response(200, QuestionnaireRead)
def issue_link(questionnaire_id: uuid.UUID) -> Any:
    """A one-time link for an unanswered questionnaire, in this response only (never kept,
    so not under an Idempotency-Key); an earlier link stops working."""
    return use_cases.issue_questionnaire_link(
        _uow(), questionnaire_id=questionnaire_id, by=principal()
    )


@answers.route("/<link:token>", methods=["GET"])
@answers.by_link
@answers.response(200, QuestionnaireForm)
def show_form(link: str) -> Any:
    """The questions behind a link (no token: the link is the credential)."""
    return queries.get_form(session(), link, now=runtime().clock.now())


@answers.route("/<link:token>", methods=["POST"])
@answers.by_link
@answers.arguments(AnswerCreate)
@answers.response(204)
@answers.alt_response(403, schema=ProblemSchema, description="Sent to another customer")
def answer(answer_in: dict[str, Any], link: str) -> None:
    """Answer once: a rating of 1-5, optional remarks, and the customer reference the link
    was sent to."""
    use_cases.answer_questionnaire(_uow(), link=link, answer_in=answer_in)
