"""One-time link tokens (shared.links): random, URL-safe, stored only as a digest, and never
printed."""

from __future__ import annotations

import hashlib
import re

from shared.links import TOKEN_PATTERN, link_digest, link_url, new_link_token, well_formed


def test_a_token_is_url_safe_random_and_kept_as_its_sha256() -> None:
    tokens = [new_link_token() for _ in range(50)]
    assert len({t.token for t in tokens}) == 50
    for made in tokens:
        assert re.fullmatch(TOKEN_PATTERN, made.token) and well_formed(made.token)
        assert made.digest == hashlib.sha256(made.token.encode()).hexdigest()
        assert made.digest == link_digest(made.token)
        assert made.token not in repr(made)


def test_what_is_not_a_token() -> None:
    assert not well_formed("A" * 42) and not well_formed("A" * 44)
    assert not well_formed("A" * 42 + "/") and not well_formed("A" * 42 + "=")
    assert well_formed("A" * 42 + "-")


def test_the_link_is_the_base_then_the_token() -> None:
    assert link_url("https://x.example/q/", "T") == "https://x.example/q/T"
    assert link_url("https://x.example/q", "T") == "https://x.example/q/T"
