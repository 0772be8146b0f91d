"""The console's own plumbing without a browser: forms to JSON and problems back to fields,
the user directory, the server-side session store."""

from __future__ import annotations

from pathlib import Path

from werkzeug.security import generate_password_hash

from console.clients import ApiError
from console.sessions import SessionStore
from console.users import UserDirectory
from console.views.forms import field_errors, nest

FIELDS = ("customer.name", "customer.phone", "symptom")


def test_a_flat_form_becomes_nested_json_without_blanks() -> None:
    form = {"customer.name": " Li Wei ", "customer.phone": "", "symptom": "rust"}
    assert nest(form, FIELDS) == {"customer": {"name": "Li Wei"}, "symptom": "rust"}


def test_a_problem_lands_next_to_the_fields_it_names() -> None:
    error = ApiError(
        422,
        "The request has invalid fields.",
        {"customer.phone": ["not a phone number"], "customer": ["incomplete"], "x": ["odd"]},
    )
    by_field, general = field_errors(error, FIELDS)
    assert by_field == {"customer.phone": ["not a phone number"], "customer.name": ["incomplete"]}
    assert general == ["x: odd"]


def test_a_problem_without_fields_is_shown_as_a_whole() -> None:
    by_field, general = field_errors(ApiError(409, "ticket is closed"), FIELDS)
    assert (by_field, general) == ({}, ["ticket is closed"])


def test_the_directory_admits_only_the_right_password(tmp_path: Path) -> None:
    path = tmp_path / "users.yaml"
    hashed = generate_password_hash("s3cret")
    path.write_text(
        f"users:\n  - {{username: li, roles: [agent], region: east, password_hash: '{hashed}'}}\n"
    )
    directory = UserDirectory.load(str(path))
    user = directory.authenticate("li", "s3cret")
    assert user is not None and (user.roles, user.region) == (("agent",), "east")
    assert directory.authenticate("li", "wrong") is None
    assert directory.authenticate("nobody", "s3cret") is None


def test_the_demo_directory_loads_with_its_documented_passwords() -> None:
    from console.config import DEMO_USERS

    directory = UserDirectory.load(str(DEMO_USERS))
    assert directory.authenticate("agent", "demo-agent") is not None
    assert directory.authenticate("tech-east", "demo-tech-east") is not None


def test_sessions_are_kept_server_side_until_deleted(tmp_path: Path) -> None:
    store = SessionStore(str(tmp_path / "sessions.db"))
    store.save("abc", {"token": "t"}, lifetime=60)
    assert store.load("abc") == {"token": "t"}
    store.delete("abc")
    assert store.load("abc") is None
    store.save("old", {"token": "t"}, lifetime=-1)
    assert store.load("old") is None


def test_the_demo_dispatcher_signs_in_with_the_roles_dispatch_needs() -> None:
    from console.config import DEMO_USERS

    user = UserDirectory.load(str(DEMO_USERS)).authenticate(
        "dispatcher-east", "demo-dispatcher-east"
    )
    assert user is not None and set(user.roles) == {"dispatcher", "agent"}
