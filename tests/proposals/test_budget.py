"""DESIGN.md §6: the proposal pages keep the HTML budget at their fullest (20 rows; 20 comments with replies)."""
from datetime import timedelta

from neighbourhood.db import utcnow
from tests import factories
from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight

LONG_BODY = "晚上3栋门口太黑，老人出门不方便，建议加装两盏太阳能路灯。" * 40


def test_a_full_list_page_keeps_the_budget(app, session, world, client_as):
    for i in range(25):
        factories.proposal(session, world.compound, world.users["resident"], title=f"第{i}个提议：加装路灯和座椅",
                           supporters=[world.users["owner"]])
    session.commit()
    html, total, _ = page_weight(client_as("council"), "/proposals/")
    assert html <= HTML_BUDGET and total <= TOTAL_BUDGET, (html, total)


def test_a_busy_proposal_page_keeps_the_budget(app, session, world, client_as):
    proposal = factories.proposal(session, world.compound, world.users["resident"], body=LONG_BODY)
    for i in range(25):
        top = factories.proposal_comment(session, proposal, world.users["owner"],
                                         body=f"第{i}条评论：我同意，路灯确实太暗了，楼下经常有人摔倒。")
        factories.proposal_comment(session, proposal, world.users["council"], parent=top,
                                   body="谢谢反馈，议事会会讨论。", created_at=utcnow() + timedelta(seconds=1))
    session.commit()
    for role in ("owner", "council"):  # a resident sees report forms, the council hide forms
        html, total, page = page_weight(client_as(role), f"/proposals/{proposal.id}")
        assert "第24条评论" in page
        assert html <= HTML_BUDGET and total <= TOTAL_BUDGET, (role, html, total)
