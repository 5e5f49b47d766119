"""`flask seed-demo` leaves volunteering a newcomer can look at and take part in: past activities with confirmed
hours (a few adjusted with reasons, everyone evaluated), activities ahead (one full with a waitlist, one needing
insurance), and 李阿姨 (the resident account) with hours, time coins, a training, an award and a certificate that
the public check confirms."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import User
from neighbourhood.audit import services as audit
from neighbourhood.db import utcnow
from neighbourhood.demo import DEMO_ACCOUNTS
from neighbourhood.demo_volunteering_content import CLASSROOM_PROJECT, DAUGHTER
from neighbourhood.projects.models import Project
from neighbourhood.volunteering import recognition, records, timebank
from neighbourhood.volunteering.models import (
    Activity, Award, Certificate, CertificateStatus, CoinAccount, CoinEntry, CoinMovement, OrganiserKind, Shift,
    Signup, SignupStatus, TimeBankOffer, Training,
)
from tests.conftest import sign_in


@pytest.fixture
def seeded(app, session):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    now = utcnow()
    activities = session.scalars(select(Activity).order_by(Activity.starts_at)).all()
    return [a for a in activities if a.ends_at < now], [a for a in activities if a.starts_at > now]


def _user(session, role: str) -> User:
    return session.scalar(select(User).where(User.phone == DEMO_ACCOUNTS[role].phone))


def _signups(session, activity):
    return session.scalars(select(Signup).where(Signup.activity_id == activity.id).order_by(Signup.id)).all()


def test_past_activities_of_every_kind_carry_confirmed_evaluated_hours(session, seeded):
    past, _ahead = seeded
    assert len(past) == 8
    assert {a.organiser_kind for a in past} == set(OrganiserKind)
    assert (utcnow() - past[0].starts_at).days <= 92
    [classroom] = [a for a in past if a.organiser_kind is OrganiserKind.PROJECT]
    assert CLASSROOM_PROJECT in session.get(Project, classroom.project_id).title
    adjusted = 0
    for activity in past:
        signups = _signups(session, activity)
        assert signups, activity.title
        for signup in signups:
            assert signup.status is SignupStatus.CONFIRMED, activity.title
            assert signup.signed_up_at < signup.shift.starts_at <= signup.checked_in_at, activity.title
            assert signup.checked_out_at is None or signup.checked_in_at < signup.checked_out_at
            assert signup.checked_in_at < signup.confirmed_at < utcnow()
            assert signup.credited_hours > 0 and signup.coins_credited == signup.credited_hours
            assert signup.evaluation is not None
            if signup.adjusted_hours is not None:
                adjusted += 1
                assert signup.adjustment_reason
    assert adjusted >= 3


def test_activities_ahead_include_a_full_one_and_a_risky_one(session, seeded):
    _past, ahead = seeded
    assert len(ahead) == 4
    shifts = session.scalars(select(Shift).where(Shift.activity_id.in_([a.id for a in ahead]))).all()
    full = [s for s in shifts if s.taken == s.capacity]
    assert len(full) == 1
    waiting = [s for s in _signups(session, full[0].activity) if s.status is SignupStatus.WAITLISTED]
    assert len(waiting) == 2
    [risky] = [a for a in ahead if a.insurance_required]
    assert "枯枝" in risky.title and risky.risk_note
    # The resident can still sign up for something: an activity ahead with room that she is not on.
    resident = _user(session, "resident")
    assert any(s.free > 0 and resident.id not in {x.user_id for x in _signups(session, s.activity)} for s in shifts)
    for shift in shifts:
        confirmed = sum(s.status is SignupStatus.CONFIRMED for s in _signups(session, shift.activity))
        assert shift.taken == confirmed


def test_the_resident_has_hours_coins_records_and_a_certificate(session, seeded):
    resident = _user(session, "resident")
    hours = session.scalar(select(func.sum(func.coalesce(Signup.adjusted_hours, Signup.hours)))
                           .where(Signup.user_id == resident.id, Signup.confirmed_at.is_not(None)))
    assert hours == Decimal("13.5")
    movements = {e.movement for e in timebank.history(session, resident)}
    assert {CoinMovement.EARNED, CoinMovement.SPENT, CoinMovement.TRANSFER_IN} <= movements
    assert timebank.balance_of(session, resident) == Decimal("15.50")
    assert session.scalar(select(func.count()).select_from(Training).where(Training.user_id == resident.id)) == 1
    assert session.scalar(select(func.count()).select_from(Award).where(Award.user_id == resident.id)) == 1

    [certificate] = session.scalars(select(Certificate).where(Certificate.user_id == resident.id)).all()
    assert certificate.status is CertificateStatus.ISSUED and certificate.hours == hours
    assert certificate.holder_name == DEMO_ACCOUNTS["resident"].real_name
    assert certificate.person_in_charge and certificate.handler_name and certificate.contact
    assert records.certificate_by_number(session, certificate.number).id == certificate.id
    [waiting] = session.scalars(select(Certificate).where(Certificate.status == CertificateStatus.REQUESTED)).all()
    assert waiting.user_id == _user(session, "owner").id


def test_the_time_bank_has_offers_spends_and_a_household_transfer_that_add_up(session, seeded):
    offers = session.scalars(select(TimeBankOffer).where(TimeBankOffer.active.is_(True))).all()
    assert {o.title for o in offers} == {"代买菜", "陪老人聊天", "辅导作业", "修自行车"}
    assert session.scalar(select(func.count()).select_from(CoinEntry)
                          .where(CoinEntry.movement == CoinMovement.SPENT)) == 3
    [given] = session.scalars(select(CoinEntry).where(CoinEntry.movement == CoinMovement.TRANSFER_OUT)).all()
    daughter = session.scalar(select(User).where(User.phone == DAUGHTER["phone"]))
    assert given.user_id == daughter.id and given.counterparty_id == _user(session, "resident").id
    for account in session.scalars(select(CoinAccount)):
        entries = session.scalar(select(func.sum(CoinEntry.amount)).where(CoinEntry.user_id == account.user_id))
        assert account.balance == entries and account.balance >= 0
    assert audit.verify_chain(session).ok


def test_the_honour_list_has_good_neighbours_in_recent_months(session, seeded):
    past, _ahead = seeded
    compound_id = past[0].compound_id
    listed = [h for month in recognition.last_months(utcnow().date(), count=4)
              for h in recognition.honour_list(session, compound_id, *month)]
    assert listed and all(h.user.id != _user(session, "council").id for h in listed)
    totals = recognition.hours_by_compound_month(session, past[0].community_id,
                                                 recognition.last_months(utcnow().date(), count=4))
    assert sum(totals.values()) == session.scalar(
        select(func.sum(func.coalesce(Signup.adjusted_hours, Signup.hours))).where(Signup.confirmed_at.is_not(None)))


def test_a_newcomer_signed_in_as_the_resident_sees_it(app, session, seeded):
    past, ahead = seeded
    resident = _user(session, "resident")
    client = app.test_client()
    sign_in(app, client, resident)

    listing = client.get("/volunteering/")
    assert listing.status_code == 200
    assert all(a.title in listing.text for a in ahead)
    mine = client.get("/me/volunteering")
    assert mine.status_code == 200 and "15.5" in mine.text
    number = session.scalar(select(Certificate.number).where(Certificate.user_id == resident.id))
    assert number in mine.text
    check = app.test_client().get(f"/volunteering/certificates/{number}")
    assert check.status_code == 200 and number in check.text
    assert client.get(f"/volunteering/{past[-1].id}").status_code == 200
