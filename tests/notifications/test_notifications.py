"""The inbox, reading and marking read, the header's unread count, preferences, and SMS now or as a digest."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from neighbourhood.db import utcnow
from neighbourhood.notifications.models import Channel, Notification, NotificationPreference, Timing
from neighbourhood.notifications.services import notify
from tests.accounts.helpers import english, text


def send(session, users, n=1, *, kind="proposal.threshold", title="路灯", url="/proposals/1"):
    made = []
    for i in range(n):
        made += notify(session, recipients=users, kind=kind, url=url, params={"title": f"{title}{i}"})
    session.flush()
    return made


def prefer(session, user, kind, channel, timing):
    session.add(NotificationPreference(user_id=user.id, kind=kind, channel=channel, timing=timing))
    session.flush()


# --- inbox -------------------------------------------------------------------------------------------------

def test_inbox_lists_newest_first_twenty_a_page(session, world, client_as):
    resident = world.users["resident"]
    made = send(session, [resident], 25)
    start = utcnow() - timedelta(hours=1)
    for i, n in enumerate(made):
        n.created_at = start + timedelta(minutes=i)
    session.commit()
    client = english(client_as("resident"))
    page = text(client.get("/notifications"))
    assert page.count('class="row notification') == 20
    assert page.index("“路灯24” has enough support") < page.index("“路灯23” has enough support")
    assert "路灯4”" not in page and 'href="/notifications?page=2"' in page
    more = text(client.get("/notifications?page=2", headers={"HX-Request": "true"}))
    assert more.count('class="row notification') == 5 and "<html" not in more and "路灯0”" in more
    plain = text(client.get("/notifications?page=2"))
    assert "<html" in plain and "Back to the newest" in plain


def test_inbox_is_empty_at_first(world, client_as):
    assert "No notifications yet." in text(english(client_as("owner")).get("/notifications"))


def test_opening_marks_read_and_goes_to_the_item(session, world, client_as):
    item, = send(session, [world.users["resident"]], url="/proposals/7#comment-3")
    session.commit()
    response = client_as("resident").get(f"/notifications/{item.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/proposals/7#comment-3"
    session.refresh(item)
    assert item.read_at is not None


def test_nobody_opens_anothers_notification(session, world, client_as):
    item, = send(session, [world.users["resident"]])
    session.commit()
    for role in ("owner", "council", "admin"):
        assert client_as(role).get(f"/notifications/{item.id}").status_code == 404, role
    assert client_as("resident").get("/notifications/99999").status_code == 404
    session.refresh(item)
    assert item.read_at is None


def test_mark_all_read_is_only_mine(session, world, client_as):
    mine = send(session, [world.users["resident"]], 3)
    theirs = send(session, [world.users["owner"]], 2)
    session.commit()
    response = english(client_as("resident")).post("/notifications/read-all")
    assert response.status_code == 302
    for n in mine + theirs:
        session.refresh(n)
    assert all(n.read_at for n in mine) and not any(n.read_at for n in theirs)


def test_unread_count_in_the_header(session, world, client_as, client):
    send(session, [world.users["resident"]], 3)
    session.commit()
    client_res = english(client_as("resident"))
    home = text(client_res.get("/"))
    assert 'class="badge">3<' in home and "Notifications, 3 unread" in home
    client_res.post("/notifications/read-all")
    assert 'class="badge"' not in text(client_res.get("/"))
    assert 'class="badge"' not in text(english(client_as("owner")).get("/"))
    assert "/notifications" not in text(client.get("/"))


def test_inbox_queries_do_not_grow(session, world, client_as, count_queries):
    client = client_as("resident")
    send(session, [world.users["resident"]], 1)
    session.commit()
    with count_queries() as few:
        assert client.get("/notifications").status_code == 200
    send(session, [world.users["resident"]], 30)
    session.commit()
    with count_queries() as many:
        assert client.get("/notifications").status_code == 200
    assert len(few) == len(many) <= 12


def test_notify_skips_the_actor_and_deleted_users(session, world):
    gone = world.users["enterprise"]
    gone.deleted_at = utcnow()
    made = notify(session, recipients=[world.users["resident"], world.users["resident"], gone, world.users["owner"]],
                  kind="proposal.threshold", url="/proposals/1", params={"title": "x"}, actor=world.users["owner"])
    assert [n.user_id for n in made] == [world.users["resident"].id]


def test_a_kind_renders_even_with_missing_params(app):
    from neighbourhood.notifications.kinds import render
    from tests.accounts.helpers import request_in

    with request_in(app, "en"):
        assert render("proposal.threshold", {}) == "My proposal reaches the council agenda"
        assert render("no.such.kind", {}) == "A notification"


def test_times_in_notices_are_the_community_time_in_the_readers_language(app):
    """Times are stored in UTC: a ballot closing at 10:00 UTC closes at 18:00 in Chengdu, and says so."""
    from neighbourhood.notifications.kinds import render
    from tests.accounts.helpers import request_in

    closing = {"title": "加装路灯", "time": "2026-11-30T10:00:00"}
    with request_in(app, "zh_Hans"):
        assert "18:00" in render("ballot.reminder", closing) and "10:00" not in render("ballot.reminder", closing)
        assert "2026年12月13日" in render("project.rate", {"title": "加装扶手", "until": "2026-12-13"})
        # Notices stored before times went out as ISO text read the same way.
        assert "18:00" in render("ballot.extended", {"title": "加装路灯", "until": "2026-11-30 10:00"})
    with request_in(app, "en"):
        assert "6:00" in render("ballot.reminder", closing) and "PM" in render("ballot.reminder", closing)
        assert render("ballot.reminder", {"title": "x", "time": "soon"}) == \
            "“x” closes at soon and you have not voted yet"


# --- preferences -------------------------------------------------------------------------------------------

def test_preferences_default_to_inbox_and_daily(world, client_as):
    page = text(english(client_as("resident")).get("/notifications/preferences"))
    assert "Replies to my comments" in page
    from neighbourhood.notifications.kinds import KINDS

    assert len(re.findall(r'<input checked id="k_\w+-channel-0"[^>]*value="inbox"', page)) == len(KINDS)
    assert len(re.findall(r'<input checked id="k_\w+-timing-0"[^>]*value="digest"', page)) == len(KINDS)
    assert not re.search(r'<input checked [^>]*value="(sms|immediate)"', page)


def test_saving_preferences(session, world, client_as):
    client = english(client_as("resident"))
    response = client.post("/notifications/preferences", data={
        "k_comment_reply-channel": "sms", "k_comment_reply-timing": "immediate",
        "k_content_hidden-channel": "inbox", "k_content_hidden-timing": "digest"})
    assert response.status_code == 302
    rows = session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id == world.users["resident"].id)).all()
    assert [(r.kind, r.channel, r.timing) for r in rows] == [("comment.reply", Channel.SMS, Timing.IMMEDIATE)]
    page = text(client.get("/notifications/preferences"))
    assert "Your notification preferences are saved." in page


def test_bad_preferences_come_back(session, world, client_as):
    response = english(client_as("resident")).post("/notifications/preferences", data={
        "k_comment_reply-channel": "pigeon", "k_comment_reply-timing": "immediate"})
    assert response.status_code == 200 and "Not a valid choice" in text(response)
    assert re.search(r'<input checked id="k_comment_reply-timing-1"[^>]*value="immediate"', text(response))
    assert session.scalar(select(NotificationPreference)) is None


def test_sms_needs_a_phone(session, world, client_as):
    world.users["resident"].phone = None
    session.commit()
    response = english(client_as("resident")).post("/notifications/preferences", data={
        "k_comment_reply-channel": "sms", "k_comment_reply-timing": "immediate"})
    assert response.status_code == 200 and "Add a phone number" in text(response)
    assert session.scalar(select(NotificationPreference)) is None


# --- SMS ---------------------------------------------------------------------------------------------------

def test_immediate_sms_goes_out_with_notify_in_chinese(app, session, world, sms_outbox):
    resident, owner = world.users["resident"], world.users["owner"]
    prefer(session, resident, "proposal.threshold", Channel.SMS, Timing.IMMEDIATE)
    prefer(session, owner, "proposal.threshold", Channel.SMS, Timing.DIGEST)
    with app.test_request_context(base_url="https://linli.example"):
        made = send(session, [resident, owner], url="/proposals/5")
    assert [p for p, _m in sms_outbox] == [resident.phone]
    message = sms_outbox[0][1]
    assert "路灯0" in message and message.endswith("https://linli.example/proposals/5") and len(message) <= 200
    by_user = {n.user_id: n for n in made}
    assert by_user[resident.id].sms_sent_at is not None and by_user[owner.id].sms_sent_at is None


def test_inbox_only_and_other_kinds_send_nothing(session, world, sms_outbox):
    prefer(session, world.users["resident"], "comment.reply", Channel.SMS, Timing.IMMEDIATE)
    send(session, [world.users["resident"], world.users["owner"]])
    assert sms_outbox == []


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_daily_digest_sends_one_sms_per_user_and_marks_them(app, session, world, sms_outbox, runner):
    resident, owner, council = world.users["resident"], world.users["owner"], world.users["council"]
    for user in (resident, owner, council):
        prefer(session, user, "proposal.threshold", Channel.SMS, Timing.DIGEST)
    made = send(session, [resident, owner, council], 3)
    send(session, [resident], 2, kind="comment.reply")  # inbox only: not in the digest
    read = [n for n in made if n.user_id == owner.id]
    for n in read:
        n.read_at = utcnow()                              # already read in the inbox: nothing to text
    council.deleted_at = utcnow()                         # deleted since: never texted
    session.commit()

    result = runner.invoke(args=["notifications", "send-digest"])
    assert result.exit_code == 0 and "Sent 1 digest" in result.output
    assert [p for p, _m in sms_outbox] == [resident.phone]
    assert "3" in sms_outbox[0][1] and sms_outbox[0][1].endswith("/notifications")
    session.expire_all()
    sent = session.scalars(select(Notification).where(Notification.user_id == resident.id,
                                                      Notification.kind == "proposal.threshold")).all()
    assert all(n.sms_sent_at for n in sent)
    assert session.scalar(select(Notification).where(Notification.kind == "comment.reply")).sms_sent_at is None

    again = runner.invoke(args=["notifications", "send-digest"])
    assert "Sent 0 digest" in again.output and len(sms_outbox) == 1


def test_digest_skips_users_without_a_phone(session, world, sms_outbox, runner):
    resident = world.users["resident"]
    prefer(session, resident, "proposal.threshold", Channel.SMS, Timing.DIGEST)
    send(session, [resident])
    resident.phone = None
    session.commit()
    runner.invoke(args=["notifications", "send-digest"])
    assert sms_outbox == []
