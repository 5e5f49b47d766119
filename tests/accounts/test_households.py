"""Asking to join a household, and the council or station deciding the request."""
import pytest
from sqlalchemy import func, select

from neighbourhood.accounts import permissions
from neighbourhood.accounts.models import (
    HouseholdMembership,
    MembershipStatus,
    Relation,
    Role,
    VerificationMethod,
)
from neighbourhood.audit.models import AuditEntry
from tests import factories
from tests.accounts.helpers import english, form_errors, page, text

REASON = "该户登记的是王先生家，请联系业主"


def join(client, world, **overrides):
    data = {"compound": world.compound.id, "building": "3栋", "unit": "2", "room": "502",
            "relation": "tenant", "real_name": "孙浩然", **overrides}
    return client.post("/households/join", data=data)


def memberships_of(session, user) -> list[HouseholdMembership]:
    session.expire_all()
    return list(session.scalars(select(HouseholdMembership).where(HouseholdMembership.user_id == user.id)))


def audit_actions(session, action) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def request_(session, world, client_as):
    """The newcomer has asked to join 3栋2单元502 as a tenant."""
    assert join(client_as("unverified"), world).status_code == 302
    return memberships_of(session, world.users["unverified"])[0]


def status_of(session, membership) -> MembershipStatus:
    session.expire_all()
    return session.get(HouseholdMembership, membership.id).status


# --- asking -----------------------------------------------------------------------------------------

def test_asking_to_join_creates_a_pending_request(session, world, client_as):
    newcomer = world.users["unverified"]
    response = join(client_as("unverified"), world)
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    [membership] = memberships_of(session, newcomer)
    assert membership.status is MembershipStatus.PENDING
    assert membership.household_id == world.free_household.id
    assert membership.compound_id == world.compound.id
    assert membership.relation is Relation.TENANT and membership.method is VerificationMethod.REQUEST
    assert session.get(type(newcomer), newcomer.id).real_name == "孙浩然"
    [entry] = audit_actions(session, "membership.requested")
    assert entry.actor_id == newcomer.id and entry.subject_id == membership.id
    assert entry.compound_id == world.compound.id


def test_the_resident_sees_the_request_waiting_on_me(world, client_as, request_):
    page_ = page(client_as("unverified").get("/me"))
    assert "status-pending" in page_.classes


@pytest.mark.parametrize("typed", [
    {"building": " 3栋 ", "unit": " 2 ", "room": " 502 "},
    {"building": "3", "unit": "2单元", "room": "502室"},
    {"building": "３栋", "unit": "２", "room": "５０２"},
])
def test_the_lookup_forgives_how_residents_type_an_address(session, world, client_as, typed):
    join(client_as("unverified"), world, **typed)
    assert [m.household_id for m in memberships_of(session, world.users["unverified"])] \
        == [world.free_household.id]


def test_a_household_without_units_is_found_with_the_unit_left_empty(session, world, client_as):
    bungalow = factories.household(session, world.building, "", "101")
    session.commit()
    join(client_as("unverified"), world, unit="", room="101")
    assert [m.household_id for m in memberships_of(session, world.users["unverified"])] == [bungalow.id]


@pytest.mark.parametrize("overrides", [
    {"room": "999"},
    {"building": "9栋"},
    {"unit": "7"},
    {"building": "1栋", "room": "101", "unit": "1"},  # exists, but in the other compound
])
def test_an_unknown_household_is_a_clear_error_and_the_form_keeps_the_input(session, world, client_as,
                                                                           overrides):
    client = english(client_as("unverified"))
    response = join(client, world, **overrides)
    assert response.status_code == 200
    assert "We could not find this household." in form_errors(response)
    typed = {"compound": str(world.compound.id), "building": "3栋", "unit": "2", "room": "502",
             "relation": "tenant", "real_name": "孙浩然", **overrides}
    values = page(response).values
    assert {name: values[name] for name in typed} == typed
    assert memberships_of(session, world.users["unverified"]) == []


