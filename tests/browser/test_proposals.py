"""Proposals in headless Chromium (360×800, CSRF on): propose, support and comment with htmx, without a
page load; fails on console errors and CSP violations like the other browser tests."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_flows import sign_in, submit

pytestmark = pytest.mark.browser


def test_propose_then_a_neighbour_supports_and_comments_with_htmx(browsing, live):
    author = browsing.new_page()
    sign_in(author, live.resident_phone)
    author.goto("/proposals/")
    submit(author, "a[href^='/proposals/new']")
    author.fill("input[name=title]", "在3栋门口加装路灯")
    author.fill("textarea[name=body]", "晚上太黑，**老人**出门不方便。")
    author.select_option("select[name=category]", "repairs")
    author.fill("input[name=estimated_cost]", "1200")
    submit(author, "form [name=submit]")
    expect(author.locator("h1")).to_have_text("在3栋门口加装路灯")
    expect(author.locator(".prose strong")).to_have_text("老人")
    proposal_url = author.url

    neighbour = browsing.new_page()
    sign_in(neighbour, live.council_phone)
    neighbour.goto(proposal_url)
    neighbour.evaluate("window.__samePage = true")
    neighbour.locator("#support button[type=submit]").click()
    expect(neighbour.locator("#support progress")).to_have_attribute("value", "1")
    expect(neighbour.locator("#support form[action$='/support/withdraw']")).to_be_visible()

    neighbour.fill("#comment-form-new textarea", "同意，楼下确实太暗")
    neighbour.locator("#comment-form-new button[type=submit]").click()
    expect(neighbour.locator("#comment-list > li").first).to_contain_text("同意，楼下确实太暗")
    expect(neighbour.locator("#comment-form-new textarea")).to_have_value("")
    expect(neighbour.locator("#no-comments")).to_have_count(0)

    first = neighbour.locator("#comment-list > li").first
    first.locator("details.reply summary").click()
    first.locator("details.reply textarea").fill("补充：最好是太阳能的")
    first.locator("details.reply button[type=submit]").click()
    expect(first.locator(".replies > li")).to_contain_text("补充：最好是太阳能的")
    assert neighbour.evaluate("window.__samePage === true"), "htmx should not have reloaded the page"

    author.reload()
    expect(author.locator("#comment-list")).to_contain_text("同意，楼下确实太暗")
    expect(author.locator("#support progress")).to_have_attribute("value", "1")
    expect(author.locator("a[href$='/edit']")).to_have_count(0)  # supported: no longer editable
    browsing.assert_clean()
