"""One-time links: a random token is the credential of a public endpoint (a customer answering
a questionnaire has no account and no JWT). Only the token's digest is stored, so a copy of
the database cannot answer for anyone; the token itself exists in the link sent and nowhere
else. The web side (``Blueprint.by_link``) admits such a request and never logs the token.

The token carries 256 random bits, so a plain SHA-256 digest is enough (a slow password hash
protects low-entropy secrets; this one cannot be guessed).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{43}$"
_TOKEN = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True)
class LinkToken:
    """A new token (to put in the link, once) and its digest (to store)."""

    token: str
    digest: str

    def __repr__(self) -> str:  # never print the credential
        return f"LinkToken(digest={self.digest[:12]}...)"


def new_link_token() -> LinkToken:
    """A fresh random token and its digest."""
    token = secrets.token_urlsafe(32)
    return LinkToken(token, link_digest(token))


def link_digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    """Whether a string can be a token at all (anything else is simply not a link)."""
    return _TOKEN.fullmatch(token) is not None


def link_url(base: str, token: str) -> str:
    """The link a customer is sent: the configured base, then the token."""
    return f"{base.rstrip('/')}/{token}"
