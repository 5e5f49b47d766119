"""One-time household invitation codes, printed by the station, that verify residence at once."""
import re

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts import households, permissions, rules
from neighbourhood.accounts.models import (
    HouseholdInvitation,
    HouseholdMembership,
    MembershipStatus,
    Relation,
    User,
    VerificationMethod,
)
from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError
from tests import factories
from tests.accounts.helpers import english, page, request_in, text

INVALID = "This code is not valid or has been used. Check the letter, or ask the station for a new one."


def issue(app, session, world, household_ids=None) -> dict[int, str]:
    printed = households.issue_invitations(session, config=app.config, compound=world.compound,
                                           by=world.users["station"], household_ids=household_ids)
    session.commit()
    return {p.household.id: p.code for p in printed}


@pytest.fixture
def letters(app, session, world):
    return issue(app, session, world)


def redeem(client, code, relation="owner", real_name="孙浩然"):
    return client.post("/households/redeem",
                       data={"code": code, "relation": relation, "real_name": real_name})


def memberships_of(session, user) -> list[HouseholdMembership]:
    session.expire_all()
    return list(session.scalars(select(HouseholdMembership).where(HouseholdMembership.user_id == user.id)))


def fresh(session, user) -> User:
    session.expire_all()
    return session.get(User, user.id)


# --- issuing ----------------------------------------------------------------------------------------

def test_issuing_prints_one_readable_code_per_household_of_the_compound(session, world, letters):
    assert set(letters) == {world.household.id, world.free_household.id}
    for code in letters.values():
        assert re.fullmatch(f"[{rules.CODE_ALPHABET}]{{4}}-[{rules.CODE_ALPHABET}]{{4}}", code)
        assert not set(code) & set("01OIL")  # nothing to misread on paper
    assert len(set(letters.values())) == 2
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "invitations.issued"))
    assert entry.actor_id == world.users["station"].id and entry.compound_id == world.compound.id


def test_codes_are_not_stored_readably(session, letters):
    stored = {i.code_hash for i in session.scalars(select(HouseholdInvitation))}
    assert len(stored) == 2 and not stored & set(letters.values())
    assert not any(code.replace("-", "") in h for h in stored for code in letters.values())


def test_a_compound_without_households_gets_a_clear_refusal(app, session, world):
    empty = factories.compound(session, world.community, name="空院落")
    session.commit()
    with request_in(app, "en"):
        with pytest.raises(DomainError, match="no households"):
            households.issue_invitations(session, config=app.config, compound=empty,
                                         by=world.users["station"])


# --- redeeming --------------------------------------------------------------------------------------

def test_an_invitation_code_verifies_at_once(session, world, client_as, letters):
    newcomer = world.users["unverified"]
    assert not permissions.can_take_part(newcomer, world.compound)
    response = redeem(client_as("unverified"), letters[world.free_household.id], relation="tenant")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    [membership] = memberships_of(session, newcomer)
    assert membership.status is MembershipStatus.VERIFIED
    assert membership.household_id == world.free_household.id and membership.compound_id == world.compound.id
    assert membership.relation is Relation.TENANT and membership.method is VerificationMethod.INVITATION
    assert membership.decided_at is not None
    newcomer = fresh(session, newcomer)
    assert newcomer.real_name == "孙浩然"
    assert permissions.can_take_part(newcomer, world.compound)
    assert not permissions.can_take_part(newcomer, world.other_compound)
    invitation = session.scalar(select(HouseholdInvitation).where(
        HouseholdInvitation.household_id == world.free_household.id))
    assert invitation.redeemed_by_id == newcomer.id and invitation.redeemed_at is not None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "membership.verified_by_code"))
    assert entry.actor_id == newcomer.id and entry.subject_id == membership.id


def test_a_code_works_once(app, session, world, client_as, letters):
    code = letters[world.free_household.id]
    assert redeem(client_as("unverified"), code).status_code == 302
    latecomer = factories.user(session, app.config, display_name="后来者")
    world.users["latecomer"] = latecomer
    session.commit()
    client = english(client_as("latecomer"))
    response = redeem(client, code)
    assert response.status_code == 200 and INVALID in text(response)
    assert memberships_of(session, latecomer) == []


def test_reissuing_revokes_the_old_code(app, session, world, client_as, letters):
    old = letters[world.free_household.id]
    new = issue(app, session, world, [world.free_household.id])[world.free_household.id]
    assert new != old
    client = english(client_as("unverified"))
    assert INVALID in text(redeem(client, old))
    assert memberships_of(session, world.users["unverified"]) == []
    assert redeem(client, new).status_code == 302
    assert [m.household_id for m in memberships_of(session, world.users["unverified"])] \
        == [world.free_household.id]


