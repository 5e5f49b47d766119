"""The check-in link a shift's QR code carries: the link on the roster checks the volunteer in (GET shows, POST
acts) and, scanned again, out with hours from the times; a double tap does not check straight out; an expired link
changes nothing; a forged one is 404; whoever scans acts only for themselves; signing in comes back to the link."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote, urlsplit

from flask import current_app
from sqlalchemy import select

from neighbourhood.db import utcnow
from neighbourhood.volunteering import rules, services
from neighbourhood.volunteering.models import Signup
from tests.accounts.helpers import english
from tests.projects.helpers import measure
from tests.volunteering import helpers
from tests.volunteering.helpers import page_text as text



def shift_of(session, world, **kwargs):
    return helpers.planned(session, world, **kwargs).shifts[0]


def signed_up(session, shift, user) -> Signup:
    """`user` signed up the day before; now the shift starts in half an hour, so check-in is open."""
    signup = services.sign_up(session, shift=shift, user=user, now=shift.starts_at - timedelta(days=1))
    starts = utcnow().replace(microsecond=0) + timedelta(minutes=30)
    shift.activity.starts_at, shift.starts_at = starts, starts
    shift.activity.ends_at, shift.ends_at = starts + timedelta(hours=2), starts + timedelta(hours=2)
    session.commit()
    return signup


def link_on_roster(client, shift) -> str:
    """The path of the link in the roster's QR code (its SVG title), as an organiser's page shows it."""
    page = text(client.get(f"/volunteering/shifts/{shift.id}/roster"))
    title = re.search(r'<svg[^>]*class="roster-qr-code"[^>]*><title>([^<]+)</title>', page).group(1)
    return urlsplit(title).path


def token_for(shift_id: int, until) -> str:
    return "/volunteering/check-in/" + rules.check_in_token(current_app.config["SECRET_KEY"], shift_id, until)


def test_the_roster_code_checks_the_volunteer_in_and_then_out(session, world, client_as):
    shift = shift_of(session, world)
    signup = signed_up(session, shift, world.users["resident"])
    link = link_on_roster(client_as("council"), shift)
    volunteer = english(client_as("resident"))

    page = text(volunteer.get(link))
    assert "周末楼道清洁" in page and 'name="step" value="in"' in page and "Check in</button>" in page
    session.refresh(signup)
    assert signup.checked_in_at is None      # looking never changes anything

    response = volunteer.post(link, data={"step": "in"})
    assert response.status_code == 302 and response.headers["Location"].endswith(link)
    page = text(volunteer.get(link))
    assert "Checked in at" in page and "Scan the code again when you leave" in page
    assert 'name="step" value="out"' in page
    session.refresh(signup)
    assert signup.checked_in_by_id == world.users["resident"].id

    signup.checked_in_at = utcnow() - timedelta(hours=2, minutes=3)
    session.commit()
    page = text(volunteer.post(link, data={"step": "out"}, follow_redirects=True))
    session.refresh(signup)
    assert signup.checked_out_at is not None and signup.hours == Decimal("2.1")
    assert "2.1 hours, pending confirmation by the organiser." in page
    assert "You checked in at" in page and "<button" not in page.split('id="scan"')[1]


def test_a_double_tap_on_check_in_does_not_check_out(session, world, client_as):
    shift = shift_of(session, world)
    signup = signed_up(session, shift, world.users["resident"])
    link = token_for(shift.id, rules.check_in_valid_until(shift.ends_at))
    volunteer = client_as("resident")
    volunteer.post(link, data={"step": "in"})
    second = volunteer.post(link, data={"step": "in"})
    assert second.status_code == 302
    session.refresh(signup)
    assert signup.checked_in_at is not None and signup.checked_out_at is None


def test_an_expired_code_says_so_and_changes_nothing(session, world, client_as):
    shift = shift_of(session, world)
    signup = signed_up(session, shift, world.users["resident"])
    link = token_for(shift.id, utcnow() - timedelta(minutes=1))
    volunteer = english(client_as("resident"))
    for response in (volunteer.get(link), volunteer.post(link, data={"step": "in"})):
        assert response.status_code == 200
        page = text(response)
        assert "This check-in code has expired. Ask the organiser for the current code." in page
        assert "<button type=\"submit\" class=\"button\">Check in" not in page
    session.refresh(signup)
    assert signup.checked_in_at is None


def test_a_forged_code_is_not_found(session, world, client_as):
    shift = shift_of(session, world)
    signup = signed_up(session, shift, world.users["resident"])
    until = rules.check_in_valid_until(shift.ends_at)
    forged = "/volunteering/check-in/" + rules.check_in_token("not-our-key", shift.id, until)
    volunteer = english(client_as("resident"))
    for response in (volunteer.get(forged), volunteer.post(forged, data={"step": "in"}),
                     volunteer.get("/volunteering/check-in/nonsense")):
        assert response.status_code == 404
        assert "This is not a valid check-in code." in text(response)
    gone = token_for(99999, until)
    assert volunteer.get(gone).status_code == 404
    session.refresh(signup)
    assert signup.checked_in_at is None


def test_whoever_scans_acts_only_for_themselves(session, world, client_as):
    shift = shift_of(session, world, capacity=1)
    signup = signed_up(session, shift, world.users["resident"])
    waiting = signed_up(session, shift, world.users["owner"])
    link = token_for(shift.id, rules.check_in_valid_until(shift.ends_at))

    council = english(client_as("council"))
    page = text(council.get(link))
    assert "You have no confirmed place on this shift. Ask the organiser to add you." in page
    assert council.post(link, data={"step": "in"}).status_code == 302
    owner = english(client_as("owner"))
    assert "You are on the waitlist for this shift." in text(owner.get(link))
    owner.post(link, data={"step": "in"})
    for each in (signup, waiting):
        session.refresh(each)
        assert each.checked_in_at is None


def test_an_anonymous_scan_signs_in_and_comes_back(session, world, client):
    shift = shift_of(session, world)
    link = token_for(shift.id, rules.check_in_valid_until(shift.ends_at))
    response = client.get(link)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/login" in location and quote(link, safe="") in location


def test_the_scan_page_query_count(session, world, client_as, count_queries):
    shift = shift_of(session, world)
    signed_up(session, shift, world.users["resident"])
    link = token_for(shift.id, rules.check_in_valid_until(shift.ends_at))
    assert measure(count_queries, client_as("resident"), link) <= 12


def test_a_scan_days_before_the_shift_does_not_check_in(session, world, client_as):
    shift = shift_of(session, world)
    services.sign_up(session, shift=shift, user=world.users["resident"], now=shift.starts_at - timedelta(days=1))
    session.commit()
    volunteer = english(client_as("resident"))
    link = token_for(shift.id, rules.check_in_valid_until(shift.ends_at))
    answer = volunteer.post(link, data={"step": "in"}, follow_redirects=True)
    assert session.scalar(select(Signup.checked_in_at).where(Signup.shift_id == shift.id)) is None
    assert "Check-in opens an hour before the shift starts." in text(answer)
