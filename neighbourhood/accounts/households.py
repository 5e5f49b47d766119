"""Joining a household: requests the council or station decide, and printed one-time invitation codes."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from neighbourhood.accounts import roles, rules
from neighbourhood.accounts.services import Config
from neighbourhood.accounts.models import (
    HouseholdInvitation,
    HouseholdMembership,
    MembershipStatus,
    Relation,
    User,
    VerificationMethod,
)
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.places.importing import normalise_unit
from neighbourhood.places.models import Building, Compound, Household


def find_household(
    session: Session, *, compound: Compound, building_name: str, unit: str, room: str
) -> Household | None:
    """Finds the household as residents type it: 3, 3栋 and ３栋 are one building; 2 and 2单元 one unit; 501 and 501室 one room."""
    return session.scalar(
        select(Household)
        .join(Building, Household.building_id == Building.id)
        .where(
            Household.compound_id == compound.id,
            Building.name.in_(building_name_variants(building_name)),
            Household.unit == normalise_unit(_half_width(unit)),
            Household.room.in_(_room_variants(room)),
        )
    )


def building_name_variants(typed: str) -> set[str]:
    name = _half_width(typed)
    if name.isdigit():
        return {name, f"{name}栋", f"{name}号楼", f"{name}幢"}
    return {name}


def _half_width(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _room_variants(typed: str) -> set[str]:
    room = _half_width(typed).removesuffix("室").strip() or _half_width(typed)
    return {room, f"{room}室"}


def _set_real_name(user: User, real_name: str) -> None:
    if real_name.strip():
        user.real_name = real_name.strip()


def _open_membership(session: Session, user: User, household: Household) -> HouseholdMembership | None:
    return session.scalar(
        select(HouseholdMembership).where(
            HouseholdMembership.user_id == user.id,
            HouseholdMembership.household_id == household.id,
            HouseholdMembership.status.in_([MembershipStatus.PENDING, MembershipStatus.VERIFIED]),
        )
    )


def _add_membership(session: Session, membership: HouseholdMembership) -> None:
    session.add(membership)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise DomainError(_l("You already belong to this household or have asked to join it.")) from None


def request_membership(
    session: Session, *, user: User, household: Household, relation: Relation, real_name: str
) -> HouseholdMembership:
    if _open_membership(session, user, household) is not None:
        raise DomainError(_l("You already belong to this household or have asked to join it."))
    _set_real_name(user, real_name)
    membership = HouseholdMembership(
        user=user, household=household, compound_id=household.compound_id,
        relation=relation, method=VerificationMethod.REQUEST,
    )
    _add_membership(session, membership)
    audit.record(
        session, actor=user, action="membership.requested", subject=membership,
        compound_id=household.compound_id, data={"relation": relation.value},
    )
    return membership


def approve_membership(session: Session, *, membership: HouseholdMembership, by: User,
                       minor: bool = False) -> None:
    """Verify residence; `minor` keeps a resident under 18 off residents' and households' ballot rolls."""
    membership.verify(by=by, at=utcnow())
    membership.minor = minor
    audit.record(
        session, actor=by, action="membership.verified", subject=membership,
        compound_id=membership.compound_id,
        data={"user_id": membership.user_id, "relation": membership.relation.value, "minor": minor},
    )


def decline_membership(
    session: Session, *, membership: HouseholdMembership, by: User, reason: str
) -> None:
    if not reason.strip():
        raise DomainError(_l("Give the resident a reason."))
    membership.decline(by=by, at=utcnow(), reason=reason)
    audit.record(
        session, actor=by, action="membership.declined", subject=membership,
        compound_id=membership.compound_id,
        data={"user_id": membership.user_id, "reason": membership.decline_reason},
    )


def withdraw_membership(session: Session, *, membership: HouseholdMembership, by: User) -> None:
    membership.end(at=utcnow())
    audit.record(
        session, actor=by, action="membership.ended", subject=membership,
        compound_id=membership.compound_id, data={"user_id": membership.user_id},
    )
    roles.end_roles_of_former_resident(session, user=membership.user, compound=membership.compound, by=by)


def pending_memberships(session: Session, *, compound: Compound) -> list[HouseholdMembership]:
    return list(session.scalars(
        select(HouseholdMembership)
        .where(
            HouseholdMembership.compound_id == compound.id,
            HouseholdMembership.status == MembershipStatus.PENDING,
        )
        .options(
            joinedload(HouseholdMembership.user),
            joinedload(HouseholdMembership.household).joinedload(Household.building),
        )
        .order_by(HouseholdMembership.requested_at)
    ))


def verified_residents(session: Session, *, compound: Compound) -> list[HouseholdMembership]:
    return list(session.scalars(
        select(HouseholdMembership)
        .join(Household, HouseholdMembership.household_id == Household.id)
        .join(Building, Household.building_id == Building.id)
        .where(
            HouseholdMembership.compound_id == compound.id,
            HouseholdMembership.status == MembershipStatus.VERIFIED,
        )
        .options(
            joinedload(HouseholdMembership.user),
            joinedload(HouseholdMembership.household).joinedload(Household.building),
        )
        .order_by(Building.sort_key, Household.unit, Household.room, HouseholdMembership.id)
    ))


@dataclass(frozen=True)
class PrintedInvitation:
    household: Household
    code: str


def issue_invitations(
    session: Session, *, config: Config, compound: Compound, by: User,
    household_ids: list[int] | None = None,
) -> list[PrintedInvitation]:
    """New codes for the chosen households (all by default). Earlier unused codes stop working,
    so only the newest letter is valid. The plain codes exist only in this return value."""
    query = (
        select(Household)
        .join(Building, Household.building_id == Building.id)
        .where(Household.compound_id == compound.id)
        .options(joinedload(Household.building))
        .order_by(Building.sort_key, Household.unit, Household.room)
    )
    if household_ids is not None:
        query = query.where(Household.id.in_(household_ids))
    households = list(session.scalars(query))
    if not households:
        raise DomainError(_l("There are no households to print codes for."))
    now = utcnow()
    session.execute(
        update(HouseholdInvitation)
        .where(
            HouseholdInvitation.household_id.in_([h.id for h in households]),
            HouseholdInvitation.redeemed_at.is_(None),
            HouseholdInvitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    secret = config["SECRET_KEY"]
    printed = []
    for household in households:
        code = rules.new_invitation_code()
        session.add(HouseholdInvitation(
            household_id=household.id, compound_id=compound.id,
            code_hash=rules.keyed_hash(secret, code), created_by_id=by.id, created_at=now,
        ))
        printed.append(PrintedInvitation(household, code))
    session.flush()
    audit.record(
        session, actor=by, action="invitations.issued", subject=compound,
        community_id=compound.community_id, compound_id=compound.id,
        data={"households": len(households)},
    )
    return printed


def redeem_invitation(
    session: Session, *, config: Config, user: User, code: str, relation: Relation, real_name: str
) -> HouseholdMembership:
    code_hash = rules.keyed_hash(config["SECRET_KEY"], rules.normalize_invitation_code(code))
    invitation = session.scalar(
        select(HouseholdInvitation).where(HouseholdInvitation.code_hash == code_hash)
    )
    if invitation is None or not invitation.is_open:
        raise DomainError(_l(
            "This code is not valid or has been used. Check the letter, or ask the station for a new one."
        ))
    household = invitation.household
    existing = _open_membership(session, user, household)
    if existing is not None and existing.status is MembershipStatus.VERIFIED:
        raise DomainError(_l("You already belong to this household or have asked to join it."))
    now = utcnow()
    claimed = session.execute(
        update(HouseholdInvitation)
        .where(HouseholdInvitation.id == invitation.id, HouseholdInvitation.redeemed_at.is_(None))
        .values(redeemed_at=now, redeemed_by_id=user.id)
    )
    if claimed.rowcount != 1:
        raise DomainError(_l(
            "This code is not valid or has been used. Check the letter, or ask the station for a new one."
        ))
    _set_real_name(user, real_name)
    if existing is not None:
        # The letter arrived while the request waited: the code settles the request.
        membership = existing
        membership.relation = relation
        membership.method = VerificationMethod.INVITATION
        membership.verify(by=None, at=now)
    else:
        membership = HouseholdMembership(
            user=user, household=household, compound_id=household.compound_id, relation=relation,
            method=VerificationMethod.INVITATION, status=MembershipStatus.VERIFIED, decided_at=now,
        )
        _add_membership(session, membership)
    audit.record(
        session, actor=user, action="membership.verified_by_code", subject=membership,
        compound_id=household.compound_id, data={"relation": relation.value},
    )
    return membership


def count_pending(session: Session, *, compound_ids: list[int]) -> dict[int, int]:
    if not compound_ids:
        return {}
    rows = session.execute(
        select(HouseholdMembership.compound_id, func.count())
        .where(
            HouseholdMembership.compound_id.in_(compound_ids),
            HouseholdMembership.status == MembershipStatus.PENDING,
        )
        .group_by(HouseholdMembership.compound_id)
    )
    return dict(rows.all())


def households_without_verified_member(session: Session, *, compound: Compound) -> list[int]:
    verified = select(HouseholdMembership.household_id).where(
        HouseholdMembership.compound_id == compound.id,
        HouseholdMembership.status == MembershipStatus.VERIFIED,
    )
    return list(session.scalars(
        select(Household.id).where(Household.compound_id == compound.id, Household.id.not_in(verified))
    ))


def verified_people(session: Session, compound_id: int) -> list[User]:
    """Everyone verified in the compound, once each (someone verified in two of its households counts once): the
    recipients of notices to the whole compound."""
    return list(session.scalars(
        select(User).join(HouseholdMembership, HouseholdMembership.user_id == User.id)
        .where(HouseholdMembership.compound_id == compound_id,
               HouseholdMembership.status == MembershipStatus.VERIFIED).distinct()))
