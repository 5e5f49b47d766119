"""The proposal page: sanitised body, stage and decision, hidden content, and a fixed number of queries."""
from datetime import timedelta

import pytest

from neighbourhood.db import utcnow
from neighbourhood.moderation.content import kind_of, may_see
from neighbourhood.proposals.markdown import render_markdown
from neighbourhood.proposals.models import ProposalStatus
from tests import factories
from tests.accounts.helpers import english, text as raw
from tests.proposals.helpers import shown as text


@pytest.mark.parametrize(("source", "absent", "present"), [
    ("<script>alert(1)</script>", ["<script"], ["&lt;script&gt;"]),
    ("[click](javascript:alert(1))", ["href=\"javascript", "<a "], []),
    ("[click](JaVaScRiPt:alert(1))", ["<a "], []),
    ("<a href=\"javascript:x\">a</a>", ["<a href"], []),
    ("<b onclick=\"x()\">hi</b>", ["<b"], ["&lt;b onclick"]),
    ("![pic](https://example.com/a.png)", ["<img"], []),
    ("<img src=x onerror=alert(1)>", ["<img"], []),
    ("<iframe src=\"https://evil\"></iframe>", ["<iframe"], []),
    ("[ok](https://example.com)", [], ['<a href="https://example.com" rel="nofollow noopener">ok</a>']),
    ("# 大标题\n#### 小标题", ["<h1", "<h4"], ["<h2>大标题</h2>", "<h3>小标题</h3>"]),
    ("*强调* **加粗**\n\n> 引用\n\n1. 一\n2. 二", [], ["<em>强调</em>", "<strong>加粗</strong>",
                                               "<blockquote>", "<ol>", "<li>一</li>"]),
    ("```\ncode\n```\n\n| a | b |\n|---|---|", ["<pre", "<code", "<table"], []),
])
def test_markdown_keeps_only_the_allowed_pieces(source, absent, present):
    html = str(render_markdown(source))
    for piece in absent:
        assert piece not in html, html
    for piece in present:
        assert piece in html, html


def test_the_page_shows_body_cost_stage_and_need(client_as, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"],
                                  body="**重要**<script>alert(1)</script>", estimated_cost=12345.5,
                                  source_need_id=9)
    session.commit()
    response = english(client_as("owner")).get(f"/proposals/{proposal.id}")
    assert "<script>alert" not in raw(response) and "&lt;script&gt;" in raw(response)
    html = text(response)
    assert "<strong>重要</strong>" in html
    assert "¥12,345.50" in html and 'href="/needs/9"' in html
    assert "When 10 residents support it, it goes on the council's agenda" in html


def test_a_decided_proposal_shows_the_decision_and_reasons(client_as, session, world):
    target = factories.proposal(session, world.compound, world.users["owner"], title="合并后的提议")
    merged = factories.proposal(session, world.compound, world.users["resident"], status=ProposalStatus.MERGED,
                                merged_into_id=target.id, outcome_reason="与另一提议重复", decided_at=utcnow())
    rejected = factories.proposal(session, world.compound, world.users["resident"],
                                  status=ProposalStatus.REJECTED, outcome_reason="超出议事会权限",
                                  decided_at=utcnow())
    session.commit()
    client = english(client_as("owner"))
    html = text(client.get(f"/proposals/{merged.id}"))
    assert "Merged into another proposal" in html and "与另一提议重复" in html
    assert f'href="/proposals/{target.id}">合并后的提议</a>' in html
    html = text(client.get(f"/proposals/{rejected.id}"))
    assert "Rejected by the council" in html and "超出议事会权限" in html and "Support this proposal" not in html


def test_a_hidden_proposal_shows_only_the_notice_to_others(client_as, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"], title="不当内容的提议",
                                  body="不当正文", hidden_at=utcnow(), hidden_reason="abuse")
    factories.proposal_comment(session, proposal, world.users["owner"], body="下面的评论")
    session.commit()
    for role in ("owner", "council", "other_council", "enterprise"):
        html = text(english(client_as(role)).get(f"/proposals/{proposal.id}"))
        assert "Hidden by moderation" in html, role
        assert "不当内容的提议" not in html and "不当正文" not in html and "下面的评论" not in html, role
    for role in ("resident", "supervisor", "station"):
        html = text(english(client_as(role)).get(f"/proposals/{proposal.id}"))
        assert "Hidden by moderation" in html and "不当正文" in html, role
        assert "Support this proposal" not in html and "Add a comment" not in html, role


def test_a_hidden_comment_shows_the_notice_to_others(client_as, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    factories.proposal_comment(session, proposal, world.users["owner"], body="骂人的话", hidden_at=utcnow(),
                               hidden_reason="abuse")
    session.commit()
    for role in ("resident", "council", "station", "owner", "supervisor"):
        html = text(english(client_as(role)).get(f"/proposals/{proposal.id}"))
        assert "Hidden by moderation" in html
        assert ("骂人的话" in html) == (role in ("station", "owner", "supervisor")), role


def test_content_kinds_are_registered(app, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"], hidden_at=utcnow())
    comment = factories.proposal_comment(session, proposal, world.users["owner"])
    session.commit()
    assert kind_of("proposal").url(proposal) == f"/proposals/{proposal.id}"
    assert kind_of("comment").url(comment) == f"/proposals/{proposal.id}#comment-{comment.id}"
    see = kind_of("proposal").can_see_hidden
    assert see(world.users["resident"], proposal) and see(world.users["supervisor"], proposal)
    assert see(world.users["station"], proposal)
    assert not see(world.users["council"], proposal) and not see(world.users["owner"], proposal)
    assert not may_see(world.users["owner"], "proposal", proposal.id)
    assert may_see(world.users["owner"], "comment", comment.id)


def detail_queries(app, client, count_queries, url):
    client.get(url)  # warm up: first-request work is not the page's cost
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_with_many_comments_and_replies(app, session, world, client_as,
                                                                  count_queries):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    factories.photo(session, app.config, world.compound, subject_type="proposal", subject_id=proposal.id)
    first = factories.proposal_comment(session, proposal, world.users["council"])
    factories.proposal_comment(session, proposal, world.users["supervisor"], parent=first)
    session.commit()
    client = client_as("owner")
    few = detail_queries(app, client, count_queries, f"/proposals/{proposal.id}")
    people = [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
              for i in range(6)]
    for i in range(30):
        top = factories.proposal_comment(session, proposal, people[i % 6], body=f"评论{i}")
        for j in range(2):
            factories.proposal_comment(session, proposal, people[(i + j + 1) % 6], body=f"回复{i}-{j}",
                                       parent=top, created_at=utcnow() + timedelta(seconds=j))
    session.commit()
    many = detail_queries(app, client, count_queries, f"/proposals/{proposal.id}")
    assert many == few <= 12, (few, many)
    assert detail_queries(app, client, count_queries, f"/proposals/{proposal.id}?comments=2") <= 12


def test_the_list_costs_the_same_with_many_proposals(app, session, world, client_as, count_queries):
    factories.proposal(session, world.compound, world.users["resident"])
    session.commit()
    client = client_as("owner")
    few = detail_queries(app, client, count_queries, "/proposals/")
    people = [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
              for i in range(8)]
    for i in range(30):
        factories.proposal(session, world.compound, people[i % 8], title=f"提议{i}", supporters=people[:i % 5])
    session.commit()
    many = detail_queries(app, client, count_queries, "/proposals/?sort=supported&q=提议")
    assert many == few <= 12, (few, many)
