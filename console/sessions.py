"""Server-side sessions: the browser holds only a random id; the token and the rest live in
the console's own SQLite file (sessions are the only thing the console owns)."""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

COOKIE = "aftercare_console"


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """A session whose data stays on the server, under a random id."""

    def __init__(self, sid: str, data: dict[str, Any] | None = None, new: bool = True) -> None:
        def changed(_: Any) -> None:
            self.modified = True

        super().__init__(data or {}, changed)
        self.sid = sid
        self.new = new
        self.modified = False
        self.rotated_from: str | None = None

    def rotate(self) -> None:
        """A new id for the same data (on sign-in and sign-out: no session fixation)."""
        self.rotated_from = self.rotated_from or self.sid
        self.sid = secrets.token_urlsafe(32)
        self.modified = True


class SessionStore:
    """Rows of (id, JSON data, expiry) in one SQLite file shared by every gunicorn worker."""

    def __init__(self, path: str) -> None:
        self.path = path
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS sessions "
                "(id TEXT PRIMARY KEY, data TEXT NOT NULL, expires REAL NOT NULL)"
            )

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    def load(self, sid: str) -> dict[str, Any] | None:
        """The data of a live session, or None."""
        with self._connect() as db:
            row = db.execute(
                "SELECT data FROM sessions WHERE id = ? AND expires > ?", (sid, time.time())
            ).fetchone()
        return json.loads(row[0]) if row else None

    def save(self, sid: str, data: dict[str, Any], lifetime: float) -> None:
        """Store a session's data until ``lifetime`` seconds from now; drop expired ones."""
        now = time.time()
        with self._connect() as db:
            db.execute(
                "INSERT INTO sessions (id, data, expires) VALUES (?, ?, ?) ON CONFLICT(id) "
                "DO UPDATE SET data = excluded.data, expires = excluded.expires",
                (sid, json.dumps(data), now + lifetime),
            )
            db.execute("DELETE FROM sessions WHERE expires <= ?", (now,))

    def delete(self, sid: str) -> None:
        """Forget a session."""
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (sid,))


class ServerSessionInterface(SessionInterface):
    """Flask's session, kept in a SessionStore behind an httpOnly, SameSite=Lax cookie."""

    def __init__(self, store: SessionStore, lifetime_seconds: float, secure: bool) -> None:
        self.store = store
        self.lifetime = lifetime_seconds
        self.secure = secure

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(COOKIE, "")
        data = self.store.load(sid) if sid else None
        if data is None:
            return ServerSession(secrets.token_urlsafe(32))
        return ServerSession(sid, data, new=False)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        assert isinstance(session, ServerSession)
        if session.rotated_from:
            self.store.delete(session.rotated_from)
        if not session.modified:
            return
        if not session:
            self.store.delete(session.sid)
            response.delete_cookie(COOKIE, path="/")
            return
        self.store.save(session.sid, dict(session), self.lifetime)
        response.set_cookie(
            COOKIE,
            session.sid,
            max_age=int(self.lifetime),
            httponly=True,
            samesite="Lax",
            secure=self.secure or _is_https(),
            path="/",
        )


def _is_https() -> bool:
    from flask import request

    return request.is_secure
