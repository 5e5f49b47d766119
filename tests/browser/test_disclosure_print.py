"""The disclosure board printed for the notice board, in headless Chromium: on paper the navigation, forms and
links to other pages are gone, while the QR code, the chain's head hash and the printed date are there. Fails on
console errors and CSP violations (the QR code is inline SVG, which the policy allows)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from neighbourhood.accounts.models import User
from neighbourhood.audit.services import head_hash
from neighbourhood.extensions import db
from neighbourhood.places.models import Compound
from tests import factories
from tests.browser.test_flows import sign_in
from tests.disclosure.helpers import income, report

pytestmark = pytest.mark.browser


def _seed(server) -> str:
    """A project with money and a report; returns the chain's head hash after them."""
    with server.app.app_context():
        session = db.session
        compound = session.get(Compound, server.compound_id)
        council = session.scalar(select(User).where(User.phone == server.council_phone))
        project = factories.project(session, compound, council, started=True, title="加装路灯")
        income(session, project, council)
        report(session, compound, council, title="第三季度监督报告")
        session.commit()
        try:
            return head_hash(session)
        finally:
            db.session.remove()


def test_the_printed_board_keeps_the_qr_code_and_the_chain_head(browsing, live):
    expected_hash = _seed(live)
    page = browsing.new_page()
    sign_in(page, live.resident_phone)
    page.goto(f"/disclosure/{live.compound_id}")
    expect(page.locator("#board-head-hash")).to_have_text(expected_hash)
    expect(page.locator("header.top nav")).to_be_visible()
    expect(page.locator("#printed-on")).to_be_hidden()
    expect(page.locator("#board-latest-report")).to_be_hidden()

    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("footer.bottom")).to_be_hidden()
    expect(page.locator("a[href^='/projects/?compound=']")).to_be_hidden()
    expect(page.locator("#board-head-hash")).to_be_visible()
    expect(page.locator("#board-qr svg")).to_be_visible()
    expect(page.locator("#printed-on")).to_be_visible()
    expect(page.locator("#board-latest-report")).to_be_visible()
    assert page.locator("#board-qr svg").bounding_box()["width"] >= 100
    colour = page.locator("body").evaluate(
        "body => getComputedStyle(body).color + ' on ' + getComputedStyle(body).backgroundColor")
    assert colour == "rgb(0, 0, 0) on rgb(255, 255, 255)"
    page.pdf(format="A4")  # Chromium lays the board out on paper without complaint
    browsing.assert_clean()
