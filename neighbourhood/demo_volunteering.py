"""The demo compound's volunteering, built through the services so hours, coins and the audit chain are real:
eight past activities over the last three months (entered afterwards, checked in and out at the times they ran,
hours confirmed, a few adjusted with reasons, each volunteer evaluated) and four ahead (one full with a waitlist,
one risky enough to need insurance); profiles, training, awards, an issued certificate and a waiting request;
time-bank offers, spends, and a transfer within 李阿姨's household.

李阿姨 (the resident account) has hours, coins, a training, an award and a certificate; her daughter lives with her."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from neighbourhood.accounts import households
from neighbourhood.accounts.models import Relation, User
from neighbourhood.db import utcnow
from neighbourhood.demo_volunteering_content import (
    AWARDS, CERTIFICATE_CONTACT, CERTIFICATE_PERSON_IN_CHARGE, CERTIFICATE_PURPOSE, CLASSROOM_PROJECT, DAUGHTER,
    OFFERS, PAST, PROFILES, REQUEST_PURPOSE, SPENDS, TRAININGS, TRANSFERS, UPCOMING, DemoActivity,
)
from neighbourhood.places.models import Compound
from neighbourhood.projects.models import Project
from neighbourhood.volunteering import records, services, timebank
from neighbourhood.volunteering.models import Activity, OrganiserKind

# Who posts an activity, and checks its volunteers in, by the kind of organiser.
POSTED_BY = {OrganiserKind.COUNCIL: "council", OrganiserKind.PROJECT: "council", OrganiserKind.STATION: "station",
             OrganiserKind.ENTERPRISE: "enterprise"}


def seed_volunteering(session: Session, *, config, compound: Compound, users: dict[str, User],
                      neighbours: list[User], today: date) -> None:
    zone = ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"])
    people = {**users, **{f"n{index}": person for index, person in enumerate(neighbours)},
              "daughter": _daughter(session, users)}

    def local(days_ago: int, clock: str) -> datetime:
        hour, minute = (int(part) for part in clock.split(":"))
        moment = datetime.combine(today - timedelta(days=days_ago), time(hour, minute), tzinfo=zone)
        return moment.astimezone(timezone.utc).replace(tzinfo=None)

    for who, skills, available, contact, phone, honour in PROFILES:
        services.update_profile(session, user=people[who], skills=skills, available_times=available,
                                emergency_contact=contact, emergency_phone=phone, on_honour_list=honour)
    project_id = session.scalar(select(Project.id).where(Project.compound_id == compound.id,
                                                         Project.title.contains(CLASSROOM_PROJECT)))
    for spec in PAST:
        _seed_past(session, compound, spec, people, local, project_id)
    for spec in UPCOMING:
        _seed_upcoming(session, compound, spec, people, local, project_id)
    _seed_time_bank(session, compound, people)
    _seed_records(session, compound, people, today)


def _daughter(session: Session, users: dict[str, User]) -> User:
    """李阿姨's daughter, a verified member of her household: the household transfer needs someone to give to."""
    resident = users["resident"]
    daughter = User(**DAUGHTER)
    session.add(daughter)
    session.flush()
    [home] = [m.household for m in resident.verified_memberships]
    membership = households.request_membership(session, user=daughter, household=home, relation=Relation.FAMILY,
                                               real_name=daughter.real_name)
    households.approve_membership(session, membership=membership, by=users["station"])
    return daughter


def _post(session: Session, compound: Compound, spec: DemoActivity, people: dict[str, User], local,
          project_id: int | None) -> tuple[Activity, User]:
    organiser = people[POSTED_BY[spec.organiser]]
    plans = [services.ShiftPlan(local(spec.days_ago, starts), local(spec.days_ago, ends), capacity, label)
             for starts, ends, capacity, label in spec.shifts]
    made = services.create_activity(
        session, compound=compound, by=organiser, title=spec.title, place=spec.place, category=spec.category,
        organiser_kind=spec.organiser, organiser_name=spec.organiser_name,
        starts_at=min(p.starts_at for p in plans), ends_at=max(p.ends_at for p in plans), shifts=plans,
        description=spec.description, requirements=spec.requirements, risk_note=spec.risk_note,
        insurance_required=spec.insurance_required, cancel_cutoff_hours=spec.cancel_cutoff_hours,
        project_id=project_id if spec.organiser is OrganiserKind.PROJECT else None)
    made.created_at = made.starts_at - timedelta(days=10)
    return made, organiser


