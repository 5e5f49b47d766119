"""The disclosure board (公开栏): every section shows its compound's records and nothing of another compound's;
the QR code links back to the board; the printed chain head is the audit chain's head and moves with it;
queries and page weight stay bounded."""
from __future__ import annotations

import html
import re

from datetime import datetime
from zoneinfo import ZoneInfo

import segno
from babel.dates import format_date

from neighbourhood.audit.services import head_hash
from neighbourhood.disclosure.views import board_qr
from tests import factories
from tests.accounts.helpers import english
from tests.disclosure.helpers import accepted_and_rated, closed_ballot, income, report, spending
from tests.projects.helpers import fund, measure

CEILING = 12


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def section(page: str, section_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{section_id}".*?</section>', page, re.S)
    assert found, section_id
    return found.group(0)


def fill(session, world, compound, council, supervisor, voter, rater, tag=""):
    """One of everything on `compound`'s board, titles marked with `tag`."""
    running = factories.project(session, compound, council, started=True, title=f"{tag}加装路灯")
    income(session, running, council, "5000.00")
    spending(session, running, council, supervisor, "1200.00")
    closed_ballot(session, compound, council, voter, title=f"{tag}是否加装快递柜")
    factories.adopted_proposal(session, compound, council, title=f"{tag}修缮凉亭")
    accepted_and_rated(session, compound, council, supervisor, [rater, voter], title=f"{tag}更换垃圾桶",
                       scores=[2, 1])
    report(session, compound, supervisor, title=f"{tag}第三季度监督报告")
    return running


def board_url(compound) -> str:
    return f"/disclosure/{compound.id}"


def test_each_section_shows_the_compounds_records(app, session, world, client_as):
    users = world.users
    fill(session, world, world.compound, users["council"], users["supervisor"], users["owner"], users["resident"])
    fund(session, world, residents=10000)
    session.commit()
    page = text(english(client_as("resident")).get(board_url(world.compound)))

    assert "修缮凉亭" in section(page, "board-decisions")
    assert "Adopted by the council" in section(page, "board-decisions")
    ballots = section(page, "board-ballots")
    assert "是否加装快递柜" in ballots and "Passed" in ballots and "Turnout 1 / " in ballots
    projects = section(page, "board-projects")
    assert "Budget ¥30000.00 · income ¥5000.00 · spent ¥1200.00 · balance ¥3800.00" in projects
    assert "Residents' satisfaction 1.5 of 5 (2 ratings)" in projects
    assert "Rectification under way" in projects
    # ¥100,000 + ¥15 × 10,000 residents, nothing allocated yet.
    assert "¥250000.00" in section(page, "board-fund")
    reports = section(page, "board-reports")
    assert "第三季度监督报告" in reports and "/oversight/reports/" in reports
    # On paper the latest report is printed in full, its Markdown rendered.
    assert "<strong>三笔</strong>" in section(page, "board-latest-report")


def test_a_rectification_keeps_its_project_on_a_busy_board(app, session, world, client_as):
    users = world.users
    accepted_and_rated(session, world.compound, users["council"], users["supervisor"], [users["resident"]],
                       title="评分偏低的项目", scores=[1])
    for n in range(12):
        factories.project(session, world.compound, users["council"], title=f"新项目{n}")
    session.commit()
    projects = section(text(client_as("resident").get(board_url(world.compound))), "board-projects")
    assert "评分偏低的项目" in projects and "新项目11" in projects and "新项目0" not in projects


def test_another_compounds_records_never_appear(app, session, world, client_as):
    users = world.users
    fill(session, world, world.compound, users["council"], users["supervisor"], users["owner"], users["resident"],
         tag="我们")
    theirs_supervisor = factories.council_seat(session, app.config, world.other_compound, world.other_household,
                                               "孙监事", role_name="supervisor")
    theirs_rater = factories.verified_resident(session, app.config, world.other_compound, display_name="邻居甲")
    fill(session, world, world.other_compound, users["other_council"], theirs_supervisor, users["other_council"],
         theirs_rater, tag="他们")
    session.commit()
    ours = text(client_as("resident").get(board_url(world.compound)))
    theirs = text(client_as("other_council").get(board_url(world.other_compound)))
    assert "我们" in ours and "他们" not in ours
    assert "他们" in theirs and "我们" not in theirs


def test_the_qr_code_links_back_to_the_board(app, session, world, client_as):
    page = client_as("resident").get(board_url(world.compound)).get_data(as_text=True)
    url = f"http://localhost/disclosure/{world.compound.id}"
    expected = segno.make(url, error="m").svg_inline(title=url, scale=4, border=2, svgclass="qr", lineclass=None)
    assert expected in page
    assert str(board_qr(f"http://localhost/disclosure/{world.other_compound.id}")) not in page


def test_the_printed_head_is_the_chains_head_and_moves_with_it(app, session, world, client_as):
    users = world.users
    project = factories.project(session, world.compound, users["council"], started=True)
    session.commit()
    client = client_as("resident")
    before = re.search(r'id="board-head-hash">([0-9a-f]{64})<', client.get(board_url(world.compound))
                       .get_data(as_text=True)).group(1)
    assert before == head_hash(session)
    income(session, project, users["council"])
    session.commit()
    after = re.search(r'id="board-head-hash">([0-9a-f]{64})<', client.get(board_url(world.compound))
                      .get_data(as_text=True)).group(1)
    assert after == head_hash(session) != before


def test_the_head_and_the_printed_date_are_on_the_page(app, session, world, client_as):
    factories.project(session, world.compound, world.users["council"])
    session.commit()
    page = text(english(client_as("resident")).get(board_url(world.compound)))
    head = section(page, "board-chain-head")
    assert re.search(r"Entry no\. \d+ · ", head)
    local_today = datetime.now(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    assert f"Printed on {format_date(local_today, 'long', locale='en')}" in page


def test_the_own_board_address_picks_the_users_compound(app, session, world, client_as):
    response = client_as("resident").get("/disclosure/")
    assert response.status_code == 302 and response.headers["Location"].endswith(board_url(world.compound))
    response = client_as("other_council").get("/disclosure/")
    assert response.headers["Location"].endswith(board_url(world.other_compound))
    # Station staff serve both compounds of the community: they choose.
    page = text(client_as("station").get("/disclosure/"))
    assert board_url(world.compound) in page and board_url(world.other_compound) in page
    # Someone with no verified household has no board yet, and is told how to get one.
    page = text(english(client_as("unverified")).get("/disclosure/"))
    assert "Once your household is verified" in page and "/households/join" in page


def test_board_queries_do_not_grow(app, session, world, client_as, count_queries):
    users = world.users
    fund(session, world)
    running = fill(session, world, world.compound, users["council"], users["supervisor"], users["owner"],
                   users["resident"])
    session.commit()
    roles = ("resident", "council", "supervisor", "station", "admin")
    clients = {role: client_as(role) for role in roles}
    path = board_url(world.compound)
    before = {role: measure(count_queries, c, path) for role, c in clients.items()}
    for n in range(12):
        fill(session, world, world.compound, users["council"], users["supervisor"], users["owner"],
             users["resident"], tag=f"第{n}批")
        income(session, running, users["council"], "10.00")
    session.commit()
    for role, c in clients.items():
        assert before[role] <= CEILING, role
        assert measure(count_queries, c, path) == before[role], role
    page = text(clients["resident"].get(path))
    assert "第11批修缮凉亭" in page and "第0批修缮凉亭" not in page


def test_a_full_board_keeps_the_page_budget(app, session, world, client_as):
    from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight

    users = world.users
    fund(session, world)
    for n in range(12):
        fill(session, world, world.compound, users["council"], users["supervisor"], users["owner"],
             users["resident"], tag=f"第{n}批" + "很长的标题" * 6)
    session.commit()
    html_size, total, page = page_weight(client_as("resident"), board_url(world.compound))
    assert "第11批" in page
    assert html_size <= HTML_BUDGET, f"HTML is {html_size} bytes gzip"
    assert total <= TOTAL_BUDGET, f"HTML+CSS+JS is {total} bytes gzip"


def test_only_closed_ballots_show_their_result(app, session, world, client_as):
    from neighbourhood.voting import services as voting
    from tests.voting.helpers import ballot_input

    users = world.users
    closed_ballot(session, world.compound, users["council"], users["owner"], title="已结束的投票", passed=False)
    still_open = voting.draft_ballot(session, compound=world.compound, by=users["council"],
                                     data=ballot_input(title="进行中的投票"))
    voting.open_ballot(session, ballot=still_open, by=users["council"])
    session.commit()
    ballots = section(text(english(client_as("resident")).get(board_url(world.compound))), "board-ballots")
    assert "已结束的投票" in ballots and "Not passed" in ballots
    assert "进行中的投票" not in ballots
