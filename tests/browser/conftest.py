"""The console in a real headless Chromium (Debian's, driven by Playwright's driver) against
the real services: intake, dispatch and billing as gunicorn web and worker processes on
SQLite, their events over a RabbitMQ virtual host of this session's own, and the console as its own
gunicorn process. Data is seeded through the services' REST APIs; nothing is mocked.

Screenshots go to $AFTERCARE_CONSOLE_SCREENSHOTS when set (``docs/console`` refreshes the
committed ones), else to a temporary folder.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from werkzeug.security import generate_password_hash

from shared.migrations import upgrade
from shared.service import load_definition
from tests.helpers import (
    AMQP_URL,
    REPO,
    Proc,
    auth,
    free_port,
    gunicorn_proc,
    rabbitmqctl,
    service_env,
    wait_http,
    worker_proc,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Who may sign in to the consoles these tests start: user name → (roles, region).
USERS = {
    "agent-all": (["agent"], None),
    "agent-east": (["agent"], "east"),
    "tech-east": (["technician"], "east"),
    "dispatcher-east": (["dispatcher", "agent"], "east"),
    "dispatcher-all": (["dispatcher", "agent"], None),
    "dispatcher-only": (["dispatcher"], "east"),
}
PASSWORD = "correct horse battery staple"


class Stack:
    """The services' processes and URLs, and a way to start consoles against them."""

    def __init__(self, workdir: Path, amqp_url: str) -> None:
        self.workdir = workdir
        self.amqp_url = amqp_url
        self.procs: list[Proc] = []
        self.urls: dict[str, str] = {}
        self.users_file = workdir / "users.yaml"

    def service(self, name: str) -> None:
        database = f"sqlite:///{self.workdir / f'{name}.db'}"
        upgrade(load_definition(name), database)
        env = service_env(name, database, self.amqp_url, self.workdir)
        port = free_port()
        self.procs.append(gunicorn_proc(name, port, env, self.workdir, workers=1).start())
        self.procs.append(worker_proc(name, env, self.workdir).start())
        self.urls[name] = f"http://127.0.0.1:{port}"

    def console(self, **extra: str) -> str:
        """A console process (its own session file) against these services; its base URL."""
        port, label = free_port(), f"console-{uuid.uuid4().hex[:6]}"
        env = {
            **os.environ,
            "AFTERCARE_CONSOLE_INTAKE_URL": self.urls["intake"],
            "AFTERCARE_CONSOLE_DISPATCH_URL": self.urls["dispatch"],
            "AFTERCARE_CONSOLE_BILLING_URL": self.urls["billing"],
            "AFTERCARE_CONSOLE_USERS_FILE": str(self.users_file),
            "AFTERCARE_CONSOLE_SESSION_DB": str(self.workdir / label / "sessions.db"),
            "AFTERCARE_CONSOLE_REFRESH_SECONDS": "1",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            **extra,
        }
        args = [sys.executable, "-m", "gunicorn", "-c", str(REPO / "shared" / "gunicorn_conf.py")]
        proc = Proc(label, [*args, "console.app:create_app()"], env, self.workdir).start()
        self.procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/healthz")
        return base

    def close(self) -> None:
        for proc in self.procs:
            proc.stop()


def _write_users(path: Path) -> None:
    lines = ["users:"]
    hashed = generate_password_hash(PASSWORD)
    for name, (roles, region) in USERS.items():
        lines.append(f"  - {{username: {name}, name: {name}, roles: {roles}, ")
        lines[-1] += f"region: {region or 'null'}, password_hash: '{hashed}'}}"
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="session")
def browser_amqp_url() -> Iterator[str]:
    """A virtual host of the browser tests' own: no other test's events reach their workers."""
    vhost = f"aftercare-browser-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    try:
        yield f"{AMQP_URL.rstrip('/')}/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, browser_amqp_url: str) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("browser")
    net = Stack(workdir, browser_amqp_url)
    _write_users(net.users_file)
    try:
        net.service("intake")
        net.service("dispatch")
        net.service("billing")  # its fee schedule prices the parts dispatch proposes
        for name in ("intake", "dispatch", "billing"):
            wait_http(f"{net.urls[name]}/healthz")
        yield net
    finally:
        net.close()


@pytest.fixture(scope="session")
def console_url(stack: Stack) -> str:
    """The console on the real clock."""
    return stack.console()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages in fresh browser contexts (no cookies shared between users)."""
    contexts = []

    def make(**options: Any) -> Page:
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page(viewport={"width": 1280, "height": 800})


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("AFTERCARE_CONSOLE_SCREENSHOTS")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.10.3.min.js"
GRAVE = ("serious", "critical")


def capture(page: Page, screenshots: Path, name: str) -> None:
    """A screenshot of the screen, and axe-core's check of it: no serious violations.

    axe is evaluated through the driver, which the page's Content Security Policy (own
    scripts only) does not govern, so the console is checked as it is served."""
    page.screenshot(path=screenshots / f"{name}.png", full_page=True)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' '))}))"
    )
    grave = [v for v in violations if v["impact"] in GRAVE]
    assert grave == [], f"{name}: {grave}"


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    """Through the sign-in form, by keyboard."""
    page.goto(f"{base}/sign-in")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def create_ticket(intake: str, body: dict[str, Any], *roles: str) -> dict[str, Any]:
    """A ticket registered through intake's API."""
    headers = {**auth(*(roles or ("agent",))), "Idempotency-Key": str(uuid.uuid4())}
    response = requests.post(f"{intake}/tickets", json=body, headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here drives the browser: ``-m 'not browser'`` leaves them out."""
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
