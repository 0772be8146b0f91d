"""Who a notice goes to, and in which language (plain values: a domain may build them)."""

from __future__ import annotations

from dataclasses import dataclass

ENGLISH, CHINESE = "en", "zh-CN"
LANGUAGES = (CHINESE, ENGLISH)
DEFAULT_LANGUAGE = CHINESE
EMAIL, SMS = "email", "sms"


def language_of(value: str | None) -> str:
    """The template language for a customer's language tag: English for any ``en``, else
    Chinese (the default)."""
    if value and value.strip().lower().split("-")[0] == "en":
        return ENGLISH
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Recipient:
    """A customer as a notice addresses them: email first, else a phone for a text."""

    name: str
    email: str | None = None
    phone: str | None = None
    language: str | None = None

    def address(self) -> tuple[str, str] | None:
        """The channel and address a notice goes to, or None when there is no way to reach
        the customer."""
        if self.email:
            return EMAIL, self.email
        if self.phone:
            return SMS, self.phone
        return None
