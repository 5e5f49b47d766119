"""The organiser's roster of a shift: the QR code, the volunteers with their state and emergency contacts, the
waitlist in order, checking in and out by hand, adjusting hours with an audited reason, confirming (one or all)
into time coins, evaluating; refusals for other compounds; a query count that does not grow with volunteers."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import services, timebank
from neighbourhood.volunteering.models import Evaluation, Signup, SignupStatus
from neighbourhood.volunteering.roster_views import check_in_link
from tests import factories
from tests.accounts.helpers import Page, english
from tests.projects.helpers import measure
from tests.volunteering import helpers
from tests.volunteering.helpers import page_text as text



def shift_of(session, world, **kwargs):
    return helpers.planned(session, world, **kwargs).shifts[0]


def signed_up(session, shift, user) -> Signup:
    signup = services.sign_up(session, shift=shift, user=user, accepted_risk=True,
                              now=shift.starts_at - timedelta(days=1))
    session.commit()
    return signup


def arrived(session, signup, organiser, *, hours=2, leave=True) -> Signup:
    """Checked in at the shift's start and, with `leave`, out `hours` later."""
    services.check_in(session, signup=signup, by=organiser, at=signup.shift.starts_at)
    if leave:
        services.check_out(session, signup=signup, by=organiser, at=signup.shift.starts_at + timedelta(hours=hours))
    session.commit()
    return signup


def roster_url(shift) -> str:
    return f"/volunteering/shifts/{shift.id}/roster"


def test_the_roster_shows_the_code_the_volunteers_and_the_waitlist(app, session, world, client_as):
    shift = shift_of(session, world, capacity=1)
    resident, owner, supervisor = (world.users[r] for r in ("resident", "owner", "supervisor"))
    services.update_profile(session, user=resident, skills="", available_times="", emergency_contact="李大哥",
                            emergency_phone="13800001111", on_honour_list=False)
    signed_up(session, shift, resident)
    signed_up(session, shift, owner)
    signed_up(session, shift, supervisor)
    number = services.profile_of(session, resident).number

    page = text(english(client_as("council")).get(roster_url(shift)))
    with app.test_request_context():
        link, _ = check_in_link(shift)
    svg = re.search(r'<svg[^>]*class="roster-qr-code".*?</svg>', page, re.S)
    assert svg and f"<title>{link}</title>" in svg.group()
    assert link.startswith("http://") and link in page.replace(svg.group(), "")
    assert "The code works until" in page
    assert "3栋 李阿姨" in page and f"Volunteer no. {number}" in page
    assert "李大哥" in page and "13800001111" in page and "Not arrived yet" in page
    waitlist = page[page.index("Waitlist"):]
    assert waitlist.index("3栋 王先生") < waitlist.index("3栋 陈姐")
    assert "1 of 1 places taken" in page


def test_the_organiser_checks_in_and_out_by_hand(session, world, client_as):
    shift = shift_of(session, world)
    signup = signed_up(session, shift, world.users["resident"])
    council = english(client_as("council"))

    response = council.post(f"/volunteering/signups/{signup.id}/check-in")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{roster_url(shift)}#signup-{signup.id}")
    session.refresh(signup)
    assert signup.checked_in_at is not None and signup.checked_in_by_id == world.users["council"].id
    assert "3栋 李阿姨 is checked in." in text(council.get(roster_url(shift)))

    signup.checked_in_at -= timedelta(hours=2, minutes=30)
    session.commit()
    council.post(f"/volunteering/signups/{signup.id}/check-out")
    session.refresh(signup)
    assert signup.hours == Decimal("2.5")
    page = text(council.get(roster_url(shift)))
    assert "Checked out at" in page and "2.5 hours" in page

    again = council.post(f"/volunteering/signups/{signup.id}/check-out", follow_redirects=True)
    assert "Checked out already." in text(again)