@pytest.mark.parametrize("missing", ["building", "room", "real_name", "relation"])
def test_missing_fields_are_named_and_the_rest_is_kept(session, world, client_as, missing):
    client = english(client_as("unverified"))
    data = {"compound": world.compound.id, "building": "3栋", "unit": "2", "room": "502",
            "relation": "tenant", "real_name": "孙浩然"}
    if missing == "relation":
        del data[missing]  # no radio button chosen: the browser sends nothing
    else:
        data[missing] = ""  # an emptied text box is sent empty
    response = client.post("/households/join", data=data)
    assert response.status_code == 200 and "This field is required." in text(response)
    assert f"{missing}-error" in page(response).ids
    kept = page(response).values
    assert all(kept[name] == str(value) for name, value in data.items() if name != missing)
    assert memberships_of(session, world.users["unverified"]) == []


def test_asking_twice_is_refused(session, world, client_as, request_):
    client = english(client_as("unverified"))
    response = join(client, world)
    assert "You already belong to this household or have asked to join it." in form_errors(response)
    assert len(memberships_of(session, world.users["unverified"])) == 1


def test_a_verified_member_cannot_ask_again(session, world, client_as):
    client = english(client_as("resident"))
    response = join(client, world, room="501", relation="family")
    assert "You already belong to this household" in form_errors(response)
    assert len(memberships_of(session, world.users["resident"])) == 1


def test_after_a_decline_the_resident_may_ask_again(session, world, client_as, request_):
    client_as("council").post(f"/memberships/{request_.id}/decline", data={"reason": REASON})
    assert join(client_as("unverified"), world, relation="family").status_code == 302
    statuses = sorted(m.status.value for m in memberships_of(session, world.users["unverified"]))
    assert statuses == ["declined", "pending"]


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/households/join")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- taking part ------------------------------------------------------------------------------------

def test_an_unverified_user_may_read_but_not_take_part(world, client_as):
    newcomer = world.users["unverified"]
    client = client_as("unverified")
    assert client.get("/").status_code == 200 and client.get("/me").status_code == 200
    assert not permissions.can_take_part(newcomer, world.compound)
    assert permissions.can_take_part(world.users["resident"], world.compound)
    assert not permissions.can_take_part(world.users["resident"], world.other_compound)
    assert not permissions.can_take_part(None, world.compound)


def test_a_pending_request_does_not_let_anyone_take_part(session, world, request_):
    assert not permissions.can_take_part(session.get(type(world.users["unverified"]),
                                                     world.users["unverified"].id), world.compound)


def test_a_role_without_residency_does_not_let_anyone_take_part(world):
    assert not permissions.can_take_part(world.users["enterprise"], world.compound)
    assert not permissions.can_take_part(world.users["station"], world.compound)


# --- deciding ---------------------------------------------------------------------------------------

def test_the_council_sees_the_request_and_approves_it(session, world, client_as, request_):
    council = english(client_as("council"))
    queue = council.get(f"/compounds/{world.compound.id}/memberships")
    assert f"membership-{request_.id}" in page(queue).ids and "孙浩然" in text(queue)
    response = council.post(f"/memberships/{request_.id}/approve")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/compounds/{world.compound.id}/memberships"
    assert "Verified." in text(council.get(response.headers["Location"]))
    session.expire_all()
    membership = session.get(HouseholdMembership, request_.id)
    assert membership.status is MembershipStatus.VERIFIED
    assert membership.decided_by_id == world.users["council"].id and membership.decided_at is not None
    [entry] = audit_actions(session, "membership.verified")
    assert entry.actor_id == world.users["council"].id and entry.subject_id == membership.id
    assert entry.data["user_id"] == world.users["unverified"].id
    newcomer = session.get(type(world.users["unverified"]), world.users["unverified"].id)
    assert permissions.can_take_part(newcomer, world.compound)
    assert "status-verified" in page(client_as("unverified").get("/me")).classes
    queue = council.get(f"/compounds/{world.compound.id}/memberships")
    assert f"membership-{request_.id}" not in page(queue).ids


def test_verifying_a_child_keeps_them_off_ballot_rolls(session, world, client_as, request_):
    response = client_as("council").post(f"/memberships/{request_.id}/approve", data={"minor": "1"})
    assert response.status_code == 302
    session.expire_all()
    membership = session.get(HouseholdMembership, request_.id)
    assert membership.status is MembershipStatus.VERIFIED and membership.minor is True
    assert audit_actions(session, "membership.verified")[0].data["minor"] is True


