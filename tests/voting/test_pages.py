"""The voters' pages: the ballot list, a ballot's facts and running count, results (hidden until close unless
chosen live), the signed record, the published receipts with their search, the CSV, the four Art. 278 bars,
my receipts, and the SQL each page runs."""
from __future__ import annotations

import csv
import html as html_lib
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest

from neighbourhood.db import utcnow
from neighbourhood.voting import services
from neighbourhood.voting.integrity import verify_signature
from neighbourhood.voting.models import ElectorateKind, ResultsVisibility, Secrecy
from tests import factories
from tests.accounts.helpers import english
from tests.proposals.helpers import shown
from tests.voting.helpers import KEYS, draft, opened


def cast(session, ballot, user, choice, **kw):
    return services.cast(session, ballot=ballot, user=user, choice=choice, keys=KEYS, **kw)


def close(session, ballot, by):
    services.close_ballot(session, ballot=ballot, keys=KEYS, by=by)
    session.commit()


def section(page: str, element_id: str) -> str:
    """The HTML of the element with this id, up to the end of its section."""
    start = page.index(f'id="{element_id}"')
    end = page.find("</section>", start)
    return page[start:end if end != -1 else None]


def row(page: str, ballot) -> str:
    start = page.index(f'id="ballot-{ballot.id}"')
    return page[start:page.index("</li>", start)]


