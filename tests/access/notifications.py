"""Notifications: everyone signed in has an inbox and preferences. Opening a notification is for its
recipient only: anyone else gets 404 (as if it did not exist), which tests/notifications checks."""
from neighbourhood.notifications.services import notify
from tests.access import SIGNED_IN, Case


def objects(session, config, world) -> dict:
    made = notify(session, recipients=[world.users["resident"]], kind="proposal.threshold", url="/proposals/1",
                  params={"title": "路灯"}, compound_id=world.compound.id)
    session.flush()
    return {"notification": made[0].id}


CASES = [
    Case("notifications.inbox", "GET", lambda o: "/notifications", SIGNED_IN),
    Case("notifications.open_item", "GET", lambda o: f"/notifications/{o['notification']}", SIGNED_IN),
    Case("notifications.read_all", "POST", lambda o: "/notifications/read-all", SIGNED_IN),
    Case("notifications.preferences", "GET", lambda o: "/notifications/preferences", SIGNED_IN),
    Case("notifications.preferences", "POST", lambda o: "/notifications/preferences", SIGNED_IN, "post"),
]
