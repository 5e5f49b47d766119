"""Roles per place with terms, the reform's rules on who may hold them, and their audit trail."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts import permissions, roles
from neighbourhood.accounts.models import HouseholdMembership, MembershipStatus, Role, RoleAssignment, User
from neighbourhood.audit import services as audit_services
from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError
from tests import factories
from tests.accounts.helpers import english, form_errors, page, text

TODAY = date.today()
THREE_YEARS = TODAY + timedelta(days=3 * 365)


def assign(client, world, user, role, start=TODAY, end=None, compound=None):
    data = {"phone": user.phone, "role": role, "term_start": start.isoformat(),
            "term_end": end.isoformat() if end else ""}
    return client.post(f"/compounds/{(compound or world.compound).id}/roles", data=data)


def fresh(session, user) -> User:
    session.expire_all()
    return session.get(User, user.id)


def assignments(session) -> int:
    return session.scalar(select(func.count(RoleAssignment.id)))


def entries(session, action=None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))


def role_of(session, user, role) -> RoleAssignment:
    return session.scalar(select(RoleAssignment).where(RoleAssignment.user_id == user.id,
                                                       RoleAssignment.role == role))


# --- assigning --------------------------------------------------------------------------------------

def test_station_staff_assign_a_council_member_with_a_term(session, world, client_as):
    owner = world.users["owner"]
    assert not permissions.is_council_member(owner, world.compound)
    response = assign(client_as("station"), world, owner, "council_member", end=THREE_YEARS)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/compounds/{world.compound.id}/roles"
    assignment = role_of(session, owner, Role.COUNCIL_MEMBER)
    assert (assignment.term_start, assignment.term_end) == (TODAY, THREE_YEARS)
    assert assignment.compound_id == world.compound.id and assignment.community_id == world.community.id
    assert assignment.assigned_by_id == world.users["station"].id
    owner = fresh(session, owner)
    assert permissions.is_council_member(owner, world.compound)
    assert permissions.can_review_memberships(owner, world.compound)
    assert not permissions.is_council_member(owner, world.other_compound)
    [entry] = entries(session, "role.assigned")
    assert entry.actor_id == world.users["station"].id and entry.subject_id == assignment.id
    assert entry.compound_id == world.compound.id
    assert entry.data == {"user_id": owner.id, "role": "council_member", "term_start": TODAY.isoformat(),
                          "term_end": THREE_YEARS.isoformat()}
    listing = client_as("station").get(f"/compounds/{world.compound.id}/roles")
    assert owner.real_name in text(listing) and f"end-{assignment.id}" in page(listing).ids


def test_station_staff_assign_a_supervisor(session, world, client_as):
    owner = world.users["owner"]
    assert assign(client_as("station"), world, owner, "supervisor", end=THREE_YEARS).status_code == 302
    owner = fresh(session, owner)
    assert permissions.is_supervisor(owner, world.compound)
    assert permissions.can_view_personal_details(owner, world.compound)
    # Supervisors check the council; they do not decide requests themselves.
    assert not permissions.can_review_memberships(owner, world.compound)


def test_an_enterprise_operator_need_not_live_in_the_compound(session, world, client_as):
    outsider = world.users["unverified"]
    assert assign(client_as("station"), world, outsider, "enterprise_operator").status_code == 302
    assert role_of(session, outsider, Role.ENTERPRISE_OPERATOR) is not None


def test_the_phone_may_be_typed_with_country_code(session, world, client_as):
    owner = world.users["owner"]
    response = client_as("station").post(f"/compounds/{world.compound.id}/roles", data={
        "phone": f"+86 {owner.phone}", "role": "supervisor", "term_start": TODAY.isoformat()})
    assert response.status_code == 302 and role_of(session, owner, Role.SUPERVISOR) is not None


def test_an_unknown_number_gets_a_message_and_keeps_the_form(session, world, client_as):
    client = english(client_as("station"))
    before = assignments(session)
    response = client.post(f"/compounds/{world.compound.id}/roles",
                           data={"phone": "13999990000", "role": "supervisor",
                                 "term_start": TODAY.isoformat()})
    assert "Nobody has registered with this number yet." in text(response)
    values = page(response).values
    assert (values["phone"], values["role"], values["term_start"]) == ("13999990000", "supervisor",
                                                                      TODAY.isoformat())
    assert assignments(session) == before


@pytest.mark.parametrize("who, role, message", [
    ("council", "supervisor", "A supervisor cannot also sit on the council of the same compound."),
    ("supervisor", "council_member", "A supervisor cannot also sit on the council of the same compound."),
    ("supervisor", "council_convener", "A supervisor cannot also sit on the council of the same compound."),
    ("unverified", "council_member", "Only a verified resident of this compound can hold this role."),
    ("unverified", "supervisor", "Only a verified resident of this compound can hold this role."),
    ("unverified", "council_convener", "Only a verified resident of this compound can hold this role."),
    ("other_council", "council_member", "Only a verified resident of this compound can hold this role."),
    ("enterprise", "supervisor", "Only a verified resident of this compound can hold this role."),
    ("council", "council_member", "This person already holds this role for that term."),
])
def test_role_rules_are_enforced_with_a_message(session, world, client_as, who, role, message):
    client = english(client_as("station"))
    before, audited = assignments(session), len(entries(session))
    response = assign(client, world, world.users[who], role)
    assert response.status_code == 200 and message in form_errors(response)
    assert page(response).values["phone"] == world.users[who].phone
    assert assignments(session) == before and len(entries(session)) == audited


def test_a_pending_request_is_not_residency(session, world, client_as):
    newcomer = world.users["unverified"]
    factories.membership(session, newcomer, world.free_household,
                         status=MembershipStatus.PENDING)
    session.commit()
    client = english(client_as("station"))
    assert "Only a verified resident" in form_errors(assign(client, world, newcomer, "council_member"))


def test_the_same_person_may_supervise_one_compound_and_sit_on_another_council(session, world, client_as):
    person = world.users["other_council"]  # council in the other compound
    factories.membership(session, person, world.household)
    session.commit()
    assert assign(client_as("station"), world, person, "supervisor").status_code == 302
    person = fresh(session, person)
    assert permissions.is_supervisor(person, world.compound)
    assert permissions.is_council_member(person, world.other_compound)


def test_a_supervisor_whose_term_ended_may_join_the_council(app, session, world, client_as):
    person = factories.user(session, app.config)
    factories.membership(session, person, world.household)
    factories.role(session, person, Role.SUPERVISOR, compound_obj=world.compound,
                   term_start=TODAY - timedelta(days=1000), term_end=TODAY - timedelta(days=1))
    session.commit()
    assert assign(client_as("station"), world, person, "council_member").status_code == 302


def test_a_supervisor_ended_early_may_join_the_council(session, world, client_as):
    supervisor = world.users["supervisor"]
    station = client_as("station")
    station.post(f"/roles/{role_of(session, supervisor, Role.SUPERVISOR).id}/end", data={"reason": "辞职"})
    assert assign(station, world, supervisor, "council_member").status_code == 302


def test_a_future_supervisor_term_blocks_an_overlapping_council_term(app, session, world, client_as):
    person = factories.user(session, app.config)
    factories.membership(session, person, world.household)
    factories.role(session, person, Role.SUPERVISOR, compound_obj=world.compound,
                   term_start=TODAY + timedelta(days=30), term_end=TODAY + timedelta(days=400))
    session.commit()
    client = english(client_as("station"))
    overlapping = assign(client, world, person, "council_member", end=TODAY + timedelta(days=60))
    assert "cannot also sit on the council" in form_errors(overlapping)
    before_it = assign(client, world, person, "council_member", end=TODAY + timedelta(days=29))
    assert before_it.status_code == 302


def test_the_service_refuses_the_conflict_too(session, world):
    with pytest.raises(DomainError):
        roles.assign_compound_role(session, compound=world.compound, user=world.users["council"],
                                   role=Role.SUPERVISOR, term_start=TODAY, term_end=None,
                                   by=world.users["station"])


def test_the_service_refuses_a_station_role_in_a_compound(session, world):
    with pytest.raises(DomainError):
        roles.assign_compound_role(session, compound=world.compound, user=world.users["owner"],
                                   role=Role.STATION_STAFF, term_start=TODAY, term_end=None,
                                   by=world.users["station"])


# --- terms ------------------------------------------------------------------------------------------

def test_a_term_cannot_end_before_it_starts(session, world, client_as):
    client = english(client_as("station"))
    before = assignments(session)
    response = assign(client, world, world.users["owner"], "supervisor", end=TODAY - timedelta(days=1))
    assert "The term cannot end before it starts." in form_errors(response)
    assert assignments(session) == before


def test_a_one_day_term_is_allowed(session, world, client_as):
    response = assign(client_as("station"), world, world.users["owner"], "supervisor", end=TODAY)
    assert response.status_code == 302


def test_the_term_start_is_required(session, world, client_as):
    client = english(client_as("station"))
    response = client.post(f"/compounds/{world.compound.id}/roles",
                           data={"phone": world.users["owner"].phone, "role": "supervisor", "term_start": ""})
    assert "term_start-error" in page(response).ids and "This field is required." in text(response)


@pytest.mark.parametrize("start, end, active", [
    (TODAY - timedelta(days=800), TODAY - timedelta(days=1), False),   # expired yesterday
    (TODAY - timedelta(days=800), TODAY, True),                        # last day
    (TODAY + timedelta(days=1), None, False),                          # not started yet
    (TODAY, None, True),                                               # first day, open-ended
])
def test_only_a_current_term_grants_permissions(app, session, world, client_as, start, end, active):
    person = factories.user(session, app.config)
    factories.membership(session, person, world.household)
    factories.role(session, person, Role.COUNCIL_MEMBER, compound_obj=world.compound,
                   term_start=start, term_end=end)
    factories.role(session, person, Role.SUPERVISOR, compound_obj=world.other_compound,
                   term_start=start, term_end=end)
    world.users["person"] = person
    session.commit()
    assert permissions.is_council_member(person, world.compound) is active
    assert permissions.is_supervisor(person, world.other_compound) is active
    client = client_as("person")
    expected = 200 if active else 403
    assert client.get(f"/compounds/{world.compound.id}/memberships").status_code == expected
    assert client.get(f"/compounds/{world.other_compound.id}/residents").status_code == expected


def test_an_expired_station_term_stops_station_powers(app, session, world, client_as):
    former = factories.user(session, app.config)
    factories.role(session, former, Role.STATION_STAFF, community_obj=world.community,
                   term_start=TODAY - timedelta(days=800), term_end=TODAY - timedelta(days=1))
    world.users["former"] = former
    session.commit()
    assert assign(client_as("former"), world, world.users["owner"], "supervisor").status_code == 403


# --- ending early -----------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   "])
def test_ending_a_role_early_needs_a_reason(session, world, client_as, reason):
    assignment = role_of(session, world.users["council"], Role.COUNCIL_MEMBER)
    station = english(client_as("station"))
    response = station.post(f"/roles/{assignment.id}/end", data={"reason": reason})
    assert response.status_code == 302
    assert "Say why the role ends." in text(station.get(response.headers["Location"]))
    session.expire_all()
    assert session.get(RoleAssignment, assignment.id).ended_at is None
    assert entries(session, "role.ended") == []


def test_ending_a_role_early_takes_effect_and_is_recorded(session, world, client_as):
    council = world.users["council"]
    assignment = role_of(session, council, Role.COUNCIL_MEMBER)
    response = client_as("station").post(f"/roles/{assignment.id}/end", data={"reason": "  换届  "})
    assert response.status_code == 302
    session.expire_all()
    assignment = session.get(RoleAssignment, assignment.id)
    assert assignment.ended_at is not None and assignment.end_reason == "换届"
    assert not permissions.is_council_member(fresh(session, council), world.compound)
    assert client_as("council").get(f"/compounds/{world.compound.id}/memberships").status_code == 403
    [entry] = entries(session, "role.ended")
    assert entry.actor_id == world.users["station"].id and entry.subject_id == assignment.id
    assert entry.data == {"user_id": council.id, "role": "council_member", "reason": "换届"}


def test_ending_twice_changes_nothing(session, world, client_as):
    assignment = role_of(session, world.users["council"], Role.COUNCIL_MEMBER)
    station = client_as("station")
    station.post(f"/roles/{assignment.id}/end", data={"reason": "换届"})
    assert station.post(f"/roles/{assignment.id}/end", data={"reason": "again"}).status_code == 302
    session.expire_all()
    assert session.get(RoleAssignment, assignment.id).end_reason == "换届"
    assert len(entries(session, "role.ended")) == 1


def test_the_service_refuses_an_end_without_reason(session, world):
    assignment = role_of(session, world.users["council"], Role.COUNCIL_MEMBER)
    with pytest.raises(DomainError):
        roles.end_role(session, assignment=assignment, by=world.users["station"], reason="  ")
    assert assignment.ended_at is None


def membership_of(session, user):
    return session.scalar(select(HouseholdMembership).where(HouseholdMembership.user_id == user.id,
                                                            HouseholdMembership.status == MembershipStatus.VERIFIED))


def test_leaving_the_last_household_ends_council_and_supervisor_seats(session, world, client_as):
    for who, role in (("council", Role.COUNCIL_MEMBER), ("supervisor", Role.SUPERVISOR)):
        user = world.users[who]
        response = client_as(who).post(f"/memberships/{membership_of(session, user).id}/withdraw")
        assert response.status_code == 302
        session.expire_all()
        assignment = role_of(session, user, role)
        assert assignment.ended_at is not None and assignment.end_reason == roles.LEFT_COMPOUND
        assert not permissions.can_review_memberships(fresh(session, user), world.compound)
    ended = entries(session, "role.ended")
    assert {e.data["role"] for e in ended} == {"council_member", "supervisor"}
    assert audit_services.verify_chain(session).ok


def test_the_station_reads_why_the_seat_ended_in_its_language(session, world, client_as):
    council = world.users["council"]
    client_as("council").post(f"/memberships/{membership_of(session, council).id}/withdraw")
    station = client_as("station")
    assert "不再是本小区的已认证居民" in text(station.get(f"/compounds/{world.compound.id}/roles"))
    assert "No longer a verified resident of this compound." in \
        text(english(station).get(f"/compounds/{world.compound.id}/roles"))


def test_a_council_member_with_another_household_here_keeps_the_seat(session, world, client_as):
    council = world.users["council"]
    factories.membership(session, council, world.free_household)
    session.commit()
    first = session.scalar(select(HouseholdMembership).where(
        HouseholdMembership.user_id == council.id, HouseholdMembership.household_id == world.household.id))
    client_as("council").post(f"/memberships/{first.id}/withdraw")
    assert role_of(session, council, Role.COUNCIL_MEMBER).ended_at is None
    assert permissions.is_council_member(fresh(session, council), world.compound)


def test_an_enterprise_operator_keeps_the_role_without_living_here(session, world):
    operator = world.users["enterprise"]
    roles.end_roles_of_former_resident(session, user=operator, compound=world.compound, by=operator)
    assert role_of(session, operator, Role.ENTERPRISE_OPERATOR).ended_at is None


# --- who may assign ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["resident", "owner", "council", "supervisor", "enterprise", "unverified",
                                 "other_council"])
def test_only_station_staff_and_admins_assign_compound_roles(session, world, client_as, who):
    client = client_as(who)
    assert client.get(f"/compounds/{world.compound.id}/roles").status_code == 403
    assert assign(client, world, world.users["owner"], "supervisor").status_code == 403
    assignment = role_of(session, world.users["council"], Role.COUNCIL_MEMBER)
    assert client.post(f"/roles/{assignment.id}/end", data={"reason": "x"}).status_code == 403
    assert role_of(session, world.users["owner"], Role.SUPERVISOR) is None
    session.expire_all()
    assert session.get(RoleAssignment, assignment.id).ended_at is None


def test_an_admin_may_assign_compound_roles(session, world, client_as):
    assert assign(client_as("admin"), world, world.users["owner"], "supervisor").status_code == 302


def test_station_staff_of_another_community_may_not(app, session, world, client_as):
    elsewhere = factories.community(session, name="芳草社区")
    stranger = factories.user(session, app.config)
    factories.role(session, stranger, Role.STATION_STAFF, community_obj=elsewhere)
    world.users["stranger"] = stranger
    session.commit()
    assert assign(client_as("stranger"), world, world.users["owner"], "supervisor").status_code == 403


def test_the_admin_assigns_station_staff(session, world, client_as):
    owner = world.users["owner"]
    response = client_as("admin").post(f"/communities/{world.community.id}/staff",
                                       data={"phone": owner.phone, "term_start": TODAY.isoformat(),
                                             "term_end": THREE_YEARS.isoformat()})
    assert response.status_code == 302
    assert permissions.is_station_staff(fresh(session, owner), world.community)
    entry = entries(session, "role.assigned")[-1]
    assert entry.data["role"] == "station_staff" and entry.community_id == world.community.id


def test_station_staff_do_not_appoint_station_staff(session, world, client_as):
    response = client_as("station").post(f"/communities/{world.community.id}/staff",
                                         data={"phone": world.users["owner"].phone,
                                               "term_start": TODAY.isoformat()})
    assert response.status_code == 403


def test_a_station_term_cannot_end_before_it_starts(session, world, client_as):
    client = english(client_as("admin"))
    response = client.post(f"/communities/{world.community.id}/staff", data={
        "phone": world.users["owner"].phone, "term_start": TODAY.isoformat(),
        "term_end": (TODAY - timedelta(days=1)).isoformat()})
    assert "The term cannot end before it starts." in form_errors(response)
    assert not permissions.is_station_staff(fresh(session, world.users["owner"]), world.community)


# --- the audit trail --------------------------------------------------------------------------------

def test_every_role_change_is_in_the_audit_log_and_the_chain_holds(session, world, client_as):
    station, admin = client_as("station"), client_as("admin")
    owner = world.users["owner"]
    assign(station, world, owner, "supervisor", end=THREE_YEARS)
    supervision = role_of(session, owner, Role.SUPERVISOR)
    station.post(f"/roles/{supervision.id}/end", data={"reason": "搬家"})
    admin.post(f"/communities/{world.community.id}/staff",
               data={"phone": world.users["resident"].phone, "term_start": TODAY.isoformat()})
    staff = role_of(session, world.users["resident"], Role.STATION_STAFF)
    admin.post(f"/roles/{staff.id}/end", data={"reason": "调岗"})
    recorded = [(e.action, e.subject_id) for e in entries(session) if e.action.startswith("role.")]
    assert recorded == [("role.assigned", supervision.id), ("role.ended", supervision.id),
                        ("role.assigned", staff.id), ("role.ended", staff.id)]
    assert audit_services.verify_chain(session).ok
