"""Personal data: who sees real names and numbers, public display names, export, and deleting an account."""
import json

import pytest
from sqlalchemy import select

from neighbourhood.accounts import permissions
from neighbourhood.accounts.models import (
    HouseholdMembership,
    MembershipStatus,
    Relation,
    RoleAssignment,
    User,
)
from neighbourhood.audit import services as audit_services
from neighbourhood.audit.models import AuditEntry
from neighbourhood.web.display import public_name
from tests import factories
from tests.accounts.helpers import english, page, password_sign_in, register, request_in, text
from tests.conftest import sign_in


def fresh(session, user) -> User:
    session.expire_all()
    return session.get(User, user.id)


# --- who sees real names and phone numbers ----------------------------------------------------------

@pytest.fixture
def named(app, session, world):
    """A verified resident with a distinctive real name and number, and one in the other compound."""
    here = factories.user(session, app.config, phone="13611112222", display_name="王女士", real_name="王秀英")
    factories.membership(session, here, world.free_household, relation=Relation.TENANT)
    there = factories.user(session, app.config, phone="13633334444", display_name="赵先生", real_name="赵建国")
    factories.membership(session, there, world.other_household)
    waiting = factories.user(session, app.config, phone="13655556666", display_name="钱阿姨", real_name="钱美兰")
    factories.membership(session, waiting, world.free_household, status=MembershipStatus.PENDING)
    session.commit()
    return here, there, waiting


@pytest.mark.parametrize("role", ["council", "supervisor", "station", "admin"])
def test_council_supervisors_and_station_see_real_names_and_numbers(world, client_as, named, role):
    here, there, waiting = named
    response = client_as(role).get(f"/compounds/{world.compound.id}/residents")
    assert response.status_code == 200
    body = text(response)
    assert "13611112222" in body and "王秀英" in body
    assert "13633334444" not in body and "赵建国" not in body  # the other compound's people
    assert "13655556666" not in body  # not verified, not a resident yet


@pytest.mark.parametrize("role", ["resident", "owner", "enterprise", "unverified", "other_council"])
def test_everyone_else_gets_403(world, client_as, named, role):
    response = client_as(role).get(f"/compounds/{world.compound.id}/residents")
    assert response.status_code == 403
    assert "13611112222" not in text(response) and "王秀英" not in text(response)


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(f"/compounds/{world.compound.id}/residents")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_council_of_the_other_compound_sees_its_own_residents_only(world, client_as, named):
    body = text(client_as("other_council").get(f"/compounds/{world.other_compound.id}/residents"))
    assert "13633334444" in body and "13611112222" not in body


def test_neighbours_pages_show_no_phone_numbers(world, client_as, named):
    client = client_as("resident")
    for path in ("/", "/me", "/households/join", "/households/redeem"):
        body = text(client.get(path))
        for name, user in world.users.items():
            if name != "resident":
                assert user.phone not in body, (path, name)
        assert "13611112222" not in body


# --- public names -----------------------------------------------------------------------------------

def test_the_public_name_is_building_and_chosen_name(app, session, world):
    with request_in(app):
        assert public_name(world.users["resident"]) == "3栋 李阿姨"
        assert public_name(world.users["owner"]) == "3栋 王先生"
        assert public_name(world.users["other_council"]) == "1栋 赵主任"


def test_without_a_verified_household_only_the_chosen_name_shows(app, session, world, named):
    _here, _there, waiting = named
    with request_in(app):
        assert public_name(world.users["unverified"]) == "新住户"
        assert public_name(waiting) == "钱阿姨"


def test_the_public_name_never_holds_the_number_or_real_name(app, world, named):
    here, _there, _waiting = named
    with request_in(app):
        shown = public_name(here)
    assert shown == "3栋 王女士" and here.phone not in shown and here.real_name not in shown


# --- export -----------------------------------------------------------------------------------------

