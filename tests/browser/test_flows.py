"""Real flows in headless Chromium at a 360×800 phone viewport, with CSRF on.

Every test also fails on console errors, page errors, CSP violations and failed same-origin
requests (see conftest.py)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from neighbourhood.accounts.models import MembershipStatus
from tests import factories
from tests.browser.conftest import artifact

pytestmark = pytest.mark.browser

NEW_PHONE = "13912345678"
SIGN_OUT = "header form[action='/logout'] button"
ME_LINK = "header a[href='/me']"


def submit(page: Page, button) -> None:
    """Press a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        (page.locator(button) if isinstance(button, str) else button).click()


def sign_in(page: Page, phone: str) -> None:
    page.goto("/login")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password]", factories.PASSWORD)
    submit(page, "form [name=submit]")
    expect(page.locator(SIGN_OUT)).to_be_visible()


def test_register_join_and_get_verified_by_the_council(browsing, live):
    resident = browsing.new_page()

    # Register with an SMS code.
    resident.goto("/register")
    resident.fill("input[name=phone]", NEW_PHONE)
    submit(resident, "[name=send_code]")
    expect(resident.locator(".flash-info")).to_be_visible()
    resident.fill("input[name=code]", live.code_for(NEW_PHONE))
    resident.fill("input[name=display_name]", "王女士")
    resident.fill("input[name=password]", factories.PASSWORD)
    submit(resident, "form [name=submit]")
    expect(resident).to_have_url(re.compile(r"/households/join$"))
    expect(resident.locator(ME_LINK)).to_be_visible()

    # Ask to join 3栋2单元501.
    resident.select_option("select[name=compound]", str(live.compound_id))
    resident.fill("input[name=building]", "3栋")
    resident.fill("input[name=unit]", "2")
    resident.fill("input[name=room]", "501")
    resident.check("input[name=relation][value=owner]")
    resident.fill("input[name=real_name]", "王秀英")
    submit(resident, "form [name=submit]")
    expect(resident).to_have_url(re.compile(r"/me$"))
    expect(resident.locator("#households .status-pending")).to_be_visible()
    resident.goto("/")
    expect(resident.locator("main .status-pending")).to_be_visible()

    # The council member verifies it; htmx swaps the row in place.
    council = browsing.new_page()
    sign_in(council, live.council_phone)
    council.goto(f"/compounds/{live.compound_id}/memberships")
    row = council.locator("li.request", has_text="王秀英")
    expect(row).to_be_visible()
    row_id = row.get_attribute("id")
    council.evaluate("window.__sameDocument = true")
    navigations = []
    council.on("framenavigated", lambda frame: navigations.append(frame.url)
               if frame == council.main_frame else None)
    with council.expect_request(re.compile(r"/memberships/\d+/approve$")) as approving:
        row.locator("form[action$='/approve'] button").click()
    headers = approving.value.headers
    assert headers.get("hx-request") == "true"
    assert headers.get("x-csrftoken"), "htmx must send the CSRF token header"
    swapped = council.locator(f"#{row_id}")
    expect(swapped.locator(".status-verified")).to_be_visible()
    expect(swapped.locator("form")).to_have_count(0)
    assert council.evaluate("window.__sameDocument") is True
    assert navigations == []

    # The resident sees the verified state.
    resident.goto("/me")
    expect(resident.locator("#households .status-verified")).to_be_visible()
    expect(resident.locator("#households .status-pending")).to_have_count(0)
    resident.goto("/")
    expect(resident.locator("main h1")).to_have_text("玉林北路小区")
    expect(resident.locator("main .status-pending")).to_have_count(0)
    expect(resident.locator("#needs")).to_be_visible()


def test_language_switch_is_remembered(page, live):
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("header nav")).to_contain_text("登录")
    english = page.locator("footer .lang a", has_text="English")
    expect(english).to_have_attribute("lang", "en")

    submit(page, english)
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("header nav")).to_contain_text("Sign in")
    assert {c["name"]: c["value"] for c in page.context.cookies()}.get("lang") == "en"

    # The next page, reached by a plain link, stays English although the browser asks for Chinese.
    submit(page, page.locator("header nav a[href='/login']"))
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Sign in")

    # Switching back keeps the reader on the same page.
    submit(page, page.locator("footer .lang a", has_text="中文"))
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("main h1")).to_have_text("登录")
    page.goto("/")
    expect(html).to_have_attribute("lang", "zh-Hans")


def test_sign_in_with_an_sms_code(page, live):
    page.goto("/login")
    submit(page, page.locator("main a[href^='/login/code']"))
    page.fill("input[name=phone]", live.resident_phone)
    submit(page, "[name=send_code]")
    expect(page.locator(".flash-info")).to_be_visible()
    expect(page.locator("input[name=phone]")).to_have_value(live.resident_phone)
    page.fill("input[name=code]", live.code_for(live.resident_phone))
    submit(page, "form [name=submit]")
    expect(page).to_have_url(live.url + "/")
    expect(page.locator(ME_LINK)).to_be_visible()
    expect(page.locator(SIGN_OUT)).to_be_visible()
    expect(page.locator("header a[href='/login']")).to_have_count(0)


def test_sign_in_and_approve_work_without_javascript(browsing, live):
    page = browsing.new_page(java_script_enabled=False)
    sign_in(page, live.council_phone)
    page.goto(f"/compounds/{live.compound_id}/memberships")
    row = page.locator(f"#membership-{live.applicant_membership_id}")
    expect(row).to_be_visible()
    submit(page, row.locator("form[action$='/approve'] button"))
    expect(page).to_have_url(re.compile(rf"/compounds/{live.compound_id}/memberships$"))
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(f"#membership-{live.applicant_membership_id}")).to_have_count(0)
    assert live.membership_status(live.applicant_membership_id) is MembershipStatus.VERIFIED


def _assert_fits_the_phone(page: Page, path: str) -> None:
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} scrolls sideways: {width} px wide"


TAP_TARGETS = (
    "header :is(a, button), main :is(a, button, select, textarea,"
    " input:not([type=hidden]):not([type=radio]):not([type=checkbox])), footer a"
)


def _assert_tap_targets(page: Page, path: str) -> None:
    """Every visible button, field and link (header, form, links under it, language switch) is at
    least 44 px tall. The skip link is off-screen until focused."""
    page.goto(path)
    controls = page.locator(TAP_TARGETS)
    assert page.locator("main form [type=submit]").count() > 0
    small = []
    for control in controls.all():
        if control.is_visible():
            box = control.bounding_box()
            if box["height"] < 44:
                small.append(f"{control.evaluate('e => e.outerHTML')[:80]} is {box['height']:.0f} px high")
    assert not small, f"tap targets under 44 px on {path}: {small}"


def test_pages_fit_a_phone_and_have_large_tap_targets(page, live):
    for path in ("/", "/login", "/register", "/login/code"):
        _assert_fits_the_phone(page, path)
    for path in ("/login", "/register", "/login/code"):
        _assert_tap_targets(page, path)

    sign_in(page, live.resident_phone)
    for path in ("/households/join", "/me", "/"):
        _assert_fits_the_phone(page, path)
    page.screenshot(path=artifact("home.png"), full_page=True)
    page.goto("/households/join")
    page.screenshot(path=artifact("join.png"), full_page=True)
