"""Joining a household: requests decided by the council or station, and one-time invitation codes."""
import pytest
from sqlalchemy import func, select

from neighbourhood.accounts import households, permissions
from neighbourhood.accounts.models import (
    HouseholdInvitation,
    HouseholdMembership,
    MembershipStatus,
    Relation,
)
from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError
from tests import factories


def join(client, world, **overrides):
    data = {"compound": world.compound.id, "building": "3栋", "unit": "2", "room": "502",
            "relation": "tenant", "real_name": "孙浩然", **overrides}
    return client.post("/households/join", data=data)


def pending_of(session, user):
    return session.scalar(select(HouseholdMembership).where(
        HouseholdMembership.user_id == user.id, HouseholdMembership.status == MembershipStatus.PENDING))


def test_request_membership_then_council_approves(session, world, client_as):
    newcomer = world.users["unverified"]
    resident = client_as("unverified")
    assert not permissions.can_take_part(newcomer, world.compound)
    response = join(resident, world)
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    membership = pending_of(session, newcomer)
    assert membership.household_id == world.free_household.id and membership.relation is Relation.TENANT
    assert newcomer.real_name == "孙浩然"
    council = client_as("council")
    queue = council.get(f"/compounds/{world.compound.id}/memberships").get_data(as_text=True)
    assert f'id="membership-{membership.id}"' in queue and "孙浩然" in queue
    assert council.post(f"/memberships/{membership.id}/approve").status_code == 302
    session.refresh(membership)
    assert membership.status is MembershipStatus.VERIFIED
    assert membership.decided_by_id == world.users["council"].id
    session.refresh(newcomer)
    assert permissions.can_take_part(newcomer, world.compound)
    assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc())) == "membership.verified"


