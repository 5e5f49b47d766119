"""Hiding, restoring and reporting resident content; who still reads it; the public log and the review queue."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.moderation import services
from neighbourhood.moderation.models import ContentReport, ModerationAction, ModerationKind
from neighbourhood.notifications.kinds import render as render_notification
from neighbourhood.notifications.models import Notification
from tests import factories
from tests.accounts.helpers import english, request_in, text


@pytest.fixture
def proposal(session, world):
    obj = factories.proposal(session, world.compound, world.users["owner"], title="卖保健品的提议",
                             body="加微信买保健品，优惠多多")
    session.commit()
    return obj


@pytest.fixture
def comment(session, world, proposal):
    obj = factories.proposal_comment(session, proposal, world.users["owner"], body="三楼那家人真不是东西")
    session.commit()
    return obj


def reporters(session, app, world, n):
    return [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
            for i in range(n)]


# --- hide and restore --------------------------------------------------------------------------------------

def test_council_hides_a_proposal_with_a_reason_and_the_author_is_told(app, session, world, client_as, proposal):
    client = english(client_as("council"))
    response = client.post(f"/moderation/proposal/{proposal.id}/hide",
                           data={"reason": "advertising", "note": "广告", "next": f"/proposals/{proposal.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/proposals/{proposal.id}"
    session.refresh(proposal)
    assert proposal.is_hidden and proposal.hidden_reason == "advertising"
    assert proposal.hidden_by_id == world.users["council"].id and not proposal.hidden_by_reports

    action = session.scalar(select(ModerationAction))
    assert (action.action, action.kind, action.subject_id, action.reason, action.url) == \
        (ModerationKind.HIDE, "proposal", proposal.id, "advertising", f"/proposals/{proposal.id}")
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.hide"))
    assert audit.subject_type == "proposal" and audit.subject_id == proposal.id
    assert audit.actor_id == world.users["council"].id and audit.data["reason"] == "advertising"

    told = session.scalars(select(Notification).where(Notification.kind == "content.hidden")).all()
    assert [n.user_id for n in told] == [world.users["owner"].id]
    with request_in(app, "en"):
        assert render_notification("content.hidden", told[0].params) == \
            "Your proposal “卖保健品的提议” was hidden: Advertising"

    page = text(client.get(f"/proposals/{proposal.id}"))
    assert "Hidden by moderation: Advertising" in page and "Restore" in page


def test_a_bad_reason_brings_the_form_back_filled_in_and_changes_nothing(session, world, client_as, proposal):
    response = english(client_as("council")).post(f"/moderation/proposal/{proposal.id}/hide",
                                                  data={"reason": "i-dont-like-it", "note": "我的备注"})
    assert response.status_code == 200
    assert "Not a valid choice" in text(response) and "我的备注" in text(response)
    session.refresh(proposal)
    assert not proposal.is_hidden and session.scalar(select(ModerationAction)) is None


def test_another_compounds_council_cannot_hide_ours(session, world, client_as, proposal, comment):
    for kind, item in (("proposal", proposal), ("comment", comment)):
        response = client_as("other_council").post(f"/moderation/{kind}/{item.id}/hide", data={"reason": "other"})
        assert response.status_code == 403
        session.refresh(item)
        assert not item.is_hidden


def test_unknown_kinds_and_missing_content_are_not_found(client_as, proposal):
    client = client_as("council")
    assert client.post("/moderation/poll/1/hide", data={"reason": "other"}).status_code == 404
    assert client.post("/moderation/proposal/9999/hide", data={"reason": "other"}).status_code == 404


def test_restoring_shows_it_again_and_is_logged(session, world, client_as, comment):
    client = english(client_as("council"))
    client.post(f"/moderation/comment/{comment.id}/hide", data={"reason": "personal_attack"})
    response = client.post(f"/moderation/comment/{comment.id}/restore", data={"note": "误判", "next": "/proposals/"})
    assert response.status_code == 302 and response.headers["Location"] == "/proposals/"
    session.refresh(comment)
    assert not comment.is_hidden and comment.hidden_reason is None
    actions = session.scalars(select(ModerationAction.action).order_by(ModerationAction.id)).all()
    assert actions == [ModerationKind.HIDE, ModerationKind.RESTORE]
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.restore")).data["note"] == "误判"
    again = client.post(f"/moderation/comment/{comment.id}/restore", data={})
    assert again.status_code == 200 and "This is not hidden." in text(again)


def test_next_must_be_a_local_path(world, client_as, proposal):
    response = client_as("council").post(f"/moderation/proposal/{proposal.id}/hide",
                                         data={"reason": "other", "next": "//evil.example/phish"})
    assert response.headers["Location"] == f"/proposals/{proposal.id}"


# --- reports -----------------------------------------------------------------------------------------------

def test_a_resident_reports_once(session, world, client_as, proposal):
    client = english(client_as("resident"))
    first = client.post(f"/moderation/proposal/{proposal.id}/report",
                        data={"reason": "advertising", "note": "广告", "next": f"/proposals/{proposal.id}"})
    assert first.status_code == 302
    assert "The council will review it" in text(client.get(first.headers["Location"]))
    second = client.post(f"/moderation/proposal/{proposal.id}/report", data={"reason": "other"})
    assert "You have already reported this" in text(client.get(second.headers["Location"]))
    assert session.scalar(select(ContentReport.reason)) == "advertising"
    assert len(session.scalars(select(ContentReport)).all()) == 1
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.report")).subject_id == proposal.id


def test_authors_and_outsiders_cannot_report(client_as, proposal):
    for role in ("owner", "unverified", "enterprise", "other_council"):
        assert client_as(role).post(f"/moderation/proposal/{proposal.id}/report",
                                    data={"reason": "other"}).status_code == 403, role


def test_report_with_htmx_answers_with_the_controls_fragment(world, client_as, comment):
    response = english(client_as("resident")).post(
        f"/moderation/comment/{comment.id}/report", data={"reason": "personal_attack"}, headers={"HX-Request": "true"})
    html = text(response)
    assert response.status_code == 200 and html.lstrip().startswith(f'<div class="moderation-controls" id="moderation-comment-{comment.id}"')
    assert "The council will review it" in html and "<html" not in html


def test_three_different_residents_hide_it_pending_review(app, session, world, client_as, proposal):
    one, two, three = reporters(session, app, world, 3)
    services.report(session, kind="proposal", item=proposal, by=one, reason="advertising")
    with pytest.raises(Exception):
        services.report(session, kind="proposal", item=proposal, by=one, reason="other")
    services.report(session, kind="proposal", item=proposal, by=two, reason="off_topic")
    session.commit()
    assert not proposal.is_hidden, "two residents (one reporting twice) are not enough"
    services.report(session, kind="proposal", item=proposal, by=three, reason="advertising")
    session.commit()
    assert proposal.is_hidden and proposal.hidden_by_reports and proposal.hidden_reason == "advertising"
    action = session.scalar(select(ModerationAction))
    assert action.action is ModerationKind.AUTO_HIDE and action.actor_id is None
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "moderation.auto_hide")).data["reports"] == 3
    assert session.scalar(select(Notification.user_id).where(Notification.kind == "content.hidden")) == \
        world.users["owner"].id

    page = text(english(client_as("resident")).get(f"/proposals/{proposal.id}"))
    assert "Hidden by moderation: Advertising" in page and "pending the council" in page
    assert "保健品" not in page.split("<main", 1)[1]


def test_reports_count_residents_not_clicks_through_the_web(app, session, world, client_as, proposal):
    client = client_as("resident")
    for _ in range(3):
        client.post(f"/moderation/proposal/{proposal.id}/report", data={"reason": "advertising"})
    client_as("supervisor").post(f"/moderation/proposal/{proposal.id}/report", data={"reason": "advertising"})
    session.refresh(proposal)
    assert not proposal.is_hidden
    client_as("council").post(f"/moderation/proposal/{proposal.id}/report", data={"reason": "other"})
    session.refresh(proposal)
    assert proposal.is_hidden and proposal.hidden_by_reports


def test_the_council_reviews_the_queue(app, session, world, client_as, proposal, comment):
    for person in reporters(session, app, world, 3):
        services.report(session, kind="proposal", item=proposal, by=person, reason="advertising", note="加微信")
    services.report(session, kind="comment", item=comment, by=world.users["resident"], reason="personal_attack")
    session.commit()
    client = english(client_as("council"))
    page = text(client.get("/moderation/"))
    assert "3 reports" in page and "Advertising (3)" in page and "Hidden pending review" in page
    assert "1 report" in page and "Personal attack (1)" in page
    assert "三楼那家人" in page, "the council reads what it reviews"
    # keep the comment up: its report leaves the queue
    client.post(f"/moderation/comment/{comment.id}/dismiss", data={"next": "/moderation/"})
    # confirm the automatic hiding
    client.post(f"/moderation/proposal/{proposal.id}/hide", data={"reason": "advertising"})
    session.refresh(proposal)
    assert proposal.is_hidden and not proposal.hidden_by_reports
    assert "Nothing reported is waiting for review." in text(client.get("/moderation/"))
    assert client_as("supervisor").get(f"/moderation/?compound={world.compound.id}").status_code == 403


def test_queue_queries_do_not_grow(app, session, world, client_as, count_queries):
    people = reporters(session, app, world, 3)
    client = client_as("council")

    def add(n):
        for _ in range(n):
            item = factories.proposal(session, world.compound, world.users["owner"])
            note = factories.proposal_comment(session, item, world.users["owner"])
            for person in people:
                services.report(session, kind="proposal", item=item, by=person, reason="other")
            services.report(session, kind="comment", item=note, by=people[0], reason="other")
        session.commit()

    add(1)
    with count_queries() as few:
        assert client.get("/moderation/").status_code == 200
    add(6)
    with count_queries() as many:
        assert client.get("/moderation/").status_code == 200
    assert len(few) == len(many) <= 12


# --- who reads hidden content ------------------------------------------------------------------------------

def test_hidden_comment_stays_readable_to_supervisor_station_and_author(session, world, client_as, proposal,
                                                                        comment):
    services.hide(session, kind="comment", item=comment, by=world.users["council"], reason="personal_attack",
                  note="点名道姓")
    session.commit()
    for role in ("supervisor", "station", "owner"):
        page = text(english(client_as(role)).get(f"/proposals/{proposal.id}"))
        assert "Hidden by moderation: Personal attack" in page, role
        assert "三楼那家人" in page and "点名道姓" in page, role
    for role in ("resident", "council", "other_council", "enterprise"):
        page = text(english(client_as(role)).get(f"/proposals/{proposal.id}"))
        assert "Hidden by moderation: Personal attack" in page, role
        assert "三楼那家人" not in page and "点名道姓" not in page, role


def test_can_see_hidden_predicate_in_a_template(app, session, world, proposal):
    services.hide(session, kind="proposal", item=proposal, by=world.users["council"], reason="false_info")
    session.commit()
    template = app.jinja_env.from_string(
        '{% include "moderation/_partials/hidden_notice.html" %}'
        '{% if not item.is_hidden or can_see_hidden(current_user, kind, item) %}BODY{% endif %}')
    seen = {}
    for role in ("supervisor", "station", "owner", "resident", "other_council"):
        with request_in(app, "en"):
            seen[role] = template.render(kind="proposal", item=proposal, current_user=world.users[role])
    for role in ("supervisor", "station", "owner"):
        assert "BODY" in seen[role] and "False information" in seen[role], role
    for role in ("resident", "other_council"):
        assert "BODY" not in seen[role] and "Hidden by moderation: False information" in seen[role], role


def test_controls_offer_report_to_residents_and_hide_to_the_council(session, world, client_as, proposal):
    resident = text(english(client_as("resident")).get(f"/proposals/{proposal.id}"))
    assert f"/moderation/proposal/{proposal.id}/report" in resident and "/hide" not in resident
    council = text(english(client_as("council")).get(f"/proposals/{proposal.id}"))
    assert f"/moderation/proposal/{proposal.id}/hide" in council
    author = text(english(client_as("owner")).get(f"/proposals/{proposal.id}"))
    assert "/moderation/" not in author
    other = text(english(client_as("other_council")).get(f"/proposals/{proposal.id}"))
    assert "/moderation/" not in other


# --- public log --------------------------------------------------------------------------------------------

def test_the_log_shows_reasons_and_links_but_not_the_content(session, world, client_as, proposal, comment):
    services.hide(session, kind="proposal", item=proposal, by=world.users["council"], reason="advertising",
                  note="卖保健品的")
    services.hide(session, kind="comment", item=comment, by=world.users["council"], reason="personal_attack")
    services.restore(session, kind="comment", item=comment, by=world.users["council"])
    session.commit()
    for role in ("anonymous", "resident", "other_council"):
        page = text(english(client_as(role)).get(f"/moderation/log?compound={world.compound.id}"))
        assert "Hidden by the council" in page and "Restored by the council" in page, role
        assert "Advertising" in page and "Personal attack" in page
        assert f'href="/proposals/{proposal.id}"' in page and f"#comment-{comment.id}" in page
        for secret in ("卖保健品", "三楼那家人", "张老师"):
            assert secret not in page, (role, secret)
    other = text(english(client_as("anonymous")).get(f"/moderation/log?compound={world.other_compound.id}"))
    assert "No moderation yet." in other


def test_log_queries_do_not_grow(session, world, client, count_queries):
    def add(n):
        for _ in range(n):
            item = factories.proposal(session, world.compound, world.users["owner"])
            services.hide(session, kind="proposal", item=item, by=world.users["council"], reason="other")
        session.commit()

    add(1)
    with count_queries() as few:
        assert client.get("/moderation/log").status_code == 200
    add(8)
    with count_queries() as many:
        assert client.get("/moderation/log").status_code == 200
    assert len(few) == len(many) <= 12


def test_log_pages(session, world, client):
    for _ in range(31):
        item = factories.proposal(session, world.compound, world.users["owner"])
        services.hide(session, kind="proposal", item=item, by=world.users["council"], reason="other")
    session.commit()
    first = text(english(client).get("/moderation/log"))
    assert first.count('class="row log-entry"') == 30 and "/moderation/log?page=2" in first
    more = text(client.get("/moderation/log?page=2", headers={"HX-Request": "true"}))
    assert more.count('class="row log-entry"') == 1 and "<html" not in more
