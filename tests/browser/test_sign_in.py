"""Signing in and out, the smoke test that names the browser, CSRF on every form."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import capture, sign_in


def test_smoke_the_real_chromium_renders_the_sign_in_page(
    browser: Browser, page: Page, console_url: str, screenshots: Path
) -> None:
    print(f"\nbrowser: Chromium {browser.version} (/usr/bin/chromium, headless)")
    assert browser.version.split(".")[0].isdigit()
    page.goto(f"{console_url}/sign-in")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    capture(page, screenshots, "sign-in")


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(
    page: Page, console_url: str
) -> None:
    sign_in(page, console_url, "agent-all", "not the password")
    expect(page.get_by_role("alert")).to_have_text("Wrong user name or password.")
    expect(page).to_have_url(f"{console_url}/sign-in")

    sign_in(page, console_url, "agent-all")
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "aftercare_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert "eyJ" not in cookie["value"]  # the token stays on the server

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(f"{console_url}/tickets")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_form_posted_without_its_csrf_token_is_refused(page: Page, console_url: str) -> None:
    sign_in(page, console_url, "agent-all")
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    form = {"customer.name": "Forged", "customer.phone": "+86 138 0000 0000"}
    # The browser's own cookies, a post from outside the form: no token, no ticket.
    response = page.request.post(f"{console_url}/tickets/new", form=form, max_redirects=0)
    assert response.status == 400
    assert "CSRF" in response.text()
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token
    refused = page.request.post(
        f"{console_url}/sign-out", form={"csrf_token": "forged" + token}, max_redirects=0
    )
    assert refused.status == 400


def test_the_accessibility_check_finds_a_serious_violation(
    page: Page, console_url: str, tmp_path: Path
) -> None:
    """The axe check the screens pass is not vacuous: an unlabelled field fails it."""
    page.goto(f"{console_url}/sign-in")
    page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    with pytest.raises(AssertionError, match="label"):
        capture(page, tmp_path, "broken")


def test_a_refresh_after_the_session_ended_goes_to_sign_in(page: Page, console_url: str) -> None:
    sign_in(page, console_url, "agent-all")
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    page.context.clear_cookies()  # as if the session had expired on the server
    # The next refresh of the rows takes the whole page to the sign-in form, and back after.
    expect(page).to_have_url(f"{console_url}/sign-in?next=/tickets")  # the page, not a cell
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("main input[name=next]")).to_have_value("/tickets")
