"""Volunteering on a phone (360×800, CSRF on), in headless Chromium: a resident signs up for a shift; the organiser's
roster shows the QR code's check-in link; the resident opens that link and checks in, and later out; the organiser
confirms the hours; the resident asks for a certificate, the council issues it, the resident opens the printable
certificate, and anyone can check its number on the public page.

Like the other browser tests this fails on console errors, CSP violations and failed same-origin requests."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from neighbourhood.accounts.models import User
from neighbourhood.db import utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Compound
from neighbourhood.volunteering import services
from neighbourhood.volunteering.models import ActivityCategory, OrganiserKind, Signup
from neighbourhood.volunteering.services import ShiftPlan
from tests.browser.conftest import artifact
from tests.browser.test_flows import sign_in, submit

pytestmark = pytest.mark.browser

TITLE = "中心花园除草"


def _activity_starting_soon(live) -> int:
    """The council's activity; its one shift starts in 40 minutes, so check-in (an hour before) is open."""
    with live.app.app_context():
        session = db.session
        compound = session.get(Compound, live.compound_id)
        council = session.scalar(select(User).where(User.phone == live.council_phone))
        starts = utcnow().replace(second=0, microsecond=0) + timedelta(minutes=40)
        activity = services.create_activity(
            session, compound=compound, by=council, title=TITLE, place="中心花园", category=ActivityCategory.ENVIRONMENT,
            organiser_kind=OrganiserKind.COUNCIL, organiser_name=f"{compound.name}议事会", starts_at=starts,
            ends_at=starts + timedelta(hours=2), shifts=[ShiftPlan(starts, starts + timedelta(hours=2), 3, "上午班")],
            description="拔除草坪杂草，清理落叶。", requirements="自备手套", cancel_cutoff_hours=0)
        session.commit()
        try:
            return activity.id
        finally:
            db.session.remove()


def _two_hours_ago_checked_in(live) -> None:
    """Time passes: the resident's check-in moves two hours back, as if they had worked the morning."""
    with live.app.app_context():
        db.session.execute(update(Signup).values(checked_in_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
        db.session.remove()


def test_sign_up_check_in_by_qr_link_check_out_certificate_and_verify(browsing, live):
    activity_id = _activity_starting_soon(live)

    resident = browsing.new_page()
    sign_in(resident, live.resident_phone)
    resident.goto("/volunteering/")
    submit(resident, resident.get_by_role("link", name=TITLE).first)
    submit(resident, "form.va-sign-up button[type=submit]")
    expect(resident.locator("#shifts .status-verified")).to_be_visible()

    council = browsing.new_page()
    sign_in(council, live.council_phone)
    council.goto(f"/volunteering/{activity_id}")
    submit(council, council.locator("#shifts a[href*='/roster']"))
    expect(council.locator("#check-in-code svg")).to_be_visible()
    check_in_link = council.locator(".roster-qr-url").inner_text().strip()
    assert check_in_link.startswith(live.url + "/volunteering/check-in/")

    resident.goto(check_in_link)
    submit(resident, "form.scan-action button[type=submit]")
    expect(resident.locator("form.scan-action input[name=step][value=out]")).to_be_attached()
    _two_hours_ago_checked_in(live)
    resident.goto(check_in_link)
    submit(resident, "form.scan-action button[type=submit]")
    expect(resident.locator("main")).to_contain_text("2.0")
    resident.screenshot(path=artifact("volunteering-checked-out.png"), full_page=True)

    council.reload()
    submit(council, council.locator("#roster form[action$='/confirm'] button"))
    expect(council.locator("#roster form[action$='/confirm']")).to_have_count(0)

    resident.goto("/me/volunteering")
    resident.fill("input[name=purpose]", "申请入党积极分子材料")
    submit(resident, "form[action$='/me/volunteering/certificates'] button[type=submit]")
    expect(resident.locator(".flash-success")).to_be_visible()

    # Every volunteering page fits a phone's width (nothing to scroll sideways).
    for path in ("/volunteering/", f"/volunteering/{activity_id}", f"/volunteering/new?compound={live.compound_id}",
                 f"/volunteering/records?compound={live.compound_id}", "/me/volunteering",
                 f"/volunteering/time-bank?compound={live.compound_id}"):
        council.goto(path)
        assert council.evaluate("document.documentElement.scrollWidth") <= 360, path

    council.goto(f"/volunteering/records?compound={live.compound_id}")
    issue = council.locator("form[id^=form-issue-]").first
    council.locator("#certificate-requests summary").first.click()
    issue.locator("input[name$=person_in_charge]").fill("王建国")
    issue.locator("input[name$=contact]").fill("028-85551234")
    submit(council, issue.locator("button[type=submit]"))
    expect(council.locator(".flash-success")).to_be_visible()

    resident.goto("/me/volunteering")
    submit(resident, resident.locator("a[href$='/print']").first)
    expect(resident.locator("#certificate-qr svg")).to_be_visible()
    expect(resident.locator("#certificate")).to_contain_text("李秀兰")
    expect(resident.locator("#certificate")).to_contain_text("2.0")
    check_url = resident.locator("#certificate-qr .url").inner_text().strip()
    resident.screenshot(path=artifact("volunteering-certificate.png"), full_page=True)

    anyone = browsing.new_page()
    anyone.goto(check_url)
    expect(anyone.locator("#verify-genuine")).to_be_visible()
    expect(anyone.locator("#verify-result")).to_contain_text("李*兰")
    expect(anyone.locator("#verify-result")).not_to_contain_text("李秀兰")
    anyone.screenshot(path=artifact("volunteering-verified.png"), full_page=True)
    browsing.assert_clean()
