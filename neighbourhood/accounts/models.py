"""People and how they belong to places: household memberships and roles with terms."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Date, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.db import enum_type, utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Community, Compound, Household


class IllegalTransition(Exception):
    """A state change that the object's current state does not allow."""


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null once the account is deleted: the number may register again.
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    real_name: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    memberships: Mapped[list[HouseholdMembership]] = relationship(
        back_populates="user",
        foreign_keys="HouseholdMembership.user_id",
        order_by="HouseholdMembership.id",
    )
    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user",
        foreign_keys="RoleAssignment.user_id",
        order_by="RoleAssignment.id",
    )

    # Set when the user is loaded for a request: Flask-Login stores the session token, not the user id.
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    # UserMixin compares users by get_id(), which is the session token here: every user loaded outside a
    # request would equal every other. A user is one row, and the session keeps one object per row.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def verified_memberships(self) -> list[HouseholdMembership]:
        return [m for m in self.memberships if m.status is MembershipStatus.VERIFIED]


class UserSession(db.Model):
    """One signed-in device. The cookie holds the token; we keep its hash so sign-out really ends it."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class SmsPurpose(enum.StrEnum):
    REGISTER = "register"
    SIGN_IN = "sign_in"
    RESET_PASSWORD = "reset_password"


class SmsCode(db.Model):
    __tablename__ = "sms_codes"
    __table_args__ = (Index("ix_sms_codes_phone_purpose", "phone", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[SmsPurpose] = mapped_column(enum_type(SmsPurpose))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]


class Relation(enum.StrEnum):
    OWNER = "owner"
    TENANT = "tenant"
    FAMILY = "family"


class MembershipStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    DECLINED = "declined"
    ENDED = "ended"


class VerificationMethod(enum.StrEnum):
    REQUEST = "request"
    INVITATION = "invitation"


ACTIVE_MEMBERSHIP_STATUSES = (MembershipStatus.PENDING.value, MembershipStatus.VERIFIED.value)


class HouseholdMembership(db.Model):
    __tablename__ = "household_memberships"
    __table_args__ = (
        # One open request or verified membership per person and household, even under double submits.
        Index(
            "uq_household_memberships_active",
            "user_id",
            "household_id",
            unique=True,
            sqlite_where=db.text("status IN ('pending', 'verified')"),
            postgresql_where=db.text("status IN ('pending', 'verified')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    relation: Mapped[Relation] = mapped_column(enum_type(Relation))
    status: Mapped[MembershipStatus] = mapped_column(
        enum_type(MembershipStatus), default=MembershipStatus.PENDING, index=True
    )
    method: Mapped[VerificationMethod] = mapped_column(enum_type(VerificationMethod))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # Set by whoever verifies: residents under 18 take part but are not on residents' or households' rolls.
    minor: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    household: Mapped[Household] = relationship()
    compound: Mapped[Compound] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def verify(self, *, by: User | None, at: datetime) -> None:
        if self.status is not MembershipStatus.PENDING:
            raise IllegalTransition(f"cannot verify a {self.status} membership")
        self.status = MembershipStatus.VERIFIED
        self.decided_by = by
        self.decided_at = at

    def decline(self, *, by: User, at: datetime, reason: str) -> None:
        if self.status is not MembershipStatus.PENDING:
            raise IllegalTransition(f"cannot decline a {self.status} membership")
        if not reason.strip():
            raise IllegalTransition("a decline needs a reason")
        self.status = MembershipStatus.DECLINED
        self.decided_by = by
        self.decided_at = at
        self.decline_reason = reason.strip()

    def end(self, *, at: datetime) -> None:
        if self.status not in (MembershipStatus.PENDING, MembershipStatus.VERIFIED):
            raise IllegalTransition(f"cannot end a {self.status} membership")
        self.status = MembershipStatus.ENDED
        self.decided_at = at


class HouseholdInvitation(db.Model):
    """A one-time code printed on a letter to the household; redeeming it verifies residence."""

    __tablename__ = "household_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    redeemed_at: Mapped[datetime | None]
    redeemed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]

    household: Mapped[Household] = relationship()

    @property
    def is_open(self) -> bool:
        return self.redeemed_at is None and self.revoked_at is None


class Role(enum.StrEnum):
    COUNCIL_MEMBER = "council_member"
    COUNCIL_CONVENER = "council_convener"
    SUPERVISOR = "supervisor"
    ENTERPRISE_OPERATOR = "enterprise_operator"
    STATION_STAFF = "station_staff"
    ADMIN = "admin"


COMPOUND_ROLES = (
    Role.COUNCIL_MEMBER,
    Role.COUNCIL_CONVENER,
    Role.SUPERVISOR,
    Role.ENTERPRISE_OPERATOR,
)
COUNCIL_ROLES = frozenset({Role.COUNCIL_MEMBER, Role.COUNCIL_CONVENER})


class RoleAssignment(db.Model):
    """A role held in a place for a term. Compound roles name the compound; station staff the community;
    admin neither."""

    __tablename__ = "role_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id"), index=True)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(back_populates="role_assignments", foreign_keys=[user_id])
    # Loaded with the role: every permission check that reads a role reads its place too.
    community: Mapped[Community | None] = relationship(lazy="joined")
    compound: Mapped[Compound | None] = relationship(lazy="joined")

    def is_active(self, today: date) -> bool:
        if self.ended_at is not None:
            return False
        return self.term_start <= today and (self.term_end is None or today <= self.term_end)

    def end_early(self, *, at: datetime, reason: str) -> None:
        if self.ended_at is not None:
            raise IllegalTransition("this role has already ended")
        self.ended_at = at
        self.end_reason = reason.strip()