def test_export_is_a_json_download_with_households_and_roles(world, client_as):
    council = world.users["council"]
    response = client_as("council").get("/me/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(text(response))
    assert document["profile"]["phone"] == council.phone
    assert document["profile"]["display_name"] == "张老师" and document["profile"]["real_name"] == "王秀英"
    assert [(h["household"], h["compound"], h["status"]) for h in document["households"]] \
        == [("3栋2单元501", world.compound.name, "verified")]
    assert [(r["role"], r["compound"], r["term_start"]) for r in document["roles"]] \
        == [("council_member", world.compound.name, "2020-01-01")]
    assert document["sessions"] and document["sessions"][0]["device"] == "pytest"


def test_export_holds_nothing_of_other_people_and_no_password_hash(session, world, client_as):
    council = fresh(session, world.users["council"])
    body = text(client_as("council").get("/me/export"))
    assert council.password_hash not in body and "argon2" not in body
    for name, user in world.users.items():
        if name != "council":
            assert user.phone not in body


def test_export_includes_a_decline_and_its_reason(session, world, client_as):
    membership = factories.membership(session, world.users["unverified"], world.free_household,
                                      status=MembershipStatus.PENDING)
    session.commit()
    client_as("council").post(f"/memberships/{membership.id}/decline", data={"reason": "不是本户"})
    document = json.loads(text(client_as("unverified").get("/me/export")))
    assert [(h["status"], h["decline_reason"]) for h in document["households"]] == [("declined", "不是本户")]
    assert document["roles"] == []


def test_export_needs_sign_in(client):
    response = client.get("/me/export")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- deleting an account ----------------------------------------------------------------------------

def test_a_wrong_password_deletes_nothing(session, world, client_as):
    client = english(client_as("council"))
    response = client.post("/me/delete", data={"password": "not-my-password"})
    assert response.status_code == 200 and "The password is not correct." in text(response)
    assert "password-error" in page(response).ids and "not-my-password" not in text(response)
    council = fresh(session, world.users["council"])
    assert council.phone and council.deleted_at is None
    assert client.get("/me").status_code == 200


def test_deleting_erases_personal_data_ends_memberships_and_roles_and_signs_out_everywhere(
        app, session, world, client_as):
    council = world.users["council"]
    client, other_device = client_as("council"), client_as("council")
    response = client.post("/me/delete", data={"password": factories.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    council = fresh(session, council)
    assert council.is_deleted
    assert (council.phone, council.real_name, council.password_hash) == (None, None, None)
    assert all(m.status is MembershipStatus.ENDED for m in council.memberships)
    assert all(r.ended_at is not None for r in council.role_assignments)
    assert not permissions.is_council_member(council, world.compound)
    assert not permissions.can_take_part(council, world.compound)
    assert client.get("/me").status_code == 302
    assert other_device.get("/me").status_code == 302


def test_deleting_is_recorded_like_any_other_change(session, world, client_as):
    council = world.users["council"]
    real_name = council.real_name
    assignment_ids = [r.id for r in council.role_assignments]
    membership_ids = [m.id for m in council.memberships]
    client_as("council").post("/me/delete", data={"password": factories.PASSWORD})
    actions = {(e.action, e.subject_id) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == council.id))}
    assert {("role.ended", i) for i in assignment_ids} <= actions
    assert {("membership.ended", i) for i in membership_ids} <= actions
    assert ("account.deleted", council.id) in actions
    assert audit_services.verify_chain(session).ok
    for entry in session.scalars(select(AuditEntry)):
        assert real_name not in json.dumps(entry.data, ensure_ascii=False)


def test_the_deleted_user_is_shown_as_a_deleted_user(app, session, world, client_as):
    client_as("council").post("/me/delete", data={"password": factories.PASSWORD})
    council = fresh(session, world.users["council"])
    with request_in(app, "en"):
        assert public_name(council) == "Deleted user"
    with request_in(app):
        assert public_name(council) not in ("", "张老师", "3栋 张老师")


def test_the_deleted_user_leaves_the_residents_list(world, client_as):
    council_phone = world.users["council"].phone
    client_as("council").post("/me/delete", data={"password": factories.PASSWORD})
    body = text(client_as("station").get(f"/compounds/{world.compound.id}/residents"))
    assert council_phone not in body and "张老师" not in body


def test_the_roles_page_lists_the_ended_role_of_a_deleted_user_by_the_deleted_label(world, client_as):
    client_as("council").post("/me/delete", data={"password": factories.PASSWORD})
    station = english(client_as("station"))
    assert "Deleted user" in text(station.get(f"/compounds/{world.compound.id}/roles"))


def test_the_same_number_can_register_again(app, session, world, client_as, sms_outbox):
    council = world.users["council"]
    phone = council.phone
    client_as("council").post("/me/delete", data={"password": factories.PASSWORD})
    assert password_sign_in(app.test_client(), phone).status_code == 200  # the old account is gone
    fresh_client = app.test_client()
    response = register(fresh_client, sms_outbox, phone=phone, password="brand-new-pass-9",
                        display_name="新张老师")
    assert response.status_code == 302
    newcomer = session.scalar(select(User).where(User.phone == phone))
    assert newcomer.id != council.id and newcomer.display_name == "新张老师"
    assert newcomer.memberships == [] and newcomer.role_assignments == []


def test_deleting_needs_sign_in(client):
    response = client.post("/me/delete", data={"password": factories.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_device_signed_in_before_deletion_cannot_come_back(app, session, world):
    user = world.users["resident"]
    tablet = app.test_client()
    sign_in(app, tablet, user)
    cookie = tablet.get_cookie("session").value
    phone_ = app.test_client()
    sign_in(app, phone_, user)
    phone_.post("/me/delete", data={"password": factories.PASSWORD})
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/me").status_code == 302
    assert session.scalar(select(HouseholdMembership.status).where(HouseholdMembership.user_id == user.id)) \
        is MembershipStatus.ENDED
    assert session.scalar(select(RoleAssignment).where(RoleAssignment.user_id == user.id)) is None