def test_adjusting_confirmed_hours_is_audited_and_moves_the_difference_in_coins(session, world, client_as):
    shift = shift_of(session, world)
    resident = world.users["resident"]
    signup = helpers.served(session, shift, resident, world.users["council"], hours=2)
    session.commit()
    assert timebank.balance_of(session, resident) == Decimal("2.00")

    response = english(client_as("council")).post(f"/volunteering/signups/{signup.id}/hours", data={
        f"s{signup.id}-hours": "3.5", f"s{signup.id}-reason": "雨中多等了一个半小时"})
    assert response.status_code == 302
    session.refresh(signup)
    assert signup.credited_hours == Decimal("3.5") and signup.adjustment_reason == "雨中多等了一个半小时"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "volunteering.hours_adjusted"))
    assert Decimal(entry.data["from"]) == Decimal("2") and Decimal(entry.data["to"]) == Decimal("3.5")
    assert entry.data["reason"] == "雨中多等了一个半小时"
    assert timebank.balance_of(session, resident) == Decimal("3.50")
    page = text(english(client_as("council")).get(roster_url(shift)))
    assert "Adjusted to 3.5 hours:" in page and "雨中多等了一个半小时" in page and "3.5 hours confirmed on" in page


def test_adjusting_without_a_reason_or_with_bad_hours_keeps_the_form(session, world, client_as):
    shift = shift_of(session, world)
    signup = arrived(session, signed_up(session, shift, world.users["resident"]), world.users["council"])
    council = english(client_as("council"))

    response = council.post(f"/volunteering/signups/{signup.id}/hours", data={f"s{signup.id}-hours": "3.5"})
    page = text(response)
    assert response.status_code == 200
    assert "Say why the hours change: the reason is kept in the audit log." in page
    assert Page(page).values[f"s{signup.id}-hours"] == "3.5" and "<details open>" in page

    response = council.post(f"/volunteering/signups/{signup.id}/hours", data={
        f"s{signup.id}-hours": "lots", f"s{signup.id}-reason": "忘记签退"})
    page = text(response)
    assert response.status_code == 200 and "Give the hours as a number, e.g. 2.5." in page and "忘记签退" in page
    session.refresh(signup)
    assert signup.adjusted_hours is None and signup.hours == Decimal("2.0")
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "volunteering.hours_adjusted")) is None


def test_confirming_credits_coins_and_tells_the_volunteer(session, world, client_as):
    shift = shift_of(session, world)
    resident = world.users["resident"]
    signup = arrived(session, signed_up(session, shift, resident), world.users["council"], hours=2)
    council = english(client_as("council"))
    page = text(council.get(roster_url(shift)))
    assert "Confirm the hours" in page and "Confirm all checked-out hours (1)" in page

    council.post(f"/volunteering/signups/{signup.id}/confirm")
    session.refresh(signup)
    assert signup.confirmed_at is not None and timebank.balance_of(session, resident) == Decimal("2.00")
    told = session.scalar(select(Notification).where(Notification.user_id == resident.id,
                                                     Notification.kind == "volunteering.hours"))
    assert told is not None and Decimal(told.params["hours"]) == Decimal("2")
    again = text(council.post(f"/volunteering/signups/{signup.id}/confirm", follow_redirects=True))
    assert "These hours are confirmed already." in again
    assert timebank.balance_of(session, resident) == Decimal("2.00")


def test_confirm_all_confirms_only_the_hours_waiting(session, world, client_as):
    shift = shift_of(session, world, capacity=4)
    council = world.users["council"]
    left = arrived(session, signed_up(session, shift, world.users["resident"]), council, hours=2)
    adjusted = signed_up(session, shift, world.users["owner"])
    services.adjust_hours(session, signup=adjusted, by=council, hours="1.5", reason="忘记签到")
    still_here = arrived(session, signed_up(session, shift, world.users["supervisor"]), council, leave=False)
    session.commit()

    response = english(client_as("council")).post(f"/volunteering/shifts/{shift.id}/confirm-all",
                                                  follow_redirects=True)
    assert "Hours confirmed and credited as time coins: 2 volunteers." in text(response)
    for signup in (left, adjusted, still_here):
        session.refresh(signup)
    assert left.confirmed_at and adjusted.confirmed_at and still_here.confirmed_at is None
    assert timebank.balance_of(session, world.users["owner"]) == Decimal("1.50")
    nothing = english(client_as("council")).post(f"/volunteering/shifts/{shift.id}/confirm-all",
                                                 follow_redirects=True)
    assert "No hours are waiting for confirmation." in text(nothing)


