"""How a notice leaves: SMTP for email, an HTTP SMS gateway for text messages, both behind
``NoticeTransport``. A transport raises ``SendFailed`` saying whether trying again may help
(a refused connection, a 4xx reply) or not (a 5xx reply: the address is wrong).

Delivery is at least once: a crash after the server accepted a message but before the row is
marked sent sends it again. The Message-ID (email) and the Idempotency-Key (SMS) are derived
from the notice id, so the receiving side can drop the duplicate.
"""

from __future__ import annotations

import email.utils
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from email import policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from shared.config import NoticeSettings


class SendFailed(Exception):
    """A notice was not accepted; ``permanent`` when trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class NoticeTransport(ABC):
    """Sends notices of one channel; ``open``/``close`` bracket a batch."""

    channel: str

    def open(self) -> None:  # noqa: B027 (a transport may hold no connection)
        """Connect before a batch."""

    def close(self) -> None:  # noqa: B027
        """Let go of the connection after a batch."""

    @abstractmethod
    def send(self, notice: Any, *, service: str) -> None:
        """Send one notice row (``id``, ``recipient``, ``subject``, ``body``, ``language``)."""


def message_id(notice_id: str, service: str) -> str:
    """The same Message-ID every time a notice is sent: duplicates can be recognised."""
    return f"<notice-{notice_id}@{service}.aftercare>"


def email_message(notice: Any, *, sender: str, service: str) -> EmailMessage:
    """The plain-text email of a notice, in its language."""
    # Long subjects are not folded at 78 characters (RFC 5322 allows 998): some readers keep
    # the space a fold leaves after "Subject:".
    message = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    message["From"] = sender
    message["To"] = notice.recipient
    message["Subject"] = notice.subject
    message["Message-ID"] = message_id(notice.id, service)
    message["Date"] = email.utils.formatdate(localtime=False)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(notice.body, charset="utf-8")
    message["Content-Language"] = notice.language  # after set_content, which clears Content-*
    return message


class SmtpTransport(NoticeTransport):
    """Email over SMTP (``smtp://host:port``, ``smtps://`` for implicit TLS, STARTTLS and
    login as configured). 4xx replies and connection trouble are temporary, 5xx permanent."""

    channel = "email"

    def __init__(self, settings: NoticeSettings) -> None:
        assert settings.smtp_url, "SMTP is not configured"
        parts = urlsplit(settings.smtp_url)
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.tls else 25)
        # A login may also come in the URL (smtp://user:password@host:587).
        self.user = settings.smtp_user or unquote(parts.username or "") or None
        self.password = settings.smtp_password or unquote(parts.password or "")
        self.settings = settings
        self.client: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect (and log in). Trouble here is the server's or the configuration's, never
        the notice's: always temporary, so a wrong password parks nothing at once."""
        try:
            self.client = self._connect()
        except smtplib.SMTPResponseException as exc:
            reply = _failed(exc.smtp_code, exc.smtp_error).reason
            raise SendFailed(f"cannot use the SMTP server: {reply}", permanent=False) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"cannot reach the SMTP server: {exc}", permanent=False) from exc

    def _connect(self) -> smtplib.SMTP:
        timeout, context = self.settings.timeout_seconds, ssl.create_default_context()
        if self.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=timeout)
        if self.settings.smtp_starttls:
            client.starttls(context=context)
        if self.user:
            client.login(self.user, self.password)
        return client

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()

    def send(self, notice: Any, *, service: str) -> None:
        if self.client is None:
            self.open()
        assert self.client is not None
        message = email_message(notice, sender=self.settings.sender_address, service=service)
        try:
            refused = self.client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise _failed(code, reply) from exc
        except smtplib.SMTPResponseException as exc:
            raise _failed(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.client = None  # the connection is gone; the next send reconnects
            raise SendFailed(f"SMTP connection lost: {exc}", permanent=False) from exc
        if refused:
            code, reply = next(iter(refused.values()))
            raise _failed(code, reply)


def _failed(code: int, reply: bytes | str) -> SendFailed:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return SendFailed(f"SMTP {code} {text}".strip(), permanent=500 <= code < 600)


class SmsGatewayTransport(NoticeTransport):
    """Text messages through an HTTP gateway: ``POST {to, text, id}`` as JSON with the
    notice id as Idempotency-Key. 2xx sent; 408, 429 and 5xx temporary; other 4xx permanent."""

    channel = "sms"

    def __init__(self, settings: NoticeSettings) -> None:
        assert settings.sms_url, "the SMS gateway is not configured"
        self.url = settings.sms_url
        self.token = settings.sms_token
        self.timeout = settings.timeout_seconds

    def send(self, notice: Any, *, service: str) -> None:
        body = json.dumps(
            {"id": notice.id, "to": notice.recipient, "text": f"{notice.subject}\n{notice.body}"}
        ).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": notice.id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout):
                return
        except urllib.error.HTTPError as exc:
            temporary = exc.code in (408, 429) or exc.code >= 500
            raise SendFailed(f"SMS gateway {exc.code}", permanent=not temporary) from exc
        except OSError as exc:
            raise SendFailed(f"cannot reach the SMS gateway: {exc}", permanent=False) from exc


def transports_from(settings: NoticeSettings) -> dict[str, NoticeTransport]:
    """The transports that are configured, by channel (none: every notice waits)."""
    found: dict[str, NoticeTransport] = {}
    if settings.smtp_url:
        found["email"] = SmtpTransport(settings)
    if settings.sms_url:
        found["sms"] = SmsGatewayTransport(settings)
    return found
