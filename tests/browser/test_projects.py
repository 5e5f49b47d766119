"""A micro-project from the residents' vote to the notice board, in headless Chromium on a phone (360×800, CSRF on):
a passed ballot adopts the proposal; the council sets up the project and asks the station for money; the station
grants it; the council enters spending with a receipt and a supervisor approves it; a supervisor objects and the
pause holds (no approve button, and the council's next spending waits) until the answer is accepted; the council
reports completion, a supervisor accepts; a resident rates it; the disclosure board shows the project, its balance,
its rating and the ballot's result.

Like the other browser tests this fails on console errors, CSP violations and failed same-origin requests.
Selectors rely on form field names, ids, classes and URLs; visible text where it is the point (amounts, titles)."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from neighbourhood.accounts.models import Role, User
from neighbourhood.db import utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Compound
from neighbourhood.projects import services as projects
from neighbourhood.projects.rules import CommunityType
from neighbourhood.voting import services as voting
from neighbourhood.voting.integrity import BallotKeys
from neighbourhood.voting.models import ElectorateKind, ResultsVisibility, Secrecy
from tests import factories
from tests.browser.conftest import artifact
from tests.browser.test_flows import sign_in, submit

pytestmark = pytest.mark.browser

TITLE = "3栋架空层改建四点半课堂"
RECEIPT_JPEG = factories.jpeg_bytes()


def _passed_ballot(live) -> SimpleNamespace:
    """The council put the proposal to the residents; the ballot has closed with a yes. Station staff have set this
    year's fund and keep the four lists; a supervisor sits on the compound's supervisory committee."""
    with live.app.app_context():
        session, config = db.session, live.app.config
        compound = session.get(Compound, live.compound_id)
        council = session.scalar(select(User).where(User.phone == live.council_phone))
        resident = session.scalar(select(User).where(User.phone == live.resident_phone))
        supervisor = factories.verified_resident(session, config, compound, display_name="周老师", room="801")
        factories.role(session, supervisor, Role.SUPERVISOR, compound_obj=compound)
        staff = factories.user(session, config, display_name="社区小吴", real_name="吴静")
        factories.role(session, staff, Role.STATION_STAFF, community_obj=compound.community)
        factories.four_list_entry(session, compound.community, name="民生微项目的提出和实施")
        projects.set_fund(session, community=compound.community, year=utcnow().year,
                          community_type=CommunityType.CITY, residents=12_800, by=staff)
        decision = factories.ballot_decision(session, compound, council, title=TITLE)
        now = utcnow()
        ballot = voting.draft_ballot(session, compound=compound, by=council, decision=decision,
                                     data=voting.BallotInput(
                                         title=f"是否同意{TITLE}", description="预算3.5万元，申请社区保障资金。",
                                         method="yes_no", electorate=ElectorateKind.RESIDENTS,
                                         secrecy=Secrecy.ANONYMOUS, results_visibility=ResultsVisibility.LIVE,
                                         opens_at=None, closes_at=now + timedelta(days=3)))
        voting.open_ballot(session, ballot=ballot, by=council)
        keys = BallotKeys.from_secret(config["SECRET_KEY"])
        for voter in (council, resident, supervisor):
            voting.cast(session, ballot=ballot, user=voter, choice="yes", keys=keys)
        voting.close_ballot(session, ballot=ballot, keys=keys, now=ballot.closes_at + timedelta(minutes=1))
        session.commit()
        seeded = SimpleNamespace(proposal_id=decision.proposal_id, ballot_id=ballot.id,
                                 supervisor_phone=supervisor.phone, staff_phone=staff.phone)
        db.session.remove()
    return seeded


def _project_id(page: Page) -> int:
    return int(re.search(r"/projects/(\d+)", page.url).group(1))


def test_a_passed_ballot_becomes_a_funded_supervised_accepted_and_rated_project(browsing, live):
    seeded = _passed_ballot(live)

    # The council member finds the adopted proposal and sets up its project.
    council = browsing.new_page()
    sign_in(council, live.council_phone)
    council.goto(f"/proposals/{seeded.proposal_id}")
    submit(council, council.locator(f"a[href='/projects/new?proposal={seeded.proposal_id}']"))
    council.fill("input[name=budget]", "35000")
    council.select_option("select[name=funding_source]", "community_fund")
    council.fill("textarea[name=implementer_reason]", "由议事会组织居民志愿者实施")
    submit(council, "form button.button[type=submit]")
    project_id = _project_id(council)
    project_url = f"/projects/{project_id}"
    expect(council.locator("h1")).to_have_text(TITLE)

    # It asks the station for the whole budget; the station grants it.
    council.goto(f"{project_url}/funding")
    council.fill("input[name=amount]", "35000")
    submit(council, "form button.button[type=submit]")
    station = browsing.new_page()
    sign_in(station, seeded.staff_phone)
    station.goto("/projects/funding")
    request_row = station.locator("#requests li.row").first
    request_row.locator("select[name=decision]").select_option("approve")
    request_row.locator("textarea[name=reason]").fill("符合社区保障资金使用范围。")
    submit(station, request_row.locator("button[type=submit]"))
    council.goto(project_url)
    expect(council.locator("#money")).to_contain_text("35000.00")

    # Work starts; the council enters spending with its receipt, and a supervisor approves it.
    submit(council, council.locator(f"form[action='{project_url}/start'] button"))
    _enter_spending(council, "8600.00", "成都玉林照明电器有限公司", "架空层照明灯具")
    supervisor = browsing.new_page()
    sign_in(supervisor, seeded.supervisor_phone)
    supervisor.goto(project_url)
    pending = supervisor.locator("#ledger .ledger-row", has_text="8600.00")
    submit(supervisor, pending.locator("form[action$='/approve'] button"))
    expect(supervisor.locator("#money")).to_contain_text("8600.00")

    # The supervisor objects: spending entered meanwhile cannot be approved until the answer is accepted.
    supervisor.fill("#form-objection textarea[name=text]", "空调报价偏高，请提供三家比价。")
    submit(supervisor, "#form-objection button[type=submit]")
    expect(supervisor.locator(".status-returned")).to_be_visible()
    _enter_spending(council, "9800.00", "成都锦城空调安装服务部", "柜式空调一台")
    supervisor.goto(project_url)
    waiting = supervisor.locator("#ledger .ledger-row", has_text="9800.00")
    expect(waiting.locator("form[action$='/approve']")).to_have_count(0)
    council.goto(project_url)
    objection = council.locator("#objections .objection").first
    objection.locator("textarea[name=text]").fill("已比较三家报价，附比价单，此家最低。")
    submit(council, objection.locator("button[type=submit]"))
    supervisor.goto(project_url)
    submit(supervisor, supervisor.locator("#objections form[action$='/accept'] button"))
    waiting = supervisor.locator("#ledger .ledger-row", has_text="9800.00")
    submit(supervisor, waiting.locator("form[action$='/approve'] button"))
    expect(supervisor.locator("#money")).to_contain_text("18400.00")

    # The council reports it complete; the supervisor accepts it (验收).
    council.goto(project_url)
    submit(council, council.locator(f"form[action='{project_url}/complete'] button"))
    supervisor.goto(project_url)
    supervisor.fill("#form-accept textarea[name=text]", "现场查看：灯具、空调运行正常，票据齐全。")
    submit(supervisor, "#form-accept button[type=submit]")
    expect(supervisor.locator("h1 + p .status-accepted")).to_be_visible()

    # A resident rates it (问效), once: the form gives way to their score and the average.
    resident = browsing.new_page()
    sign_in(resident, live.resident_phone)
    resident.goto(project_url)
    rating = resident.locator("#form-rate")
    rating.locator("label", has=resident.locator("input[name=score][value='4']")).click()
    rating.locator("textarea[name=comment]").fill("孩子们放学有地方写作业了，灯光很亮。")
    submit(resident, rating.locator("button[type=submit]"))
    expect(resident.locator("#form-rate")).to_have_count(0)
    expect(resident.locator("#evaluation .voted")).to_contain_text("4")
    expect(resident.locator("#evaluation .rating-average")).to_contain_text("4.0")
    resident.screenshot(path=artifact("project-rated.png"), full_page=True)

    # The disclosure board shows the ballot's result, the project with its balance and rating, and the chain head.
    resident.goto("/disclosure/")
    expect(resident.locator(f"#board-ballot-{seeded.ballot_id}")).to_be_visible()
    line = resident.locator(f"#board-project-{project_id}")
    expect(line).to_contain_text(TITLE)
    expect(line.locator(".money")).to_contain_text("16600.00")
    expect(line.locator(".rating")).to_contain_text("4.0")
    expect(resident.locator("#board-head-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    resident.screenshot(path=artifact("disclosure-board.png"), full_page=True)


def _enter_spending(council: Page, amount: str, counterparty: str, purpose: str) -> None:
    form = council.locator("#form-entry")
    council.locator("#ledger details summary").click()
    form.locator("select[name=kind]").select_option("spending")
    form.locator("input[name=amount]").fill(amount)
    form.locator("input[name=counterparty]").fill(counterparty)
    form.locator("input[name=purpose]").fill(purpose)
    form.locator("input[name=receipt]").set_input_files(
        files=[{"name": "receipt.jpg", "mimeType": "image/jpeg", "buffer": RECEIPT_JPEG}])
    submit(council, form.locator("button[type=submit]"))
    expect(council.locator(".flash-success")).to_be_visible()