def test_the_organiser_evaluates_after_service(session, world, client_as):
    shift = shift_of(session, world)
    signup = signed_up(session, shift, world.users["resident"])
    council = english(client_as("council"))
    early = council.post(f"/volunteering/signups/{signup.id}/evaluation",
                         data={f"s{signup.id}-evaluation": "good"})
    assert early.status_code == 200 and "Evaluate a volunteer after they have served." in text(early)
    session.refresh(signup)
    assert signup.evaluation is None

    arrived(session, signup, world.users["council"])
    assert f'id="s{signup.id}-evaluation-0"' in text(council.get(roster_url(shift)))
    response = council.post(f"/volunteering/signups/{signup.id}/evaluation",
                            data={f"s{signup.id}-evaluation": "excellent", f"s{signup.id}-note": "主动清理了死角"})
    assert response.status_code == 302
    session.refresh(signup)
    assert signup.evaluation is Evaluation.EXCELLENT and signup.evaluation_note == "主动清理了死角"
    assert "Evaluation: Excellent · 主动清理了死角" in text(council.get(roster_url(shift)))
    bad = council.post(f"/volunteering/signups/{signup.id}/evaluation", data={f"s{signup.id}-evaluation": "great"})
    assert bad.status_code == 200 and "Not a valid choice" in text(bad)
    session.refresh(signup)
    assert signup.evaluation is Evaluation.EXCELLENT


def test_the_roster_takes_volunteers_off_back_to_itself(session, world, client_as):
    shift = shift_of(session, world, capacity=1)
    first = signed_up(session, shift, world.users["resident"])
    waiting = signed_up(session, shift, world.users["owner"])
    page = text(english(client_as("council")).get(roster_url(shift)))
    assert f'action="/volunteering/signups/{first.id}/cancel"' in page
    assert f'name="next" value="{roster_url(shift)}"' in page
    response = client_as("council").post(f"/volunteering/signups/{first.id}/cancel",
                                         data={"next": roster_url(shift)})
    assert response.status_code == 302 and response.headers["Location"].endswith(roster_url(shift))
    session.refresh(waiting)
    assert waiting.status is SignupStatus.CONFIRMED


def test_other_compounds_and_residents_are_refused(session, world, client_as):
    shift = shift_of(session, world)
    signup = signed_up(session, shift, world.users["resident"])
    theirs = helpers.activity(session, world.other_compound, world.users["other_council"], title="芳草街清扫")
    session.commit()
    for role in ("other_council", "resident", "supervisor"):
        client = client_as(role)
        assert client.get(roster_url(shift)).status_code == 403, role
        assert client.post(f"/volunteering/signups/{signup.id}/check-in").status_code == 403, role
        assert client.post(f"/volunteering/shifts/{shift.id}/confirm-all").status_code == 403, role
    assert client_as("council").get(roster_url(theirs.shifts[0])).status_code == 403
    assert client_as("station").get(roster_url(theirs.shifts[0])).status_code == 200
    assert client_as("council").get("/volunteering/shifts/99999/roster").status_code == 404
    session.refresh(signup)
    assert signup.checked_in_at is None


def test_the_roster_query_count_does_not_grow_with_volunteers(app, session, world, client_as, count_queries):
    shift = shift_of(session, world, capacity=20)
    council = world.users["council"]

    def add_volunteers(count):
        for i in range(count):
            person = factories.verified_resident(session, app.config, world.compound)
            services.update_profile(session, user=person, skills="", available_times="", emergency_contact="家人",
                                    emergency_phone="13800002222", on_honour_list=False)
            arrived(session, signed_up(session, shift, person), council, leave=bool(i % 2))

    add_volunteers(2)
    client = client_as("council")
    few = measure(count_queries, client, roster_url(shift))
    add_volunteers(8)
    many = measure(count_queries, client, roster_url(shift))
    assert many == few <= 12


def test_refreshing_with_htmx_answers_the_roster_alone(session, world, client_as):
    shift = shift_of(session, world)
    signed_up(session, shift, world.users["resident"])
    response = client_as("council").get(roster_url(shift), headers={"HX-Request": "true"})
    fragment = text(response).strip()
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert fragment.startswith('<section class="card" id="roster">') and fragment.endswith("</section>")
    assert "<html" not in fragment and "3栋 李阿姨" in fragment and "roster-qr-code" not in fragment
