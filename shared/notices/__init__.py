"""Customer notices: an email (or a text message) staged in the service's own database in the
same transaction as the change that causes it, and sent by the worker afterwards.

- ``table``: the ``notices`` table a service that sends notices adds to its metadata
  (``notices_table(Base.metadata)``) and creates in a migration (``create_notices_table``).
- ``staging``: what a unit of work stages (``uow.notices.add(...)``, or automatically from
  recorded events through the service's ``NoticeBook``), rendered from the service's
  templates in the customer's language, never twice for one dedupe key.
- ``sender`` and ``transports``: the worker's sender, which claims due rows, sends them over
  SMTP (or an SMS gateway), retries temporary failures with backoff and parks the rest.
"""
