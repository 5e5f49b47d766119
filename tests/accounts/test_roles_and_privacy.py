"""Roles with terms and the reform's rules on who may hold them; privacy, export and deletion."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from neighbourhood.accounts import permissions, roles
from neighbourhood.accounts.models import MembershipStatus, Role, RoleAssignment, User
from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError
from neighbourhood.web.display import public_name
from tests import factories
from tests.conftest import last_code

TODAY = date.today()


def assign(client, world, user, role, start=TODAY, end=None):
    data = {"phone": user.phone, "role": role, "term_start": start.isoformat(),
            "term_end": end.isoformat() if end else ""}
    return client.post(f"/compounds/{world.compound.id}/roles", data=data)


def test_station_assigns_a_council_member_with_a_term(session, world, client_as):
    owner = world.users["owner"]
    response = assign(client_as("station"), world, owner, "council_member", end=TODAY + timedelta(days=365 * 3))
    assert response.status_code == 302
    session.refresh(owner)
    assert permissions.is_council_member(owner, world.compound)
    assert not permissions.is_council_member(owner, world.other_compound)
    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()))
    assert entry.action == "role.assigned" and entry.data["role"] == "council_member"


@pytest.mark.parametrize("who, role, message", [
    ("council", "supervisor", "cannot also sit on the council"),
    ("supervisor", "council_member", "cannot also sit on the council"),
    ("unverified", "council_member", "Only a verified resident"),
    ("council", "council_member", "already holds this role"),
])
def test_role_rules_are_enforced_with_a_message(session, world, client_as, who, role, message):
    client = client_as("station")
    client.set_cookie("lang", "en")
    before = session.scalar(select(RoleAssignment.id).order_by(RoleAssignment.id.desc()))
    page = assign(client, world, world.users[who], role).get_data(as_text=True)
    assert message in page
    assert session.scalar(select(RoleAssignment.id).order_by(RoleAssignment.id.desc())) == before


def test_term_cannot_end_before_it_starts(world, client_as):
    client = client_as("station")
    client.set_cookie("lang", "en")
    page = assign(client, world, world.users["owner"], "enterprise_operator", end=TODAY - timedelta(days=1))
    assert "cannot end before it starts" in page.get_data(as_text=True)


def test_unknown_phone_gets_a_message_and_keeps_the_form(world, client_as):
    client = client_as("station")
    client.set_cookie("lang", "en")
    page = client.post(f"/compounds/{world.compound.id}/roles",
                       data={"phone": "13999990000", "role": "supervisor", "term_start": TODAY.isoformat()})
    text = page.get_data(as_text=True)
    assert "Nobody has registered with this number yet." in text and 'value="13999990000"' in text


def test_ending_a_role_needs_a_reason_and_takes_effect(session, world, client_as):
    council = world.users["council"]
    assignment = next(r for r in council.role_assignments if r.role is Role.COUNCIL_MEMBER)
    station = client_as("station")
    station.post(f"/roles/{assignment.id}/end", data={"reason": ""})
    session.refresh(assignment)
    assert assignment.ended_at is None
    station.post(f"/roles/{assignment.id}/end", data={"reason": "换届"})
    session.refresh(council)
    assert not permissions.is_council_member(council, world.compound)
    assert client_as("council").get(f"/compounds/{world.compound.id}/memberships").status_code == 403


def test_an_expired_term_grants_nothing(app, session, world):
    person = factories.user(session, app.config)
    factories.membership(session, person, world.household)
    factories.role(session, person, Role.COUNCIL_MEMBER, compound_obj=world.compound,
                   term_start=TODAY - timedelta(days=800), term_end=TODAY - timedelta(days=1))
    factories.role(session, person, Role.SUPERVISOR, compound_obj=world.other_compound,
                   term_start=TODAY + timedelta(days=10))
    assert not permissions.is_council_member(person, world.compound)
    assert not permissions.is_supervisor(person, world.other_compound)


def test_admin_assigns_station_staff(session, world, client_as):
    owner = world.users["owner"]
    response = client_as("admin").post(f"/communities/{world.community.id}/staff",
                                       data={"phone": owner.phone, "term_start": TODAY.isoformat()})
    assert response.status_code == 302
    session.refresh(owner)
    assert permissions.is_station_staff(owner, world.community)


def test_service_refuses_a_station_role_in_a_compound(session, world):
    with pytest.raises(DomainError):
        roles.assign_compound_role(session, compound=world.compound, user=world.users["owner"],
                                   role=Role.STATION_STAFF, term_start=TODAY, term_end=None,
                                   by=world.users["station"])


def test_public_name_shows_building_and_chosen_name(world):
    assert public_name(world.users["resident"]) == "3栋 李阿姨"
    assert public_name(world.users["unverified"]) == "新住户"


@pytest.mark.parametrize("role, sees", [
    ("council", True), ("supervisor", True), ("station", True), ("admin", True),
    ("resident", False), ("owner", False), ("enterprise", False), ("other_council", False),
])
def test_real_names_and_phones_only_for_council_supervisors_and_station(world, client_as, role, sees):
    response = client_as(role).get(f"/compounds/{world.compound.id}/residents")
    owner = world.users["owner"]
    if sees:
        page = response.get_data(as_text=True)
        assert owner.phone in page and owner.real_name in page
    else:
        assert response.status_code == 403


def test_home_and_profile_never_show_other_peoples_phone_numbers(world, client_as):
    page = client_as("resident").get("/").get_data(as_text=True)
    for name, user in world.users.items():
        if name != "resident":
            assert user.phone not in page


def test_export_is_json_with_households_and_roles(world, client_as):
    response = client_as("council").get("/me/export")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert document["profile"]["phone"] == world.users["council"].phone
    assert document["households"][0]["household"] == "3栋2单元501"
    assert document["roles"][0]["role"] == "council_member"
    assert document["sessions"]


def test_deleting_an_account_erases_personal_data_and_signs_out_everywhere(app, session, world, client_as,
                                                                           sms_outbox):
    council = world.users["council"]
    phone = council.phone
    client = client_as("council")
    other_device = client_as("council")
    client.set_cookie("lang", "en")
    wrong = client.post("/me/delete", data={"password": "not-my-password"}).get_data(as_text=True)
    assert "The password is not correct." in wrong
    assert client.post("/me/delete", data={"password": factories.PASSWORD}).status_code == 302
    session.refresh(council)
    assert council.phone is None and council.real_name is None and council.password_hash is None
    assert all(m.status is MembershipStatus.ENDED for m in council.memberships)
    assert all(r.ended_at is not None for r in council.role_assignments)
    assert other_device.get("/me").status_code == 302
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert public_name(council) == "已注销用户"
    # The number is free to register again.
    fresh = app.test_client()
    fresh.post("/register", data={"phone": phone, "send_code": "1"})
    response = fresh.post("/register", data={"phone": phone, "code": last_code(sms_outbox, phone),
                                             "display_name": "新张老师", "password": "brand-new-pass-9"})
    assert response.status_code == 302
    assert session.scalar(select(User).where(User.phone == phone)).id != council.id
