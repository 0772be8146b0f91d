"""Bearer token verification: pinned algorithm, issuer, this service's audience, claim shapes.

``cryptography`` is not installed in the project's environment (PyJWT is required without its
``crypto`` extra), so no RSA key can be generated here: a token signed with another HS256
secret stands in for a foreign signer, and a hand-forged HS256 token checks that a verifier
configured for RS256 never accepts a symmetric signature (algorithm confusion).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import jwt
import pytest

from shared.auth import Principal, TokenVerifier, Unauthorized, mint_token
from shared.config import Settings

SECRET = "intake-test-secret-0123456789-abcdefghij"
OTHER_SECRET = "someone-elses-secret-0123456789-abcdefgh"
PUBLIC_KEY = (
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"
)


def verifier(**settings: Any) -> TokenVerifier:
    return TokenVerifier(
        Settings(service="intake", database_url="sqlite://", **({"jwt_secret": SECRET} | settings))
    )


def minted(**kw: Any) -> str:
    args: dict[str, Any] = {
        "key": SECRET,
        "sub": "agent-7",
        "roles": ["agent"],
        "audiences": ["aftercare.intake", "aftercare.kpi"],
    }
    return mint_token(**(args | kw))


def claims(**changes: Any) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    body: dict[str, Any] = {
        "sub": "agent-7",
        "roles": ["agent"],
        "iss": "aftercare",
        "aud": ["aftercare.intake"],
        "exp": now + dt.timedelta(minutes=5),
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def signed(body: dict[str, Any], key: str = SECRET) -> str:
    return jwt.encode(body, key, algorithm="HS256")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forged_hs256(body: dict[str, Any], key: str) -> str:
    """HS256 signed with ``key`` by hand (PyJWT itself refuses a PEM key as an HMAC secret)."""
    body = {k: int(v.timestamp()) if isinstance(v, dt.datetime) else v for k, v in body.items()}
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(body).encode())
    sig = hmac.new(key.encode(), f"{head}.{payload}".encode(), hashlib.sha256).digest()
    return f"{head}.{payload}.{_b64(sig)}"


def test_a_minted_token_for_this_audience_is_accepted() -> None:
    principal = verifier().verify(minted(roles=["engineer", "agent"], region="east"))

    assert principal == Principal(
        sub="agent-7", roles=frozenset({"agent", "engineer"}), region="east"
    )
    assert principal.has_any(["engineer", "finance"])
    assert not principal.has_any(["finance", "admin"])


def test_a_token_without_region_is_not_region_limited() -> None:
    principal = verifier().verify(minted())
    assert principal.region is None
    assert principal.may_access("east") and principal.may_access("north")


def test_a_region_limited_principal_sees_only_its_region() -> None:
    principal = Principal(sub="t", roles=frozenset({"technician"}), region="east")
    assert principal.may_access("east")
    assert not principal.may_access("north")
    assert not principal.may_access("")


def test_a_custom_issuer_is_honoured() -> None:
    token = minted(issuer="corp-idp")
    assert verifier(jwt_issuer="corp-idp").verify(token).sub == "agent-7"
    with pytest.raises(Unauthorized):
        verifier().verify(token)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: minted(ttl=dt.timedelta(seconds=-30)), id="expired"),
        pytest.param(lambda: minted(issuer="someone-else"), id="wrong-issuer"),
        pytest.param(lambda: minted(audiences=["aftercare.kpi"]), id="other-audience-only"),
        pytest.param(lambda: minted(audiences=[]), id="no-audience"),
        pytest.param(lambda: minted(key=OTHER_SECRET), id="other-secret"),
        pytest.param(lambda: jwt.encode(claims(), None, algorithm="none"), id="alg-none"),
        pytest.param(lambda: signed(claims(sub=None)), id="missing-sub"),
        pytest.param(lambda: signed(claims(exp=None)), id="missing-exp"),
        pytest.param(lambda: signed(claims(iss=None)), id="missing-iss"),
        pytest.param(lambda: signed(claims(aud=None)), id="missing-aud"),
        pytest.param(lambda: signed(claims(sub=42)), id="sub-not-string"),
        pytest.param(lambda: signed(claims(roles="admin")), id="roles-a-string"),
        pytest.param(lambda: signed(claims(roles={"admin": True})), id="roles-an-object"),
        pytest.param(lambda: signed(claims(roles=["admin", 1])), id="roles-not-all-strings"),
        pytest.param(lambda: signed(claims(region=["east"])), id="region-not-string"),
        pytest.param(lambda: minted() + "x", id="tampered-signature"),
        pytest.param(lambda: "not.a.token", id="garbage"),
    ],
)
def test_bad_tokens_are_unauthorized(token: Any) -> None:
    with pytest.raises(Unauthorized) as caught:
        verifier().verify(token())
    assert caught.value.status == 401


def test_expired_token_says_so() -> None:
    with pytest.raises(Unauthorized, match="token expired"):
        verifier().verify(minted(ttl=dt.timedelta(seconds=-30)))


def test_token_payload_edited_after_signing_is_rejected() -> None:
    head, _, sig = minted(roles=["agent"]).split(".")
    admin_payload = _b64(json.dumps(claims(roles=["admin"], exp=2_000_000_000)).encode())
    with pytest.raises(Unauthorized):
        verifier().verify(f"{head}.{admin_payload}.{sig}")


def test_rs256_verifier_pins_its_algorithm(caplog: pytest.LogCaptureFixture) -> None:
    """Signing HS256 with the public key as the secret must not get past an RS256 verifier;
    the caller learns only that the token is invalid, the log says why."""
    rs = verifier(jwt_secret=None, jwt_public_key=PUBLIC_KEY)
    assert rs.algorithm == "RS256"

    with caplog.at_level("INFO", logger="shared.auth"), pytest.raises(Unauthorized) as refused:
        rs.verify(forged_hs256(claims(), PUBLIC_KEY))
    assert refused.value.detail == "invalid token"
    assert "alg" in caplog.text
    with pytest.raises(Unauthorized):
        rs.verify(minted())  # an ordinary HS256 token from the shared secret
    with pytest.raises(Unauthorized):
        rs.verify(jwt.encode(claims(), None, algorithm="none"))


def test_public_key_wins_over_secret_when_both_are_set() -> None:
    both = verifier(jwt_public_key=PUBLIC_KEY)
    assert both.algorithm == "RS256"
    with pytest.raises(Unauthorized):
        both.verify(minted())


def test_hs256_verifier_checks_the_secret_it_was_given() -> None:
    assert verifier().verify(signed(claims())).sub == "agent-7"
    assert verifier(jwt_secret=OTHER_SECRET).verify(minted(key=OTHER_SECRET)).sub == "agent-7"
    with pytest.raises(Unauthorized):
        verifier(jwt_secret=OTHER_SECRET).verify(minted())


def test_no_key_configured_refuses_to_start() -> None:
    with pytest.raises(RuntimeError, match="no JWT key"):
        verifier(jwt_secret=None)


def test_mint_token_refuses_unknown_roles() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        minted(roles=["agent", "root"])