# --- the list ------------------------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client, session, world):
    ballot = opened(session, world.compound, world.users["council"])
    session.commit()
    for url in ("/ballots/", f"/ballots/{ballot.id}", f"/ballots/{ballot.id}/receipts", "/me/receipts",
                f"/ballots/{ballot.id}/results.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_the_list_shows_open_upcoming_and_closed_ballots_with_turnout_and_results(session, world, client_as):
    council = world.users["council"]
    now = utcnow()
    open_ballot = opened(session, world.compound, council, title="加装路灯")
    upcoming = draft(session, world.compound, council, title="更换电梯", opens_at=now + timedelta(days=1),
                     closes_at=now + timedelta(days=8))
    services.schedule(session, ballot=upcoming, by=council)
    done = opened(session, world.compound, council, title="垃圾分类", secrecy=Secrecy.PUBLIC)
    poll = opened(session, world.compound, council, title="活动选址", method="single", options=["东门", "西门"])
    draft(session, world.compound, council, title="草稿中的表决")
    waiting = opened(session, world.compound, council, title="等待投票")
    opened(session, world.other_compound, world.users["other_council"], title="芳草街的表决")
    cast(session, open_ballot, world.users["owner"], "yes")
    cast(session, done, world.users["owner"], "yes")
    cast(session, poll, world.users["owner"], poll.options[1].key)
    close(session, done, council)
    close(session, poll, council)

    page = shown(english(client_as("owner")).get("/ballots/"))
    assert "芳草街的表决" not in page and "草稿中的表决" not in page and 'id="ballots-drafts"' not in page
    assert "加装路灯" in section(page, "ballots-open") and "Turnout 1 / 4" in section(page, "ballots-open")
    assert "Your vote is in" in row(page, open_ballot) and "You have not voted yet" not in row(page, open_ballot)
    assert "You have not voted yet" in row(page, waiting)
    assert "Yes / no / abstain" in page and "Each verified adult resident" in page
    assert "更换电梯" in section(page, "ballots-upcoming") and "Opens" in section(page, "ballots-upcoming")
    closed = section(page, "ballots-closed")
    assert "垃圾分类" in closed and "Passed" in closed and "Won: 西门" in closed and "Turnout 1 / 4" in closed
    assert "New ballot" not in page and 'href="/me/receipts"' in page

    for role in ("council", "station"):
        page = shown(english(client_as(role)).get(f"/ballots/?compound={world.compound.id}"))
        assert "草稿中的表决" in section(page, "ballots-drafts")
        assert f'href="/ballots/new?compound={world.compound.id}"' in page and "New ballot" in page

    page = shown(english(client_as("owner")).get(f"/ballots/?compound={world.other_compound.id}"))
    assert "芳草街的表决" in page and "加装路灯" not in page and "New ballot" not in page
    assert client_as("owner").get("/ballots/?compound=999").status_code == 404


def test_someone_without_a_compound_is_told_how_to_join(client_as, world):
    page = shown(english(client_as("unverified")).get("/ballots/"))
    assert "Join a household" in page


def test_a_scheduled_ballot_opens_on_time_when_the_list_is_read(session, world, client_as):
    ballot = draft(session, world.compound, world.users["council"], title="按时开始",
                   opens_at=utcnow() + timedelta(hours=1), closes_at=utcnow() + timedelta(days=3))
    services.schedule(session, ballot=ballot, by=world.users["council"])
    ballot.opens_at = utcnow() - timedelta(minutes=1)
    session.commit()
    page = shown(english(client_as("owner")).get("/ballots/"))
    assert "按时开始" in section(page, "ballots-open")


# --- one ballot ---------------------------------------------------------------------------------------------

def test_a_draft_is_404_for_residents_and_readable_by_its_managers_and_supervisors(session, world, client_as):
    ballot = draft(session, world.compound, world.users["council"], title="草稿")
    session.commit()
    for role in ("resident", "owner", "other_council", "enterprise"):
        assert client_as(role).get(f"/ballots/{ballot.id}").status_code == 404, role
    for role in ("council", "supervisor", "station", "admin"):
        assert client_as(role).get(f"/ballots/{ballot.id}").status_code == 200, role
    assert client_as("owner").get("/ballots/9999").status_code == 404


def test_the_ballot_page_shows_its_setup_roll_hash_and_extension(session, world, client_as):
    council = world.users["council"]
    ballot = opened(session, world.compound, council, title="加装路灯", description="**两盏**路灯")
    services.extend(session, ballot=ballot, by=council, until=ballot.closes_at + timedelta(days=2),
                    notice="春节期间延长两天")
    session.commit()
    page = shown(english(client_as("other_council")).get(f"/ballots/{ballot.id}"))
    assert "<strong>两盏</strong>" in page and "Yes / no / abstain" in page
    assert "Each verified adult resident" in page and "Secret with receipt" in page
    assert "Hidden from everyone until the ballot closes" in page
    assert ballot.roll_hash in page and "4 electors" in page and "frozen at opening" in page
    assert "Extended: the closing time moved from" in page and "春节期间延长两天" in page
    assert "0 / 4" in section(page, "turnout")
    # Someone of another compound reads it, and is told they are not on its roll.
    assert "You are not on this ballot's roll" in page and "Cast my vote" not in page


def test_statutory_ballot_names_its_item_and_thresholds_in_words(session, world, client_as):
    ballot = opened(session, world.compound, world.users["station"], method="statutory", statutory_item=8,
                    electorate=ElectorateKind.OWNERS)
    session.commit()
    page = shown(english(client_as("owner")).get(f"/ballots/{ballot.id}"))
    assert "Item 8: Change the use of common parts or run a business on them" in page
    thresholds = section(page, "thresholds")
    assert "at least two thirds of the area and at least two thirds of all owners" in thresholds
    assert "at least three quarters of the participating area" in thresholds
    assert "2 electors" in page and "179.00 m²" in page


@pytest.mark.parametrize("role", ["owner", "council", "station", "admin"])
def test_hidden_results_are_hidden_from_everyone_until_close(session, world, client_as, role):
    ballot = opened(session, world.compound, world.users["council"], method="single", options=["东门", "西门"])
    cast(session, ballot, world.users["owner"], ballot.options[0].key)
    cast(session, ballot, world.users["resident"], ballot.options[0].key)
    session.commit()
    client = english(client_as(role))
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert "Results stay hidden from everyone" in page
    assert "<svg" not in page and 'id="result-table"' not in page and "Winner" not in page
    assert "2 / 4" in section(page, "turnout")
    assert client.get(f"/ballots/{ballot.id}/results.csv").status_code == 404


def test_live_results_are_shown_while_voting_goes_on(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"], method="single", options=["东门", "西门"],
                    results_visibility=ResultsVisibility.LIVE)
    cast(session, ballot, world.users["owner"], ballot.options[1].key)
    session.commit()
    client = english(client_as("resident"))
    page = shown(client.get(f"/ballots/{ballot.id}"))
    results = section(page, "results")
    assert "Live count" in results and "these figures still change" in results and "Winner: 西门" in results
    assert '<svg class="chart" role="img" aria-label="Results: 东门 0; 西门 1"' in results
    assert re.search(r'<td>西门 <span class="tag">winner</span></td>\s*<td>1</td>', results)
    assert 'style=' not in results
    assert client.get(f"/ballots/{ballot.id}/results.csv").status_code == 200
    # The count refreshes itself in place with htmx, and the fragment comes alone.
    assert 'hx-get="/ballots/%d" hx-trigger="every 60s"' % ballot.id in page
    fragment = shown(client.get(f"/ballots/{ballot.id}", headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith('<section class="card" id="ballot-count"') and "<html" not in fragment


def test_a_closed_ballot_shows_results_chart_table_and_the_signed_record(session, world, client_as):
    council = world.users["council"]
    ballot = opened(session, world.compound, council, quorum_percent=50)
    for role, choice in (("owner", "yes"), ("resident", "yes"), ("council", "no")):
        cast(session, ballot, world.users[role], choice)
    close(session, ballot, council)
    page = shown(english(client_as("station")).get(f"/ballots/{ballot.id}"))
    results = section(page, "results")
    assert "Passed" in results and "Quorum (50% of the electorate must take part):" in results
    assert "3 ballots counted." in results
    assert '<svg class="chart" role="img" aria-label="Results: Yes 2; No 1; Abstain 0"' in results
    assert results.count('<rect x="0"') == 6 and 'class="bar winner"' in results
    assert re.search(r"<td>Yes <span class=\"tag\">passed</span></td>\s*<td>2</td>", results)
    assert 'href="/ballots/%d/results.csv"' % ballot.id in results
    record = section(page, "record")
    assert f'href="/ballots/{ballot.id}/receipts"' in record and ballot.ballots_hash in record
    text = html_lib.unescape(re.search(r'<pre class="record" id="result-record">(.*?)</pre>', page, re.S).group(1))
    signature = re.search(r'<code class="hash" id="signature">([0-9a-f]+)</code>', page).group(1)
    public_key = re.search(r'<code class="hash" id="public-key">([0-9a-f]+)</code>', page).group(1)
    assert text == ballot.result_record and public_key == KEYS.public_key_hex
    assert verify_signature(public_key, text, signature)
    assert '"roll_hash":"%s"' % ballot.roll_hash in text


def test_ranked_rounds_budget_spending_and_unfilled_seats_are_shown(app, session, world, client_as):
    council = world.users["council"]
    voters = [world.users[r] for r in ("owner", "resident", "council", "supervisor")]
    ranked = opened(session, world.compound, council, method="ranked", options=["甲", "乙", "丙"])
    a, b, c = (o.key for o in ranked.options)
    for voter, order in zip(voters, ([a, b], [b, a], [c, a], [a])):
        cast(session, ranked, voter, order)
    budget = opened(session, world.compound, council, method="budget", budget=Decimal("100000"),
                    options=[("加装楼道感应灯", "30000"), ("儿童游乐区地面翻新", "50000"), ("老年活动室空调", "40000")])
    p1, p2, p3 = (o.key for o in budget.options)
    for voter, chosen in zip(voters, ([p1, p2], [p2, p3], [p1], [p2])):
        cast(session, budget, voter, chosen)
    election = opened(session, world.compound, council, method="election", seats=2,
                      options=["刘阿姨", "孙先生", "吴老师"])
    e1, e2, e3 = (o.key for o in election.options)
    for voter, chosen in zip(voters, ([e1, e2], [e1, e3], [e1], [e2])):
        cast(session, election, voter, chosen)
    score = opened(session, world.compound, council, method="score", options=["东门", "西门"])
    s1, s2 = (o.key for o in score.options)
    for voter, scores in zip(voters, ((5, 1), (4, 2), (0, 5))):
        cast(session, score, voter, {s1: scores[0], s2: scores[1]})
    for ballot in (ranked, budget, election, score):
        close(session, ballot, council)
    client = english(client_as("owner"))

    page = shown(client.get(f"/ballots/{ranked.id}"))
    rounds = section(page, "rounds")
    assert "Round 1" in rounds and "Round 2" in rounds and "Exhausted ballots" in rounds
    assert re.search(r"<td>丙</td><td>1 ✗</td><td>—</td>", rounds) and "Winner: 甲" in page

    page = shown(client.get(f"/ballots/{budget.id}"))
    assert "Funded, in this order: 儿童游乐区地面翻新、加装楼道感应灯" in page
    assert "<b>¥80,000.00</b> of the budget of ¥100,000.00" in page
    assert re.search(r"<td>儿童游乐区地面翻新 <span class=\"tag\">funded</span></td>\s*<td>¥50,000.00</td>\s*<td>3</td>",
                     page)

    page = shown(client.get(f"/ballots/{election.id}"))
    assert "Elected: 刘阿姨" in page and "1 seat is unfilled." in page and "Run-off candidates: 孙先生、吴老师" in page

    page = shown(client.get(f"/ballots/{score.id}"))
    assert "<th scope=\"col\">Total score</th>" in page and "<th scope=\"col\">Average</th>" in page
    assert re.search(r"<td>东门 <span class=\"tag\">winner</span></td>\s*<td>9</td>\s*<td>3.00</td>", page)
    assert re.search(r"<td>西门</td>\s*<td>8</td>\s*<td>2.67</td>", page)


# --- the four Art. 278 bars -----------------------------------------------------------------------------------

def owners_roll(app, session, world):
    """501 (the world's owners, 89.50 m²), 502 (unclaimed, 89.50 m²) and three owners of 100 m² each: five
    owners holding 479.00 m²."""
    owners = []
    for n in range(3):
        home = factories.household(session, world.building, "4", f"40{n}", area=Decimal("100.00"))
        person = factories.user(session, app.config, display_name=f"业主{n}")
        factories.membership(session, person, home)
        owners.append(person)
    return owners


def bar(page: str, key: str) -> str:
    start = page.index(f'id="bar-{key}"')
    return page[start:page.index("</li>", start)]


def test_statutory_bars_show_participation_live_and_approval_after_close(app, session, world, client_as):
    owners = owners_roll(app, session, world)
    station = world.users["station"]
    ballot = opened(session, world.compound, station, method="statutory", statutory_item=8,
                    electorate=ElectorateKind.OWNERS)
    cast(session, ballot, world.users["owner"], "agree")
    cast(session, ballot, owners[0], "agree")
    cast(session, ballot, owners[1], "disagree")
    session.commit()
    client = english(client_as("owner"))
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert "3 / 5" in section(page, "turnout") and "289.50 m² / 479.00 m²" in section(page, "turnout")
    area = bar(page, "participation-area")
    assert "289.50 m² / 479.00 m² = <b>60.44%</b>" in area and "needs at least 2/3" in area and "not met" in area
    assert '<svg class="chart threshold" role="img"' in area and 'x1="213.3"' in area
    heads = bar(page, "participation-owners")
    assert "3 / 5 = <b>60.00%</b>" in heads and "not met" in heads
    for key in ("approval-area", "approval-owners"):
        assert "needs at least 3/4" in bar(page, key) and "counted and shown when the ballot closes" in bar(page, key)
        assert "<svg" not in bar(page, key)

    cast(session, ballot, owners[2], "agree")
    close(session, ballot, station)
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert "389.50 m² / 479.00 m² = <b>81.32%</b>" in bar(page, "participation-area")
    assert " met" in bar(page, "participation-area") and "not met" not in bar(page, "participation-area")
    assert "4 / 5 = <b>80.00%</b>" in bar(page, "participation-owners")
    approval_area = bar(page, "approval-area")
    assert "289.50 m² / 389.50 m² = <b>74.33%</b>" in approval_area and "not met" in approval_area
    assert 'x1="240.0"' in approval_area
    approval_heads = bar(page, "approval-owners")
    assert "3 / 4 = <b>75.00%</b>" in approval_heads and "not met" not in approval_heads
    assert "Not passed" in section(page, "results")


def test_statutory_approval_bars_are_live_when_chosen_before_opening(app, session, world, client_as):
    owners = owners_roll(app, session, world)
    ballot = opened(session, world.compound, world.users["station"], method="statutory", statutory_item=4,
                    electorate=ElectorateKind.OWNERS, results_visibility=ResultsVisibility.LIVE)
    cast(session, ballot, owners[0], "agree")
    cast(session, ballot, owners[1], "disagree")
    session.commit()
    page = shown(english(client_as("resident")).get(f"/ballots/{ballot.id}"))
    approval = bar(page, "approval-owners")
    assert "1 / 2 = <b>50.00%</b>" in approval and "needs more than 1/2" in approval and "not met" in approval
    assert "100.00 m² / 200.00 m²" in bar(page, "approval-area") and "<svg" in bar(page, "approval-area")


# --- published receipts and CSV ----------------------------------------------------------------------------

def test_receipts_are_published_at_close_and_a_voter_can_check_theirs(session, world, client_as):
    council = world.users["council"]
    ballot = opened(session, world.compound, council, secrecy=Secrecy.SECRET)
    mine = cast(session, ballot, world.users["owner"], "yes").receipt
    theirs = cast(session, ballot, world.users["resident"], "no").receipt
    session.commit()
    client = english(client_as("owner"))
    before = client.get(f"/ballots/{ballot.id}/receipts")
    page = shown(before)
    assert before.status_code == 200 and "published when the ballot closes" in page and mine not in page

    close(session, ballot, council)
    page = shown(client.get(f"/ballots/{ballot.id}/receipts"))
    assert mine in page and theirs in page and "2 ballots were counted" in page
    assert "secret ballot: choices are not shown" in page and "<th scope=\"col\">Choice</th>" not in page
    typed = mine.lower().replace("-", " ")
    page = shown(client.get(f"/ballots/{ballot.id}/receipts", query_string={"code": typed}))
    assert "Counted." in section(page, "receipts-head") and f"Receipt {mine} is among the counted ballots" in page
    assert f'<tr class="found"><td><code>{mine}</code>' in page
    page = shown(client.get(f"/ballots/{ballot.id}/receipts?code=AAAA-BBBB-CCCC"))
    assert "Not found." in page and "No counted ballot has receipt AAAA-BBBB-CCCC" in page
    # My receipts links straight to the check.
    assert f'/ballots/{ballot.id}/receipts?code={mine}' in shown(client.get("/me/receipts"))


def test_public_receipts_name_the_elector_and_the_choice(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.PUBLIC, method="single",
                    options=["东门", "西门"])
    receipt = cast(session, ballot, world.users["owner"], ballot.options[1].key).receipt
    close(session, ballot, world.users["council"])
    page = shown(english(client_as("resident")).get(f"/ballots/{ballot.id}/receipts?code={receipt}"))
    assert f"<td><code>{receipt}</code></td><td>西门</td><td>3栋2单元501</td>" in page
    assert "Its choice: 西门" in page


def test_results_csv_has_a_bom_fixed_columns_and_winners(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"], method="single",
                    options=["=东门", "西门"])
    cast(session, ballot, world.users["owner"], ballot.options[0].key)
    cast(session, ballot, world.users["resident"], ballot.options[0].key)
    cast(session, ballot, world.users["council"], ballot.options[1].key)
    close(session, ballot, world.users["council"])
    response = english(client_as("supervisor")).get(f"/ballots/{ballot.id}/results.csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="ballot-{ballot.id}-results.csv"' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [["option", "label", "value", "winner"], ["o1", "'=东门", "2", "1"], ["o2", "西门", "1", "0"]]


# --- query counts -----------------------------------------------------------------------------------------------

CEILING = 12


def measure(count_queries, client, url) -> int:
    client.get(url)  # warm up: first-request work (templates, translations) is not what we measure
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def neighbours(app, session, world, n):
    return [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
            for i in range(n)]


def test_list_queries_do_not_grow_with_ballots(app, session, world, client_as, count_queries):
    council = world.users["council"]

    def add(n):
        for i in range(n):
            for status in ("open", "closed", "draft"):
                ballot = (draft if status == "draft" else opened)(
                    session, world.compound, council, method="single", options=["东门", "西门"],
                    title=f"{status}{i}")
                if status != "draft":
                    cast(session, ballot, world.users["owner"], ballot.options[0].key)
                if status == "closed":
                    services.close_ballot(session, ballot=ballot, keys=KEYS, by=council)
        session.commit()

    add(2)
    client = client_as("council")
    few = measure(count_queries, client, "/ballots/")
    add(4)
    many = measure(count_queries, client, "/ballots/")
    assert few == many <= CEILING


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
def test_ballot_page_queries_do_not_grow_with_voters(app, session, world, client_as, count_queries, closed):
    """Two ballots alike but for their number of voters (2 and 6), open with live results or closed."""
    council = world.users["council"]
    voters = neighbours(app, session, world, 6)
    ballots = []
    for n in (2, 6):
        ballot = opened(session, world.compound, council, method="ranked", secrecy=Secrecy.PUBLIC,
                        options=["甲", "乙", "丙", "丁"], electorate=ElectorateKind.HOUSEHOLDS,
                        results_visibility=ResultsVisibility.LIVE)
        keys = [o.key for o in ballot.options]
        for i, voter in enumerate(voters[:n]):
            cast(session, ballot, voter, keys[i % 4:] + keys[:i % 4])
        cast(session, ballot, world.users["owner"], keys[:2])
        if closed:
            services.close_ballot(session, ballot=ballot, keys=KEYS, by=council)
        ballots.append(ballot)
    session.commit()
    client = client_as("resident")  # the owner voted for their household
    few, many = (measure(count_queries, client, f"/ballots/{ballot.id}") for ballot in ballots)
    assert few == many <= CEILING


def test_receipts_page_queries_do_not_grow(app, session, world, client_as, count_queries):
    council = world.users["council"]
    voters = neighbours(app, session, world, 6)
    small = opened(session, world.compound, council, secrecy=Secrecy.PUBLIC)
    big = opened(session, world.compound, council, secrecy=Secrecy.PUBLIC)
    for voter in voters[:2]:
        cast(session, small, voter, "yes")
    for voter in voters:
        cast(session, big, voter, "no")
    for ballot in (small, big):
        services.close_ballot(session, ballot=ballot, keys=KEYS, by=council)
    session.commit()
    client = client_as("owner")
    few = measure(count_queries, client, f"/ballots/{small.id}/receipts?code=AAAA")
    many = measure(count_queries, client, f"/ballots/{big.id}/receipts?code=AAAA")
    assert few == many <= CEILING


def test_my_receipts_queries_do_not_grow(app, session, world, client_as, count_queries):
    council = world.users["council"]
    owner = world.users["owner"]

    def vote_in(n, closed):
        for _ in range(n):
            ballot = opened(session, world.compound, council, electorate=ElectorateKind.HOUSEHOLDS)
            cast(session, ballot, owner, "yes")
            if closed:
                services.close_ballot(session, ballot=ballot, keys=KEYS, by=council)
        session.commit()

    vote_in(1, False)
    vote_in(1, True)
    client = client_as("owner")
    few = measure(count_queries, client, "/me/receipts")
    vote_in(2, False)
    vote_in(2, True)
    many = measure(count_queries, client, "/me/receipts")
    assert few == many <= CEILING


def test_ballot_pages_keep_the_page_budget(app, session, world, client_as):
    """DESIGN.md §6 on the heaviest pages: a closed budget ballot of 30 projects, and a long receipts list."""
    from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight

    council = world.users["council"]
    voters = neighbours(app, session, world, 6)
    ballot = opened(session, world.compound, council, method="budget", budget=Decimal("100000"),
                    options=[(f"第{n}号微项目：楼道照明与无障碍坡道改造", str(1000 * n)) for n in range(1, 31)],
                    secrecy=Secrecy.PUBLIC, electorate=ElectorateKind.HOUSEHOLDS)
    keys = [o.key for o in ballot.options]
    for i, voter in enumerate(voters):
        cast(session, ballot, voter, keys[i:i + 5])
    close(session, ballot, council)
    client = client_as("owner")
    for url in ("/ballots/", f"/ballots/{ballot.id}", f"/ballots/{ballot.id}/receipts", "/me/receipts"):
        html, total, _page = page_weight(client, url)
        assert html <= HTML_BUDGET and total <= TOTAL_BUDGET, (url, html, total)
