"""The People page in a real browser: the Program Administrator creates an account and hands over its one-time
password; the new person logs in with it, sets up their own authenticator app from the QR code on their account
page (nobody else sees its secret), chooses a password, then reaches their work. A forgotten password gets a new
one-time password the same way, and a lost phone a one-time password to set up another authenticator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyotp
import pytest

from platewatch.domain.roles import Role
from tests.support.live_server import LiveServer, Person
from tests.web.test_pages import log_in, open_as

pytestmark = pytest.mark.browser
CHOSEN = "my own long passphrase 7"


def enrol_on_the_account_page(page: Any, server: LiveServer) -> str:
    """Scan the QR code (here: read the key under it) and confirm a current code; returns the secret."""
    assert page.locator("#qr svg").count() == 1  # the QR code is drawn by the server, inline
    secret = page.inner_text("#totp-secret")
    assert not page.locator("#password-form").is_visible()  # the password comes after the authenticator
    page.fill("#otp", "000000")
    page.click("#enrol-button")
    assert "does not match" in page.inner_text("#enrol-error")
    assert page.inner_text("#totp-secret") == secret  # the same secret until it is confirmed
    server.clock.advance(seconds=31)
    page.fill("#otp", pyotp.TOTP(secret).at(server.clock.now))
    page.click("#enrol-button")
    page.wait_for_selector("#enrolled")
    assert page.locator("#enrol").count() == 0 and page.locator("#password-form").is_visible()
    return secret


def test_an_account_is_created_handed_over_enrolled_and_its_password_changed(
    server: LiveServer, browser: Any, shots: Path
) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    context, page = open_as(browser, server, admin, "/people")
    page.fill("#username", "jrivera")
    page.fill("#full_name", "Jo Rivera")
    assert page.input_value("#role") == ""  # no role until one is chosen: never administrator by default
    page.click("#create-button")
    assert page.evaluate("document.querySelector('#role').validity.valueMissing")  # the browser asks for one
    page.evaluate("document.querySelector('#create-form').noValidate = true")
    page.click("#create-button")  # and the server refuses an account without a role
    page.wait_for_selector("[role=alert]")
    assert "role: choose one of" in page.inner_text("[role=alert]")
    page.goto(server.url + "/people")
    page.fill("#username", "jrivera")
    page.fill("#full_name", "Jo Rivera")
    page.select_option("#role", "investigator")
    page.click("#create-button")
    page.wait_for_selector("#secret")
    one_time = page.inner_text("#one-time-password")
    assert page.locator("#enrol").is_visible() and page.locator("#qr").count() == 0  # no secret for the admin
    page.screenshot(path=str(shots / "people-secret.png"), full_page=True)
    page.goto(server.url + "/people")
    row = page.locator("#person-jrivera")
    assert "one-time, not changed yet" in row.inner_text() and "untrained" in row.inner_text()
    page.goto(server.url + "/training")  # the course, so the data opens once the password is changed
    page.fill("#username", "jrivera")
    page.fill("#trainer", "Sgt. Rivera")
    page.click("#record-button")
    page.wait_for_selector("#done")
    context.close()

    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, Person("jrivera", Role.INVESTIGATOR, one_time, None), "/search")  # no code yet
    page.wait_for_url("**/account")
    assert page.locator("#must-change").count() == 1
    assert page.locator("header a").all_inner_texts() == ["Account"]  # nothing else answers yet
    page.screenshot(path=str(shots / "account-enrol.png"), full_page=True)
    page.goto(server.url + "/search")
    assert "change your one-time password first" in page.inner_text("body")
    page.goto(server.url + "/account")
    secret = enrol_on_the_account_page(page, server)
    page.fill("#current_password", one_time)
    page.fill("#new_password", CHOSEN)
    page.fill("#repeat_password", CHOSEN + "x")
    page.click("#password-button")
    assert "differ" in page.inner_text("#error")
    assert page.locator("#changed").count() == 0  # refused: nothing was changed, no session ended
    page.fill("#current_password", one_time)
    page.fill("#new_password", CHOSEN)
    page.fill("#repeat_password", CHOSEN)
    page.click("#password-button")
    page.wait_for_url("**/search")
    assert page.locator("#search-button").is_visible()
    context.close()

    # forgotten: the administrator issues a new one-time password; the chosen one stops working
    context, page = open_as(browser, server, admin, "/people")
    page.locator("#person-jrivera button.new-password").click()
    page.wait_for_selector("#one-time-password")
    again = page.inner_text("#one-time-password")
    assert again != one_time and page.locator("#enrol").count() == 0  # the authenticator stays
    context.close()
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, Person("jrivera", Role.INVESTIGATOR, CHOSEN, secret), "/search")
    assert "wrong username, password or code" in page.inner_text("body")
    server.clock.advance(seconds=31)
    page.fill("#username", "jrivera")
    page.fill("#password", again)
    page.fill("#totp", pyotp.TOTP(secret).at(server.clock.now))
    page.click("#login-button")
    page.wait_for_url("**/account")
    assert page.locator("#enrol").count() == 0 and page.locator("#password-form").is_visible()
    context.close()


def test_a_lost_phone_gets_a_one_time_password_to_set_up_another(server: LiveServer, browser: Any) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    server.add_person(Role.SUPERVISOR, username="sgtlee")
    context, page = open_as(browser, server, admin, "/people")
    page.locator("#person-sgtlee button.new-authenticator").click()
    page.wait_for_selector("#one-time-password")
    one_time = page.inner_text("#one-time-password")
    assert page.locator("#enrol").is_visible() and page.locator("#qr").count() == 0
    page.goto(server.url + "/people")
    assert "none" in page.locator("#person-sgtlee").inner_text()  # no authenticator until the person sets one up
    context.close()
    context = browser.new_context()
    page = context.new_page()
    log_in(page, server, Person("sgtlee", Role.SUPERVISOR, one_time, None), "/search")
    page.wait_for_url("**/account")
    enrol_on_the_account_page(page, server)
    context.close()


def test_the_administrator_disables_an_account_from_the_people_page(server: LiveServer, browser: Any) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    server.add_person(Role.OFFICER, username="leaving")
    context, page = open_as(browser, server, admin, "/people")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#person-leaving button.disable").click()
    page.wait_for_selector("#done")
    assert "disabled" in page.locator("#person-leaving").inner_text()
    assert page.locator(f"#person-{admin.username} button.disable").count() == 0  # not one's own account
    context.close()


def test_the_administrator_changes_a_role_from_the_people_page(server: LiveServer, browser: Any) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    server.add_person(Role.OFFICER, username="sgtsmith")
    context, page = open_as(browser, server, admin, "/people")
    row = page.locator("#person-sgtsmith")
    row.locator("select[name=role]").select_option("supervisor")
    row.locator("button.change-role").click()
    page.wait_for_selector("#done")
    assert "sgtsmith is now supervisor" in page.inner_text("#done")
    assert "supervisor" in page.locator("#person-sgtsmith").inner_text()
    context.close()


def test_the_administrator_sets_where_a_supervisors_notices_are_sent(server: LiveServer, browser: Any) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    server.add_person(Role.SUPERVISOR, username="sgtnorth")
    context, page = open_as(browser, server, admin, "/people")
    page.select_option("#email-username", "sgtnorth")
    page.fill("#email-address", "north.desk@town.gov")
    page.click("#email-button")
    page.wait_for_selector("#done")
    assert "sgtnorth: notices to north.desk@town.gov" in page.inner_text("#done")
    assert page.inner_text("#person-sgtnorth .email") == "north.desk@town.gov"
    page.fill("#username", "sgtsouth")
    page.select_option("#role", "supervisor")
    page.fill("#email", "south.desk@town.gov")
    page.click("#create-button")
    page.wait_for_selector("#secret")
    page.goto(server.url + "/people")
    assert page.inner_text("#person-sgtsouth .email") == "south.desk@town.gov"
    page.select_option("#email-username", "sgtnorth")
    page.fill("#email-address", "")
    page.click("#email-button")
    page.wait_for_selector("#done")
    assert "sgtnorth: no notices by e-mail" in page.inner_text("#done")
    assert page.locator("#person-sgtnorth .email").count() == 0
    context.close()


def test_the_administrator_finds_accounts_by_name_role_and_state(server: LiveServer, browser: Any) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    for name, role in (("jsmith", Role.OFFICER), ("asmithers", Role.INVESTIGATOR), ("bjones", Role.OFFICER)):
        server.add_person(role, username=name)
    context, page = open_as(browser, server, admin, "/people")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#person-bjones button.disable").click()
    page.wait_for_selector("#done")

    def shown() -> list[str]:
        with page.expect_navigation():
            page.click("#filter-button")
        return page.locator("#people td.username").all_inner_texts()

    page.fill("#filter-q", "SMITH")  # user name or full name, any case
    assert shown() == ["asmithers", "jsmith"] and page.inner_text("#people-count") == "2 of 4 accounts"
    page.select_option("#filter-role", "officer")
    assert shown() == ["jsmith"] and page.input_value("#filter-q") == "SMITH"  # the filters stay set
    page.fill("#filter-q", "")
    page.select_option("#filter-account", "disabled")
    assert shown() == ["bjones"]
    page.fill("#filter-q", "nobody")
    assert shown() == [] and "No account matches" in page.inner_text("#people")
    assert page.goto(server.url + "/people?role=chief").status == 422  # not a role: refused, named
    assert "role: 'chief' is not one of" in page.content()
    context.close()
