"""Browser fixtures: one headless Chromium per session, a live server with a seeded world per test,
and a fresh phone-sized context per test that fails the test on any console error, page error,
CSP violation or failed same-origin request.

Chromium is Debian's (/usr/bin/chromium); Playwright's own browser download is not used. The tests
are never skipped when it is missing: they fail, so CI notices."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from neighbourhood.accounts.models import MembershipStatus, Relation, Role
from neighbourhood.extensions import db
from tests import factories
from tests.conftest import USING_POSTGRES, empty_tables, last_code, make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 800}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Records CSP violations in the page, and reports them through a binding so they survive navigation.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  const report = `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || document.URL}:${e.lineNumber}`;
  if (window.__reportCspViolation) { window.__reportCspViolation(report); }
});
"""


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Live:
    """A running server and the people and places it was seeded with."""
    app: object
    url: str
    compound_id: int
    council_phone: str
    resident_phone: str          # verified in 3栋2单元501
    applicant_phone: str         # has a pending request for 3栋2单元502
    applicant_membership_id: int

    @property
    def outbox(self) -> list[tuple[str, str]]:
        return self.app.extensions["sms_sender"].outbox

    def code_for(self, phone: str) -> str:
        return last_code(self.outbox, phone)

    def membership_status(self, membership_id: int) -> MembershipStatus:
        from neighbourhood.accounts.models import HouseholdMembership

        with self.app.app_context():
            try:
                return db.session.get(HouseholdMembership, membership_id).status
            finally:
                db.session.remove()


def _seed(app) -> dict:
    session = db.session
    config = app.config
    community = factories.community(session)
    compound = factories.compound(session, community)
    building = factories.building(session, compound, "3栋")
    household = factories.household(session, building, "2", "501")
    other_household = factories.household(session, building, "2", "502")
    council = factories.user(session, config, display_name="张老师", real_name="张建华")
    factories.membership(session, council, household)
    factories.role(session, council, Role.COUNCIL_MEMBER, compound_obj=compound)
    resident = factories.user(session, config, display_name="李阿姨", real_name="李秀兰")
    factories.membership(session, resident, household, relation=Relation.FAMILY)
    applicant = factories.user(session, config, display_name="刘先生", real_name="刘志强")
    request = factories.membership(session, applicant, other_household, relation=Relation.TENANT,
                                   status=MembershipStatus.PENDING)
    session.commit()
    return dict(compound_id=compound.id, council_phone=council.phone, resident_phone=resident.phone,
                applicant_phone=applicant.phone, applicant_membership_id=request.id)


@pytest.fixture
def live(_postgres_schema, tmp_path):
    overrides = {"WTF_CSRF_ENABLED": True}
    if not USING_POSTGRES:
        # A file, not :memory:, so every server thread sees the same database.
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/b.db"
    app = make_app(**overrides)
    with app.app_context():
        if not USING_POSTGRES:
            db.create_all()
        seeded = _seed(app)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield Live(app=app, url=f"http://127.0.0.1:{server.server_port}", **seeded)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            empty_tables()
            db.engine.dispose()


@dataclass
class Browsing:
    """Opens guarded contexts against the live server and remembers everything that went wrong."""
    browser: Browser
    live: Live
    problems: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    def new_page(self, **options) -> Page:
        context = self.browser.new_context(
            viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=self.live.url, **options)
        context.set_default_timeout(5_000)
        context.set_default_navigation_timeout(10_000)
        context.expose_binding("__reportCspViolation",
                               lambda source, report: self.problems.append(f"CSP violation: {report}"))
        context.add_init_script(CSP_LISTENER)
        context.on("page", self._watch)
        self.contexts.append(context)
        return context.new_page()

    def _same_origin(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(self.live.url).netloc

    def _watch(self, page: Page) -> None:
        def on_console(message):
            if message.type == "error" or "Content Security Policy" in message.text:
                self.problems.append(f"console {message.type} on {page.url}: {message.text}")

        def on_response(response):
            if response.status >= 400 and self._same_origin(response.url):
                self.problems.append(f"HTTP {response.status} for {response.request.method} {response.url}")

        def on_request_failed(request):
            if self._same_origin(request.url):
                self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error on {page.url}: {error}"))
        page.on("response", on_response)
        page.on("requestfailed", on_request_failed)

    def check_icons(self) -> None:
        """Chromium does not report favicon requests to Playwright, so fetch every icon the pages name."""
        for context in self.contexts:
            icons = {"/favicon.ico"}
            for page in context.pages:
                if page.url.startswith(self.live.url):
                    icons.update(link.get_attribute("href") for link in page.locator("link[rel~=icon]").all())
            for href in sorted(icons):
                response = context.request.get(href)
                if not response.ok:
                    self.problems.append(f"HTTP {response.status} for icon {href}")
                response.dispose()

    def assert_clean(self) -> None:
        self.check_icons()
        assert not self.problems, "the browser reported problems:\n" + "\n".join(self.problems)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser, live):
    browsing = Browsing(browser, live)
    try:
        yield browsing
    finally:
        browsing.close()


@pytest.fixture
def page(browsing) -> Page:
    """A fresh Chinese phone (360×800) context; more with browsing.new_page()."""
    return browsing.new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not its teardown) when the browser saw any problem."""
    result = yield
    browsing = item.funcargs.get("browsing")
    if browsing is not None:
        browsing.assert_clean()
    return result


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
