"""JWT bearer authentication with per-endpoint roles and an optional region restriction.

The algorithm is pinned by configuration (HS256 with a shared secret, or RS256 with a public
key), never taken from the token; the issuer and this service's audience are checked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import jwt

from shared.config import Settings
from shared.errors import ServiceError

log = logging.getLogger(__name__)

ROLES = frozenset({"agent", "dispatcher", "technician", "engineer", "finance", "manager", "admin"})


class Unauthorized(ServiceError):
    status, slug = 401, "unauthorized"


@dataclass(frozen=True)
class Principal:
    """Who is calling: subject, roles and the region the token is limited to, if any."""

    sub: str
    roles: frozenset[str]
    region: str | None = None

    def has_any(self, roles: Iterable[str]) -> bool:
        return bool(self.roles & set(roles))

    def may_access(self, region: str) -> bool:
        """A region-limited token sees only its region."""
        return self.region is None or self.region == region


class TokenVerifier:
    """Checks bearer tokens for one service."""

    def __init__(self, settings: Settings) -> None:
        if settings.jwt_public_key:
            self.key, self.algorithm = settings.jwt_public_key, "RS256"
        elif settings.jwt_secret:
            self.key, self.algorithm = settings.jwt_secret, "HS256"
        else:
            raise RuntimeError(
                "no JWT key configured: set AFTERCARE_JWT_SECRET or AFTERCARE_JWT_PUBLIC_KEY"
            )
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["sub", "exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token expired") from exc
        except jwt.InvalidTokenError as exc:
            # The reason goes to the log, not to the caller: it would guide a forger.
            log.info("token refused: %s", exc)
            raise Unauthorized("invalid token") from exc
        if not isinstance(claims["sub"], str) or not claims["sub"].strip():
            raise Unauthorized("invalid token: sub must be a non-empty string")
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise Unauthorized("invalid token: roles must be a list of strings")
        region = claims.get("region")
        if region is not None and not isinstance(region, str):
            raise Unauthorized("invalid token: region must be a string")
        return Principal(sub=str(claims["sub"]), roles=frozenset(roles), region=region)


def mint_token(
    *,
    key: str,
    sub: str,
    roles: Iterable[str],
    audiences: Iterable[str],
    issuer: str = "aftercare",
    region: str | None = None,
    ttl: dt.timedelta = dt.timedelta(hours=8),
    algorithm: str = "HS256",
) -> str:
    """A signed token for local use and tests."""
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    now = dt.datetime.now(dt.UTC)
    claims: dict[str, object] = {
        "sub": sub,
        "roles": sorted(set(roles)),
        "iss": issuer,
        "aud": list(audiences),
        "iat": now,
        "exp": now + ttl,
    }
    if region:
        claims["region"] = region
    return jwt.encode(claims, key, algorithm=algorithm)
