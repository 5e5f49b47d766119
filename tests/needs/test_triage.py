"""Council triage: the four lists, each outcome, notes, notifications, audit, timeline, and refusals."""
import io

import pytest
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError
from neighbourhood.media.models import Photo
from neighbourhood.needs import services
from neighbourhood.needs.models import EventKind, NeedEvent, NeedStatus
from neighbourhood.notifications.kinds import render as render_notification
from neighbourhood.notifications.models import Notification
from neighbourhood.proposals.models import Proposal, ProposalStatus, ProposalSupport
from tests import factories
from tests.accounts.helpers import english, form_errors, request_in
from tests.needs.helpers import shown


@pytest.fixture
def lists(session, world):
    entries = {
        "self": factories.four_list_entry(session, world.community, "self_governance", "公共设施小修小补"),
        "gov": factories.four_list_entry(session, world.community, "assisting_government", "市容秩序"),
        "negative": factories.four_list_entry(session, world.community, "negative", "个人私事"),
    }
    session.commit()
    return entries


@pytest.fixture
def need(app, session, world):
    neighbours = [world.users["owner"], world.users["supervisor"]]
    obj = factories.need(session, world.compound, world.users["resident"], supporters=neighbours)
    session.commit()
    return obj


def notified(session, kind):
    session.expire_all()
    return sorted(n.user_id for n in session.scalars(select(Notification).where(Notification.kind == kind)))


def test_council_resolves_a_need_with_a_note_and_photo(app, session, world, client_as, lists, need):
    client = english(client_as("council"))
    photo = (io.BytesIO(factories.jpeg_bytes()), "fixed.jpg")
    response = client.post(f"/needs/{need.id}/triage", data={
        "list_entry": str(lists["self"].id), "outcome": "resolved", "note": "物业已换新灯泡。", "photos": [photo],
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    session.expire_all()
    assert need.status is NeedStatus.RESOLVED and need.triage_note == "物业已换新灯泡。"
    assert need.triaged_by_id == world.users["council"].id and need.list_entry_id == lists["self"].id
    [photo_row] = session.scalars(select(Photo).where(Photo.subject_type == "need_resolution")).all()
    assert photo_row.subject_id == need.id
    body = shown(client.get(f"/needs/{need.id}"))
    assert "物业已换新灯泡。" in body and "Self-governance matters" in body and "公共设施小修小补" in body
    assert "Resolved" in body and f"/media/{photo_row.token}.jpg" in body and 'id="triage"' not in body
    # The author and both "me too" residents are told, in their own language when they read it.
    users = world.users
    assert notified(session, "need.status") == sorted([users["resident"].id, users["owner"].id,
                                                        users["supervisor"].id])
    note = session.scalars(select(Notification).where(Notification.kind == "need.status")).first()
    with request_in(app, "en"):
        assert render_notification(note.kind, note.params) == "“3栋门口路灯坏了”: Resolved"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "need.triaged")).one()
    assert entry.data["outcome"] == "resolved" and entry.data["list_kind"] == "self_governance"
    assert entry.actor_id == users["council"].id and entry.compound_id == world.compound.id
    kinds = [e.kind for e in session.scalars(select(NeedEvent).where(NeedEvent.need_id == need.id)
                                             .order_by(NeedEvent.id))]
    assert kinds == [EventKind.RAISED, EventKind.TRIAGED]


@pytest.mark.parametrize("outcome, entry, words", [
    ("referred", "self", "Referred to property management"),
    ("declined", "negative", "Declined"),
    ("escalated", "gov", "Escalated to the station"),
])
def test_the_other_outcomes(session, world, client_as, lists, need, outcome, entry, words):
    client = english(client_as("council"))
    response = client.post(f"/needs/{need.id}/triage", data={
        "list_entry": str(lists[entry].id), "outcome": outcome, "note": "理由写在这里"})
    assert response.status_code == 302
    session.expire_all()
    assert need.status is NeedStatus(outcome)
    body = shown(client.get(f"/needs/{need.id}"))
    assert words in body and "理由写在这里" in body
    escalations = notified(session, "need.escalated")
    assert escalations == ([world.users["station"].id] if outcome == "escalated" else [])


