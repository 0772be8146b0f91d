"""Training visits: support's on-site customer training sessions, booked as work orders of
kind ``training`` so the trainer's day shows them.

A training work order has no repair record, parts or acceptance: it is scheduled (support's
``training.scheduled`` books the trainer when they are on the roster; an agent may book one by
hand), checked in like any visit, and marked done by the trainer
(``POST /work-orders/{id}/training-completion``); support's ``training.cancelled`` cancels it.
Support records attendance and feedback itself (``training.held``). A training work order
publishes no events: dispatch's visit events are repair and maintenance facts that kpi counts
(timeliness, first-time fix, ratings), and a training session is not one.
"""

from __future__ import annotations

from services.dispatch.domain import WORK_ORDER_KINDS

TRAINING = "training"
ON_SITE = "on_site"
KINDS = (*WORK_ORDER_KINDS, TRAINING)
DONE = "done"
CANCELLED = "cancelled"
VISIT_CANCELLED = "cancelled"
# A cancellation after the trainer marked the visit done changes nothing.
CANCELLABLE = ("unscheduled", "scheduled", "in_progress")