def test_htmx_approval_returns_only_the_row(session, world, client_as):
    join(client_as("unverified"), world)
    membership = pending_of(session, world.users["unverified"])
    response = client_as("council").post(f"/memberships/{membership.id}/approve", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith(f'<li class="row request" id="membership-{membership.id}"')
    assert "<html" not in body and "status-verified" in body


def test_unknown_household_is_a_clear_error_and_keeps_the_input(world, client_as):
    client = client_as("unverified")
    client.set_cookie("lang", "en")
    page = join(client, world, room="999").get_data(as_text=True)
    assert "We could not find this household" in page
    assert 'value="999"' in page and 'value="孙浩然"' in page and 'value="3栋"' in page


def test_missing_fields_keep_what_was_typed(world, client_as):
    client = client_as("unverified")
    client.set_cookie("lang", "en")
    page = join(client, world, real_name="").get_data(as_text=True)
    assert "This field is required." in page and 'value="502"' in page


def test_asking_twice_is_refused(session, world, client_as):
    client = client_as("unverified")
    join(client, world)
    client.set_cookie("lang", "en")
    page = join(client, world).get_data(as_text=True)
    assert "already belong to this household or have asked" in page
    assert session.scalar(select(func.count(HouseholdMembership.id)).where(
        HouseholdMembership.user_id == world.users["unverified"].id)) == 1


def test_decline_needs_a_reason_which_the_resident_then_sees(session, world, client_as):
    join(client_as("unverified"), world)
    membership = pending_of(session, world.users["unverified"])
    council = client_as("council")
    council.set_cookie("lang", "en")
    page = council.post(f"/memberships/{membership.id}/decline", data={"reason": "  "}).get_data(as_text=True)
    assert "This field is required." in page
    session.refresh(membership)
    assert membership.status is MembershipStatus.PENDING
    council.post(f"/memberships/{membership.id}/decline", data={"reason": "该户登记的是王先生家，请联系业主"})
    session.refresh(membership)
    assert membership.status is MembershipStatus.DECLINED
    me = client_as("unverified").get("/me").get_data(as_text=True)
    assert "该户登记的是王先生家，请联系业主" in me


def test_htmx_decline_without_reason_returns_the_row_with_the_error(session, world, client_as):
    join(client_as("unverified"), world)
    membership = pending_of(session, world.users["unverified"])
    response = client_as("council").post(f"/memberships/{membership.id}/decline", data={"reason": ""},
                                         headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert f'id="reason-{membership.id}-error"' in body


def test_a_decided_request_cannot_be_decided_again(session, world, client_as):
    join(client_as("unverified"), world)
    membership = pending_of(session, world.users["unverified"])
    client_as("council").post(f"/memberships/{membership.id}/approve")
    station = client_as("station")
    response = station.post(f"/memberships/{membership.id}/decline", data={"reason": "重复"})
    assert response.status_code == 302
    session.refresh(membership)
    assert membership.status is MembershipStatus.VERIFIED


def test_council_of_another_compound_cannot_decide(session, world, client_as):
    join(client_as("unverified"), world)
    membership = pending_of(session, world.users["unverified"])
    assert client_as("other_council").post(f"/memberships/{membership.id}/approve").status_code == 403
    session.refresh(membership)
    assert membership.status is MembershipStatus.PENDING


def test_station_staff_of_the_community_can_decide(session, world, client_as):
    join(client_as("unverified"), world)
    membership = pending_of(session, world.users["unverified"])
    assert client_as("station").post(f"/memberships/{membership.id}/approve").status_code == 302
    session.refresh(membership)
    assert membership.status is MembershipStatus.VERIFIED


def test_withdrawing_a_request(session, world, client_as):
    client = client_as("unverified")
    join(client, world)
    membership = pending_of(session, world.users["unverified"])
    assert client.post(f"/memberships/{membership.id}/withdraw").status_code == 302
    session.refresh(membership)
    assert membership.status is MembershipStatus.ENDED


@pytest.fixture
def letters(app, session, world):
    printed = households.issue_invitations(session, config=app.config, compound=world.compound,
                                           by=world.users["station"])
    session.commit()
    return {p.household.id: p.code for p in printed}


def redeem(client, code, relation="owner"):
    return client.post("/households/redeem", data={"code": code, "relation": relation, "real_name": "孙浩然"})


def test_an_invitation_code_verifies_at_once(session, world, client_as, letters):
    client = client_as("unverified")
    code = letters[world.free_household.id]
    assert redeem(client, code.lower().replace("-", " ")).status_code == 302
    membership = session.scalar(select(HouseholdMembership).where(
        HouseholdMembership.user_id == world.users["unverified"].id))
    assert membership.status is MembershipStatus.VERIFIED and membership.household_id == world.free_household.id
    assert membership.method.value == "invitation"
    session.refresh(world.users["unverified"])
    assert permissions.can_take_part(world.users["unverified"], world.compound)


def test_a_code_works_only_once(app, session, world, client_as, letters):
    code = letters[world.free_household.id]
    redeem(client_as("unverified"), code)
    latecomer = factories.user(session, app.config)
    session.commit()
    with pytest.raises(DomainError):
        households.redeem_invitation(session, config=app.config, user=latecomer, code=code,
                                     relation=Relation.FAMILY, real_name="")


def test_reprinting_makes_old_codes_stop_working(app, session, world, client_as, letters):
    old = letters[world.free_household.id]
    households.issue_invitations(session, config=app.config, compound=world.compound, by=world.users["station"],
                                 household_ids=[world.free_household.id])
    session.commit()
    client = client_as("unverified")
    client.set_cookie("lang", "en")
    page = redeem(client, old).get_data(as_text=True)
    assert "not valid or has been used" in page
    assert session.scalar(select(func.count(HouseholdInvitation.id)).where(
        HouseholdInvitation.household_id == world.free_household.id,
        HouseholdInvitation.revoked_at.is_(None))) == 1


def test_codes_are_not_stored_readably(session, letters):
    stored = {i.code_hash for i in session.scalars(select(HouseholdInvitation))}
    assert not stored & set(letters.values())


def test_invitation_redemption_is_rate_limited(world, client_as, app):
    client = client_as("unverified")
    statuses = [redeem(client, "AAAA-AAAA").status_code for _ in range(11)]
    assert statuses[-1] == 429 and statuses[0] == 200


def test_pending_and_residents_pages_keep_their_query_count(app, session, world, client_as, count_queries):
    council = client_as("council")

    def measure():
        with count_queries() as pending:
            council.get(f"/compounds/{world.compound.id}/memberships")
        with count_queries() as residents:
            council.get(f"/compounds/{world.compound.id}/residents")
        return len(pending), len(residents)

    before = measure()
    for room in range(700, 720):
        household = factories.household(session, world.building, "4", str(room))
        factories.membership(session, factories.user(session, app.config), household,
                             status=MembershipStatus.PENDING)
        factories.membership(session, factories.user(session, app.config), household)
    session.commit()
    after = measure()
    assert before == after and max(after) <= 12
