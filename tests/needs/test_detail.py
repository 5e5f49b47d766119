"""A need's page: what it says, who has it, its timeline, hidden needs, and its cost in queries."""
from datetime import timedelta

import pytest

from neighbourhood.db import utcnow
from neighbourhood.needs import services
from neighbourhood.needs.models import NeedStatus
from tests import factories
from tests.accounts.helpers import english
from tests.needs.helpers import gzip_size, shown


def test_the_page_shows_the_need_its_place_holder_and_timeline(app, session, world, client_as):
    need = factories.need(session, world.compound, world.users["resident"], building_id=world.building.id,
                          place="")
    photo = factories.photo(session, app.config, world.compound, subject_type="need", subject_id=need.id)
    session.commit()
    body = shown(english(client_as("owner")).get(f"/needs/{need.id}"))
    assert "3栋门口路灯坏了" in body and "3栋 李阿姨" in body and "Repairs and facilities" in body
    assert "Waiting for triage" in body and "The council of 玉林北路小区" in body
    assert f'<img src="/media/{photo.token}.jpg" width="{photo.width}" height="{photo.height}" loading="lazy"' in body
    assert "Raised" in body and 'id="timeline"' in body
    assert 'id="moderation-need-' in body  # the moderation partial: owner may report
    assert world.users["resident"].phone not in body


def test_a_hidden_need_shows_a_notice_to_others_and_content_to_its_readers(session, world, client_as):
    need = factories.need(session, world.compound, world.users["resident"], title="不该公开的内容",
                          hidden_at=utcnow(), hidden_reason="privacy", hidden_note="含有住户电话")
    session.commit()
    owner = english(client_as("owner")).get(f"/needs/{need.id}")
    assert owner.status_code == 200
    body = shown(owner)
    assert "Hidden by moderation" in body and "不该公开的内容" not in body and "含有住户电话" not in body
    for role in ("supervisor", "station", "resident"):
        body = shown(english(client_as(role)).get(f"/needs/{need.id}"))
        assert "Hidden by moderation" in body and "不该公开的内容" in body and "含有住户电话" in body, role


def test_escalated_needs_say_the_station_has_them(session, world, client_as):
    need = factories.need(session, world.compound, world.users["resident"], status=NeedStatus.ESCALATED)
    session.commit()
    assert "The station: 玉林社区党群服务中心" in shown(english(client_as("owner")).get(f"/needs/{need.id}"))


def test_overdue_needs_are_flagged_on_their_page(session, world, client_as):
    need = factories.need(session, world.compound, world.users["resident"], created_at=utcnow() - timedelta(days=8))
    session.commit()
    assert "Waiting too long for triage" in shown(english(client_as("owner")).get(f"/needs/{need.id}"))


def test_missing_needs_are_404(client_as, world):
    assert client_as("resident").get("/needs/999999").status_code == 404


def test_the_triage_panel_is_only_for_the_council_and_station(session, world, client_as):
    need = factories.need(session, world.compound, world.users["resident"])
    session.commit()
    for role in ("council", "station", "admin"):
        assert 'id="triage"' in shown(client_as(role).get(f"/needs/{need.id}")), role
    for role in ("resident", "owner", "supervisor", "other_council", "unverified"):
        assert 'id="triage"' not in shown(client_as(role).get(f"/needs/{need.id}")), role


@pytest.mark.parametrize("role", ["owner", "council", "station"])
def test_the_page_takes_the_same_queries_however_long_its_timeline(app, session, world, client_as,
                                                                   count_queries, role):
    factories.four_list_entry(session, world.community)
    need = factories.need(session, world.compound, world.users["resident"], status=NeedStatus.ESCALATED)
    session.commit()
    staff = world.users["station"]
    client = client_as(role)

    def reply(n):
        for i in range(n):
            services.reply_as_station(session, need=need, by=staff, text=f"第{i}次回复")
            factories.photo(session, app.config, world.compound, subject_type="need", subject_id=need.id)
        session.commit()

    path = f"/needs/{need.id}"
    reply(1)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    reply(10)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(few) == len(many) <= 12


def test_the_page_keeps_the_page_budget(session, world, client_as):
    need = factories.need(session, world.compound, world.users["resident"])
    factories.four_list_entry(session, world.community)
    session.commit()
    assert gzip_size(client_as("council").get(f"/needs/{need.id}")) <= 14 * 1024