def test_an_htmx_approval_returns_only_the_row(session, world, client_as, request_):
    response = client_as("council").post(f"/memberships/{request_.id}/approve",
                                         headers={"HX-Request": "true"})
    body = text(response).strip()
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.startswith("<li") and body.endswith("</li>") and body.count("<li") == 1
    assert "<html" not in body and "<body" not in body
    fragment = page(response)
    assert f"membership-{request_.id}" in fragment.ids and "status-verified" in fragment.classes
    assert status_of(session, request_) is MembershipStatus.VERIFIED


def test_an_htmx_decline_returns_only_the_row(session, world, client_as, request_):
    response = client_as("council").post(f"/memberships/{request_.id}/decline", data={"reason": REASON},
                                         headers={"HX-Request": "true"})
    body = text(response).strip()
    assert response.status_code == 200 and body.startswith("<li") and "<html" not in body
    assert f"membership-{request_.id}" in page(response).ids and "status-declined" in page(response).classes
    assert status_of(session, request_) is MembershipStatus.DECLINED


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decline_needs_a_reason(session, world, client_as, request_, reason):
    council = english(client_as("council"))
    response = council.post(f"/memberships/{request_.id}/decline", data={"reason": reason})
    assert response.status_code == 200
    assert f"reason-{request_.id}-error" in page(response).ids and "This field is required." in text(response)
    assert status_of(session, request_) is MembershipStatus.PENDING
    assert audit_actions(session, "membership.declined") == []


def test_an_htmx_decline_without_reason_returns_the_row_with_the_error(session, world, client_as, request_):
    response = client_as("council").post(f"/memberships/{request_.id}/decline", data={"reason": ""},
                                         headers={"HX-Request": "true"})
    body = text(response).strip()
    assert response.status_code == 200 and body.startswith("<li") and "<html" not in body
    assert {f"membership-{request_.id}", f"reason-{request_.id}-error"} <= page(response).ids
    assert status_of(session, request_) is MembershipStatus.PENDING


def test_the_declined_resident_sees_the_reason(session, world, client_as, request_):
    response = client_as("council").post(f"/memberships/{request_.id}/decline",
                                         data={"reason": f"  {REASON}  "})
    assert response.status_code == 302
    session.expire_all()
    membership = session.get(HouseholdMembership, request_.id)
    assert membership.status is MembershipStatus.DECLINED and membership.decline_reason == REASON
    me = client_as("unverified").get("/me")
    assert REASON in text(me) and "status-declined" in page(me).classes
    [entry] = audit_actions(session, "membership.declined")
    assert entry.data["reason"] == REASON


@pytest.mark.parametrize("who", ["resident", "owner", "supervisor", "enterprise", "unverified",
                                 "other_council"])
def test_only_council_and_station_may_decide(session, world, client_as, request_, who):
    client = client_as(who)
    assert client.get(f"/compounds/{world.compound.id}/memberships").status_code == 403
    assert client.post(f"/memberships/{request_.id}/approve").status_code == 403
    htmx = {"HX-Request": "true"}
    assert client.post(f"/memberships/{request_.id}/approve", headers=htmx).status_code == 403
    assert client.post(f"/memberships/{request_.id}/decline", data={"reason": "no"}).status_code == 403
    assert status_of(session, request_) is MembershipStatus.PENDING
    assert audit_actions(session, "membership.verified") == []
    assert audit_actions(session, "membership.declined") == []


def test_a_council_member_of_another_compound_cannot_see_the_queue_either(world, client_as, request_):
    page_ = client_as("other_council").get(f"/compounds/{world.other_compound.id}/memberships")
    assert page_.status_code == 200 and f"membership-{request_.id}" not in page(page_).ids


def test_station_staff_of_the_community_can_approve(session, world, client_as, request_):
    assert client_as("station").post(f"/memberships/{request_.id}/approve").status_code == 302
    assert status_of(session, request_) is MembershipStatus.VERIFIED


def test_station_staff_of_the_community_can_decline(session, world, client_as, request_):
    assert client_as("station").post(f"/memberships/{request_.id}/decline",
                                     data={"reason": REASON}).status_code == 302
    assert status_of(session, request_) is MembershipStatus.DECLINED