def test_converting_makes_a_proposal_with_the_me_too_residents_as_supporters(session, world, client_as, lists,
                                                                             need):
    client = english(client_as("council"))
    response = client.post(f"/needs/{need.id}/triage", data={
        "list_entry": str(lists["self"].id), "outcome": "converted", "note": ""})
    assert response.status_code == 302
    session.expire_all()
    assert need.status is NeedStatus.CONVERTED
    proposal = session.get(Proposal, need.proposal_id)
    assert proposal.source_need_id == need.id and proposal.author_id == world.users["resident"].id
    assert proposal.title == need.title and proposal.category == need.category
    assert proposal.status is ProposalStatus.OPEN and proposal.support_count == 2
    assert sorted(s.user_id for s in session.scalars(select(ProposalSupport))) == sorted(
        [world.users["owner"].id, world.users["supervisor"].id])
    body = shown(client.get(f"/needs/{need.id}"))
    assert f'href="/proposals/{proposal.id}"' in body and "Became a proposal" in body


def test_a_note_is_required_except_when_converting(session, world, client_as, lists, need):
    client = english(client_as("council"))
    response = client.post(f"/needs/{need.id}/triage", data={
        "list_entry": str(lists["self"].id), "outcome": "declined", "note": "  "})
    assert response.status_code == 200
    assert "Give the reason for declining" in form_errors(response)
    session.expire_all()
    assert need.status is NeedStatus.OPEN
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "need.triaged")) == 0
    assert notified(session, "need.status") == []


def test_the_four_list_entry_is_required_and_must_be_ours(session, world, client_as, lists, need):
    client = english(client_as("council"))
    response = client.post(f"/needs/{need.id}/triage", data={"outcome": "resolved", "note": "已处理"})
    assert response.status_code == 200 and "Choose which of the four lists" in form_errors(response)
    far = factories.four_list_entry(session, factories.community(session, name="别的社区"))
    retired = factories.four_list_entry(session, world.community, active=False)
    session.commit()
    for entry in (far, retired):
        response = client.post(f"/needs/{need.id}/triage", data={
            "list_entry": str(entry.id), "outcome": "resolved", "note": "已处理"})
        assert response.status_code == 200 and "Choose an entry of this community" in form_errors(response)
    response = client.post(f"/needs/{need.id}/triage", data={"list_entry": str(lists["self"].id), "note": "x"})
    assert response.status_code == 200 and "Choose what happens to the need" in shown(response)
    session.expire_all()
    assert need.status is NeedStatus.OPEN


def test_without_four_lists_the_council_can_still_triage(session, world, client_as, need):
    body = shown(english(client_as("council")).get(f"/needs/{need.id}"))
    assert "has not set up this community's four lists" in body
    response = client_as("council").post(f"/needs/{need.id}/triage", data={"outcome": "referred", "note": "转物业"})
    assert response.status_code == 302


def test_a_bad_resolution_photo_changes_nothing(session, world, client_as, lists, need):
    client = english(client_as("council"))
    response = client.post(f"/needs/{need.id}/triage", data={
        "list_entry": str(lists["self"].id), "outcome": "resolved", "note": "已处理",
        "photos": [(io.BytesIO(b"not a photo"), "x.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 200 and "not a photo we can read" in form_errors(response)
    session.expire_all()
    assert need.status is NeedStatus.OPEN and notified(session, "need.status") == []


def test_only_open_needs_are_triaged_once(session, world, client_as, lists, need):
    client = english(client_as("council"))
    data = {"list_entry": str(lists["self"].id), "outcome": "referred", "note": "转物业"}
    assert client.post(f"/needs/{need.id}/triage", data=data).status_code == 302
    again = client.post(f"/needs/{need.id}/triage", data={**data, "outcome": "declined"})
    assert again.status_code == 302
    assert "already been triaged" in shown(client.get(f"/needs/{need.id}"))
    session.expire_all()
    assert need.status is NeedStatus.REFERRED
    with pytest.raises(DomainError):
        services.triage_need(session, need=need, by=world.users["council"], outcome="declined", note="x",
                             list_entry_id=lists["self"].id)


def test_another_compounds_council_cannot_but_our_station_can(session, world, client_as, lists, need):
    data = {"list_entry": str(lists["self"].id), "outcome": "referred", "note": "转物业"}
    assert client_as("other_council").post(f"/needs/{need.id}/triage", data=data).status_code == 403
    assert client_as("supervisor").post(f"/needs/{need.id}/triage", data=data).status_code == 403
    assert client_as("station").post(f"/needs/{need.id}/triage", data=data).status_code == 302
    session.expire_all()
    assert need.status is NeedStatus.REFERRED and need.triaged_by_id == world.users["station"].id


def test_our_council_cannot_triage_the_other_compounds_need(session, world, client_as):
    other = factories.need(session, world.other_compound, world.users["other_council"])
    session.commit()
    response = client_as("council").post(f"/needs/{other.id}/triage", data={"outcome": "referred", "note": "x"})
    assert response.status_code == 403
