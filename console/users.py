"""The user directory: who may sign in, with which roles and region.

The embedded default is a YAML file of users with werkzeug password hashes
(AFTERCARE_CONSOLE_USERS_FILE); an OIDC provider would replace it by configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from werkzeug.security import check_password_hash, generate_password_hash

from shared.auth import ROLES

# Compared against when the user is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a password")


@dataclass(frozen=True)
class User:
    """A person who signs in to the console."""

    username: str
    name: str
    roles: tuple[str, ...]
    region: str | None
    password_hash: str


class UserDirectory:
    """Users loaded from a YAML file: ``users: [{username, name, password_hash, roles,
    region}]``."""

    def __init__(self, users: dict[str, User]) -> None:
        self.users = users

    @classmethod
    def load(cls, path: str) -> UserDirectory:
        """Read and check the directory file."""
        data = yaml.safe_load(Path(path).read_text()) or {}
        users: dict[str, User] = {}
        for entry in data.get("users", []):
            roles = tuple(entry.get("roles", []))
            unknown = set(roles) - ROLES
            if unknown:
                raise ValueError(f"user {entry['username']}: unknown roles {sorted(unknown)}")
            users[entry["username"]] = User(
                username=entry["username"],
                name=entry.get("name", entry["username"]),
                roles=roles,
                region=entry.get("region"),
                password_hash=entry["password_hash"],
            )
        return cls(users)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is theirs, else None."""
        user = self.users.get(username.strip())
        if user is None:
            check_password_hash(_DUMMY_HASH, password)
            return None
        return user if check_password_hash(user.password_hash, password) else None
