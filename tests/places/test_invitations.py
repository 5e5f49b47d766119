"""Printing invitation letters: one code per household, shown once, and the newest letter is the only valid one."""
import re

import pytest
from sqlalchemy import select

from neighbourhood.accounts import households as memberships
from neighbourhood.accounts.models import HouseholdInvitation, HouseholdMembership, MembershipStatus, Relation
from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError
from tests import factories
from tests.places.helpers import count

CODE = re.compile(r'<p class="code">([^<]+)</p>')


def print_letters(client, compound, scope):
    response = client.post(f"/station/compounds/{compound.id}/invitations", data={"scope": scope})
    assert response.status_code == 200
    return response


def letters(response) -> dict[str, str]:
    """Household label → code, as printed; fails if a household gets two letters."""
    body = response.get_data(as_text=True)
    found = re.findall(r'<article class="letter">\s*<h2>[^<]*? (\S+)</h2>.*?<p class="code">([^<]+)</p>',
                       body, re.S)
    labels = [label for label, _ in found]
    assert len(labels) == len(set(labels)), "a household got two letters"
    return dict(found)


def redeem(session, app, user, code):
    membership = memberships.redeem_invitation(session, config=app.config, user=user, code=code,
                                               relation=Relation.TENANT, real_name="")
    session.commit()
    return membership


def test_the_page_offers_both_scopes(station, world):
    body = station.get(f"/station/compounds/{world.compound.id}/invitations").get_data(as_text=True)
    assert 'value="unverified"' in body and 'value="all"' in body


def test_unverified_skips_households_with_a_verified_member(session, app, world, station):
    # 3栋2单元501 has verified members; 502 has none. A pending request does not count as verified.
    pending_user = factories.user(session, app.config)
    factories.membership(session, pending_user, world.free_household, status=MembershipStatus.PENDING)
    session.commit()
    response = print_letters(station, world.compound, "unverified")
    assert response.headers["Cache-Control"] == "no-store"
    printed = letters(response)
    assert list(printed) == ["3栋2单元502"]
    assert "3栋2单元501" not in response.get_data(as_text=True)
    assert count(session, HouseholdInvitation) == 1


def test_all_prints_one_code_per_household_of_this_compound_only(session, world, station):
    factories.household(session, world.building, "1", "101")
    session.commit()
    response = print_letters(station, world.compound, "all")
    body = response.get_data(as_text=True)
    printed = letters(response)
    assert list(printed) == ["3栋1单元101", "3栋2单元501", "3栋2单元502"]  # in address order
    codes = list(printed.values())
    assert len(set(codes)) == 3
    assert CODE.findall(body) == codes  # nothing but the letters carries a code
    for code in codes:
        assert body.count(code) == 1 and re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    assert "1栋1单元101" not in body  # the other compound's household
    # Only keyed hashes are stored.
    stored = set(session.scalars(select(HouseholdInvitation.code_hash)))
    assert len(stored) == 3 and not stored & set(codes)
    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert (entry.action, entry.compound_id, entry.data) == ("invitations.issued", world.compound.id,
                                                            {"households": 3})


def test_a_printed_code_verifies_the_household_once(session, app, world, station):
    code = letters(print_letters(station, world.compound, "unverified"))["3栋2单元502"]
    newcomer = world.users["unverified"]
    membership = redeem(session, app, newcomer, code.lower().replace("-", " "))
    assert membership.household_id == world.free_household.id and membership.status is MembershipStatus.VERIFIED
    with pytest.raises(DomainError):
        redeem(session, app, factories.user(session, app.config), code)
    # Now 502 has a verified member too, so there is nobody left to print for.
    station.set_cookie("lang", "en")
    body = print_letters(station, world.compound, "unverified").get_data(as_text=True)
    assert "There are no households to print codes for." in body and 'class="letter"' not in body


def test_reprinting_makes_the_previous_codes_invalid(session, app, world, station):
    first = letters(print_letters(station, world.compound, "all"))
    second = letters(print_letters(station, world.compound, "all"))
    assert set(first) == set(second) and not set(first.values()) & set(second.values())
    newcomer = world.users["unverified"]
    for old_code in first.values():
        with pytest.raises(DomainError):
            redeem(session, app, newcomer, old_code)
    assert redeem(session, app, newcomer, second["3栋2单元502"]).household_id == world.free_household.id


def test_an_old_code_is_refused_on_the_redeem_page(session, world, station, client_as):
    old = letters(print_letters(station, world.compound, "unverified"))["3栋2单元502"]
    new = letters(print_letters(station, world.compound, "unverified"))["3栋2单元502"]
    resident = client_as("unverified")
    form = {"code": old, "relation": "tenant", "real_name": "孙浩然"}
    response = resident.post("/households/redeem", data=form)
    assert response.status_code == 200  # the form again, with the reason
    assert count(session, HouseholdMembership, HouseholdMembership.user_id == world.users["unverified"].id) == 0
    response = resident.post("/households/redeem", data={**form, "code": new})
    assert response.status_code == 302
    membership = session.scalar(select(HouseholdMembership).where(
        HouseholdMembership.user_id == world.users["unverified"].id))
    assert membership.household_id == world.free_household.id and membership.status is MembershipStatus.VERIFIED


def test_reprinting_for_unverified_households_leaves_other_letters_alone(session, app, world, station):
    factories.household(session, world.building, "1", "101")
    session.commit()
    first = letters(print_letters(station, world.compound, "all"))
    # 1单元101 becomes verified by its letter; then the station reprints for the rest.
    redeem(session, app, world.users["unverified"], first["3栋1单元101"])
    second = letters(print_letters(station, world.compound, "unverified"))
    assert list(second) == ["3栋2单元502"]
    with pytest.raises(DomainError):
        redeem(session, app, factories.user(session, app.config), first["3栋2单元502"])
    # 501 was not reprinted (it has verified members), so its letter still works.
    assert redeem(session, app, factories.user(session, app.config),
                  first["3栋2单元501"]).household_id == world.household.id


def test_a_compound_with_no_households_prints_nothing(session, world, station):
    empty = factories.compound(session, world.community, name="空院落")
    session.commit()
    station.set_cookie("lang", "en")
    for scope in ("unverified", "all"):
        body = print_letters(station, empty, scope).get_data(as_text=True)
        assert "There are no households to print codes for." in body
    assert count(session, HouseholdInvitation) == 0