def test_station_staff_of_another_community_cannot_decide(app, session, world, client_as, request_):
    elsewhere = factories.community(session, name="芳草社区")
    stranger = factories.user(session, app.config, display_name="外社区社工")
    factories.role(session, stranger, Role.STATION_STAFF, community_obj=elsewhere)
    world.users["stranger"] = stranger
    session.commit()
    assert client_as("stranger").post(f"/memberships/{request_.id}/approve").status_code == 403
    assert status_of(session, request_) is MembershipStatus.PENDING


def test_a_council_member_whose_term_is_over_cannot_decide(app, session, world, client_as, request_):
    from datetime import date, timedelta
    former = factories.user(session, app.config)
    factories.membership(session, former, world.household)
    factories.role(session, former, Role.COUNCIL_MEMBER, compound_obj=world.compound,
                   term_start=date.today() - timedelta(days=900), term_end=date.today() - timedelta(days=1))
    world.users["former"] = former
    session.commit()
    assert client_as("former").post(f"/memberships/{request_.id}/approve").status_code == 403
    assert status_of(session, request_) is MembershipStatus.PENDING


# --- deciding twice ---------------------------------------------------------------------------------

def test_a_decided_request_cannot_be_decided_again(session, world, client_as, request_):
    client_as("council").post(f"/memberships/{request_.id}/approve")
    station = english(client_as("station"))
    response = station.post(f"/memberships/{request_.id}/decline", data={"reason": "重复"})
    assert response.status_code == 302
    follow = station.get(response.headers["Location"])
    assert "This request has already been decided." in text(follow)
    assert "flash-info" in page(follow).classes and "flash-success" not in page(follow).classes
    assert status_of(session, request_) is MembershipStatus.VERIFIED
    assert audit_actions(session, "membership.declined") == []


def test_approving_twice_records_one_decision(session, world, client_as, request_):
    council = client_as("council")
    council.post(f"/memberships/{request_.id}/approve")
    assert council.post(f"/memberships/{request_.id}/approve").status_code == 302
    assert len(audit_actions(session, "membership.verified")) == 1


def test_a_second_htmx_decision_shows_the_row_as_it_stands(session, world, client_as, request_):
    client_as("council").post(f"/memberships/{request_.id}/decline", data={"reason": REASON})
    response = client_as("station").post(f"/memberships/{request_.id}/approve",
                                         headers={"HX-Request": "true"})
    assert response.status_code == 200 and "status-declined" in page(response).classes
    assert status_of(session, request_) is MembershipStatus.DECLINED


def test_a_withdrawn_request_cannot_be_approved(session, world, client_as, request_):
    client_as("unverified").post(f"/memberships/{request_.id}/withdraw")
    assert client_as("council").post(f"/memberships/{request_.id}/approve").status_code == 302
    assert status_of(session, request_) is MembershipStatus.ENDED


def test_deciding_a_request_that_does_not_exist_is_404(client_as):
    assert client_as("council").post("/memberships/99999/approve").status_code == 404


# --- withdrawing ------------------------------------------------------------------------------------

def test_the_resident_can_withdraw_a_request(session, world, client_as, request_):
    assert client_as("unverified").post(f"/memberships/{request_.id}/withdraw").status_code == 302
    assert status_of(session, request_) is MembershipStatus.ENDED
    assert audit_actions(session, "membership.ended")[0].subject_id == request_.id


def test_nobody_else_can_withdraw_it(session, world, client_as, request_):
    assert client_as("council").post(f"/memberships/{request_.id}/withdraw").status_code == 403
    assert status_of(session, request_) is MembershipStatus.PENDING


def test_leaving_a_household_ends_taking_part(session, world, client_as):
    resident = world.users["resident"]
    [membership] = memberships_of(session, resident)
    client_as("resident").post(f"/memberships/{membership.id}/withdraw")
    session.expire_all()
    assert not permissions.can_take_part(session.get(type(resident), resident.id), world.compound)


def test_the_pending_count_query(session, world, request_):
    from neighbourhood.accounts import households
    assert households.count_pending(session, compound_ids=[world.compound.id, world.other_compound.id]) \
        == {world.compound.id: 1}
    assert session.scalar(select(func.count(HouseholdMembership.id)).where(
        HouseholdMembership.status == MembershipStatus.PENDING)) == 1