def test_reissuing_one_household_leaves_the_others_codes_working(app, session, world, client_as, letters):
    issue(app, session, world, [world.free_household.id])
    assert redeem(client_as("unverified"), letters[world.household.id]).status_code == 302
    assert session.scalar(select(func.count(HouseholdInvitation.id)).where(
        HouseholdInvitation.revoked_at.is_(None), HouseholdInvitation.redeemed_at.is_(None))) == 1


@pytest.mark.parametrize("transform", [
    str.lower,
    lambda c: c.replace("-", ""),
    lambda c: c.lower().replace("-", " "),
    lambda c: f"  {c[:2]} {c[2:]}  ",
    lambda c: c.replace("-", "—"),
    lambda c: c.translate(str.maketrans("23456789ABCDEFGHJKMNPQRSTUVWXYZ-",
                                        "２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＭＮＰＱＲＳＴＵＶＷＸＹＺ－")),
])
def test_codes_are_case_and_dash_insensitive(session, world, client_as, letters, transform):
    typed = transform(letters[world.free_household.id])
    assert redeem(client_as("unverified"), typed).status_code == 302
    assert memberships_of(session, world.users["unverified"])[0].status is MembershipStatus.VERIFIED


@pytest.mark.parametrize("raw, expected", [
    ("k7mq2xpd", "K7MQ-2XPD"), ("K7MQ-2XPD", "K7MQ-2XPD"), (" k7mq 2xpd ", "K7MQ-2XPD"),
    ("Ｋ７ＭＱ－２ＸＰＤ", "K7MQ-2XPD"), ("K7MQ", "K7MQ"), ("", ""),
])
def test_normalize_invitation_code(raw, expected):
    assert rules.normalize_invitation_code(raw) == expected


@pytest.mark.parametrize("typed", ["AAAA-AAAA", "K7MQ", "not a code at all"])
def test_a_wrong_code_gives_a_clear_error_and_keeps_the_input(session, world, client_as, letters, typed):
    client = english(client_as("unverified"))
    response = redeem(client, typed, relation="family")
    assert response.status_code == 200 and INVALID in text(response)
    form = page(response)
    assert "code-error" in form.ids
    kept = (form.values["code"], form.values["relation"], form.values["real_name"])
    assert kept == (typed, "family", "孙浩然")
    assert memberships_of(session, world.users["unverified"]) == []
    assert session.scalar(select(func.count(HouseholdInvitation.id)).where(
        HouseholdInvitation.redeemed_at.is_not(None))) == 0


def test_the_code_field_is_required(world, client_as):
    client = english(client_as("unverified"))
    response = redeem(client, "")
    assert "This field is required." in text(response) and "code-error" in page(response).ids


def test_a_member_already_verified_there_is_refused_and_the_code_stays_unused(session, world, client_as,
                                                                               letters):
    client = english(client_as("resident"))  # verified in 3栋2单元501
    response = redeem(client, letters[world.household.id], relation="family")
    assert "You already belong to this household" in text(response)
    invitation = session.scalar(select(HouseholdInvitation).where(
        HouseholdInvitation.household_id == world.household.id))
    assert invitation.is_open
    assert len(memberships_of(session, world.users["resident"])) == 1


def test_a_code_settles_a_request_that_is_still_waiting(session, world, client_as, letters):
    client = client_as("unverified")
    client.post("/households/join", data={"compound": world.compound.id, "building": "3栋", "unit": "2",
                                          "room": "502", "relation": "tenant", "real_name": "孙浩然"})
    assert redeem(client, letters[world.free_household.id], relation="owner").status_code == 302
    [membership] = memberships_of(session, world.users["unverified"])
    assert membership.status is MembershipStatus.VERIFIED and membership.relation is Relation.OWNER
    assert membership.method is VerificationMethod.INVITATION


def test_redeeming_needs_a_signed_in_user(client, letters):
    response = client.post("/households/redeem", data={"code": "AAAA-AAAA", "relation": "owner",
                                                       "real_name": "孙浩然"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_guessing_codes_is_rate_limited(world, client_as):
    client = client_as("unverified")
    statuses = [redeem(client, "AAAA-AAAA").status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_the_limit_is_per_user(world, client_as, letters):
    guesser = client_as("unverified")
    for _ in range(11):
        redeem(guesser, "AAAA-AAAA")
    assert redeem(client_as("owner"), letters[world.free_household.id]).status_code == 302