def _seed_past(session: Session, compound: Compound, spec: DemoActivity, people: dict[str, User], local,
               project_id: int | None) -> None:
    """Service entered afterwards, at the times it happened: sign-up a week before, check-in and check-out,
    the organiser's adjustment, confirmation the next day, and the evaluation."""
    made, organiser = _post(session, compound, spec, people, local, project_id)
    for index, served in enumerate(spec.served):
        shift = made.shifts[served.shift]
        signup = services.sign_up(session, shift=shift, user=people[served.who], accepted_risk=True,
                                  now=shift.starts_at - timedelta(days=7) + timedelta(minutes=17 * index))
        arrived = shift.starts_at + timedelta(minutes=served.late)
        services.check_in(session, signup=signup, by=organiser, at=arrived)
        if served.minutes is not None:
            services.check_out(session, signup=signup, by=organiser, at=arrived + timedelta(minutes=served.minutes))
        if served.adjusted is not None:
            hours, reason = served.adjusted
            services.adjust_hours(session, signup=signup, by=organiser, hours=hours, reason=reason)
        services.confirm_hours(session, signup=signup, by=organiser, now=shift.ends_at + timedelta(days=1))
        services.evaluate(session, signup=signup, by=organiser, evaluation=served.evaluation, note=served.note)


def _seed_upcoming(session: Session, compound: Compound, spec: DemoActivity, people: dict[str, User], local,
                   project_id: int | None) -> None:
    made, _organiser = _post(session, compound, spec, people, local, project_id)
    made.created_at = min(made.created_at, utcnow() - timedelta(days=2))
    for index, (who, shift_index) in enumerate(spec.signed_up):
        shift = made.shifts[shift_index]
        services.sign_up(session, shift=shift, user=people[who], accepted_risk=spec.insurance_required,
                         now=made.created_at + timedelta(hours=3 + 5 * index))


def _seed_time_bank(session: Session, compound: Compound, people: dict[str, User]) -> None:
    offers = {title: timebank.offer_service(session, compound=compound, by=people[who], title=title, price=price,
                                            description=description)
              for who, title, price, description in OFFERS}
    for buyer, title in SPENDS:
        timebank.spend(session, offer=offers[title], by=people[buyer])
    for sender, recipient, amount, note in TRANSFERS:
        timebank.transfer(session, sender=people[sender], recipient=people[recipient], amount=amount, note=note)


def _seed_records(session: Session, compound: Compound, people: dict[str, User], today: date) -> None:
    """Training and awards recorded by the council; 李阿姨's certificate issued by the station, 王先生's waiting."""
    council, station = people["council"], people["station"]
    for who, title, organiser_name, days_ago, hours in TRAININGS:
        records.record_training(session, compound=compound, by=council, user=people[who], title=title,
                                organiser_name=organiser_name, held_on=today - timedelta(days=days_ago), hours=hours)
    for who, title, issuer, days_ago in AWARDS:
        records.record_award(session, compound=compound, by=council, user=people[who], title=title, issuer=issuer,
                             awarded_on=today - timedelta(days=days_ago))
    certificate = records.request_certificate(session, compound=compound, user=people["resident"],
                                              purpose=CERTIFICATE_PURPOSE)
    records.issue_certificate(session, certificate=certificate, by=station,
                              person_in_charge=CERTIFICATE_PERSON_IN_CHARGE, contact=CERTIFICATE_CONTACT)
    records.request_certificate(session, compound=compound, user=people["owner"], purpose=REQUEST_PURPOSE)
