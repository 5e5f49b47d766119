"""The station's inbox: escalated and overdue needs of every compound of its community, and its replies."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import utcnow
from neighbourhood.needs.models import EventKind, NeedEvent, NeedStatus
from neighbourhood.notifications.models import Notification
from tests import factories
from tests.accounts.helpers import english
from tests.needs.helpers import gzip_size, shown


def escalated(session, compound, author, title, days_ago=1):
    return factories.need(session, compound, author, title=title, status=NeedStatus.ESCALATED,
                          triaged_at=utcnow() - timedelta(days=days_ago))


def test_inbox_lists_every_compound_of_the_community_and_no_other(session, world, client_as):
    escalated(session, world.compound, world.users["resident"], "夜市噪音扰民", days_ago=2)
    escalated(session, world.other_compound, world.users["other_council"], "人行道被单车占满", days_ago=5)
    factories.need(session, world.other_compound, world.users["other_council"], title="隔壁等太久",
                   created_at=utcnow() - timedelta(days=9))
    factories.need(session, world.compound, world.users["resident"], title="刚提的", created_at=utcnow())
    far = factories.compound(session, factories.community(session, name="芳草社区"), name="远方小区")
    escalated(session, far, None, "别的社区的事")
    session.commit()
    body = shown(english(client_as("station")).get("/station/inbox"))
    # Escalated longest ago first.
    assert body.index("人行道被单车占满") < body.index("夜市噪音扰民")
    assert "芳草街院落" in body and "玉林北路小区" in body
    assert "隔壁等太久" in body and "刚提的" not in body and "别的社区的事" not in body
    assert "别的社区的事" in shown(client_as("admin").get("/station/inbox"))


def test_staff_reply_on_the_timeline_and_residents_are_told(session, world, client_as):
    need = escalated(session, world.compound, world.users["resident"], "夜市噪音扰民")
    from neighbourhood.needs.models import NeedSupport
    session.add(NeedSupport(need_id=need.id, user_id=world.users["owner"].id, compound_id=world.compound.id))
    session.commit()
    client = english(client_as("station"))
    response = client.post(f"/needs/{need.id}/station-reply", data={"text": "已联系街道综合执法队。", "close": ""})
    assert response.status_code == 302
    body = shown(client.get(f"/needs/{need.id}"))
    assert "The station replied" in body and "已联系街道综合执法队。" in body and "周社工" in body
    session.expire_all()
    assert need.status is NeedStatus.ESCALATED
    notes = session.scalars(select(Notification).where(Notification.kind == "need.station_reply")).all()
    assert sorted(n.user_id for n in notes) == sorted([world.users["resident"].id, world.users["owner"].id])
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "need.station_reply")).one().data[
        "text"] == "已联系街道综合执法队。"
    # Residents see the reply too.
    assert "已联系街道综合执法队。" in shown(client_as("owner").get(f"/needs/{need.id}"))


def test_staff_close_an_escalated_need(session, world, client_as):
    need = escalated(session, world.compound, world.users["resident"], "夜市噪音扰民")
    session.commit()
    response = client_as("station").post(f"/needs/{need.id}/station-reply",
                                         data={"text": "夜市已整改。", "close": "resolved"})
    assert response.status_code == 302
    session.expire_all()
    assert need.status is NeedStatus.RESOLVED and need.closed_at is not None
    kinds = [e.kind for e in session.scalars(select(NeedEvent).where(NeedEvent.need_id == need.id)
                                             .order_by(NeedEvent.id))]
    assert kinds == [EventKind.RAISED, EventKind.STATION_REPLY, EventKind.CLOSED]
    assert [n.params["status"] for n in session.scalars(
        select(Notification).where(Notification.kind == "need.status"))] == ["resolved"]
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "need.closed_by_station")).one()
    assert "夜市噪音扰民" not in shown(client_as("station").get("/station/inbox"))


def test_an_empty_reply_comes_back_with_a_message(session, world, client_as):
    need = escalated(session, world.compound, world.users["resident"], "夜市噪音扰民")
    session.commit()
    response = english(client_as("station")).post(f"/needs/{need.id}/station-reply",
                                                  data={"text": " ", "close": "declined"})
    assert response.status_code == 200 and "Write the reply first." in shown(response)
    session.expire_all()
    assert need.status is NeedStatus.ESCALATED
    assert session.scalars(select(NeedEvent).where(NeedEvent.kind == EventKind.STATION_REPLY)).all() == []


def test_only_escalated_needs_take_a_reply_and_only_from_their_station(session, world, client_as):
    open_need = factories.need(session, world.compound, world.users["resident"])
    far = factories.compound(session, factories.community(session, name="芳草社区"), name="远方小区")
    far_need = escalated(session, far, None, "别的社区的事")
    session.commit()
    client = english(client_as("station"))
    response = client.post(f"/needs/{open_need.id}/station-reply", data={"text": "x"})
    assert response.status_code == 302
    assert "Only needs escalated to the station take the station's reply." in shown(
        client.get(f"/needs/{open_need.id}"))
    session.expire_all()
    assert session.scalars(select(NeedEvent).where(NeedEvent.kind == EventKind.STATION_REPLY)).all() == []
    assert client_as("station").post(f"/needs/{far_need.id}/station-reply", data={"text": "x"}).status_code == 403
    assert client_as("council").post(f"/needs/{open_need.id}/station-reply", data={"text": "x"}).status_code == 403


def test_the_inbox_takes_the_same_queries_for_2_or_30_needs(app, session, world, client_as, count_queries):
    def add(n):
        for i in range(n):
            compound = world.compound if i % 2 else world.other_compound
            escalated(session, compound, world.users["resident"], f"上报{i}")
            factories.need(session, compound, world.users["resident"], title=f"超期{i}",
                           created_at=utcnow() - timedelta(days=10 + i))
        session.commit()

    client = client_as("station")
    add(2)
    with count_queries() as few:
        assert client.get("/station/inbox").status_code == 200
    add(28)
    with count_queries() as many:
        assert client.get("/station/inbox").status_code == 200
    assert len(few) == len(many) <= 12
    assert gzip_size(client.get("/station/inbox")) <= 14 * 1024


@pytest.mark.parametrize("role", ["resident", "council", "supervisor"])
def test_residents_and_councils_have_no_inbox(client_as, role):
    assert client_as(role).get("/station/inbox").status_code == 403
