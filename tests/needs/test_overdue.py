"""Needs left untriaged past the compound's limit are flagged to its council and the station, once each."""
from datetime import timedelta

from sqlalchemy import select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import utcnow
from neighbourhood.needs import services
from neighbourhood.needs.models import EventKind, NeedEvent, NeedStatus
from neighbourhood.notifications.models import Notification
from tests import factories


def overdue_notes(session):
    session.expire_all()
    return sorted((n.user_id, n.params["title"]) for n in
                  session.scalars(select(Notification).where(Notification.kind == "need.overdue")))


def test_the_command_flags_each_overdue_need_once(app, session, world):
    now = utcnow()
    world.other_compound.triage_limit_days = 14
    late = factories.need(session, world.compound, world.users["resident"], title="等了八天",
                          created_at=now - timedelta(days=8))
    factories.need(session, world.compound, world.users["resident"], title="等了三天",
                   created_at=now - timedelta(days=3))
    factories.need(session, world.compound, world.users["resident"], title="早已转物业",
                   created_at=now - timedelta(days=30), status=NeedStatus.REFERRED)
    # Eight days is within the other compound's own fourteen.
    factories.need(session, world.other_compound, world.users["other_council"], title="隔壁等了八天",
                   created_at=now - timedelta(days=8))
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["needs", "flag-overdue"])
    assert result.exit_code == 0, result.output
    assert "1 overdue need(s) flagged." in result.output
    users = world.users
    assert overdue_notes(session) == sorted([(users["council"].id, "等了八天"), (users["station"].id, "等了八天")])
    assert late.overdue_flagged_at is not None
    [event] = session.scalars(select(NeedEvent).where(NeedEvent.kind == EventKind.OVERDUE)).all()
    assert event.need_id == late.id
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "need.flagged_overdue")).one().data[
        "days"] == 8
    # Running it again tells nobody twice.
    result = runner.invoke(args=["needs", "flag-overdue"])
    assert "0 overdue need(s) flagged." in result.output
    assert len(overdue_notes(session)) == 2


def test_flag_overdue_is_a_plain_service(session, world):
    now = utcnow()
    factories.need(session, world.other_compound, world.users["other_council"], title="隔壁",
                   created_at=now - timedelta(days=20))
    flagged = services.flag_overdue(session, now=now)
    assert [n.title for n in flagged] == ["隔壁"]
    # Tells the other compound's council and the community's station, not ours.
    assert sorted(user_id for user_id, _ in overdue_notes(session)) == sorted(
        [world.users["other_council"].id, world.users["station"].id])
    assert services.flag_overdue(session, now=now) == []
