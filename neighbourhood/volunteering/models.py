"""Volunteering: profiles, activities with shifts and sign-ups, the five kinds of volunteer record of
志愿服务记录与证明出具办法 (basic information on the profile, service on the sign-up, training, awards, and the
organiser's evaluation on the sign-up), certificates, and the time bank (1 confirmed hour = 1 time coin).

Every row carries its compound (and community) id. Hours and coins are Numeric(6, 2): exact to the hundredth."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.accounts.models import User
from neighbourhood.db import Places, enum_type, utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Community, Compound

HOURS = Numeric(6, 2)
COINS = Numeric(8, 2)


class VolunteerProfile(db.Model):
    """Basic information (基本信息): the volunteer number the platform gives, skills and available times; the
    emergency contact is private to the volunteer and the organisers of activities they signed up for."""

    __tablename__ = "volunteer_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    skills: Mapped[str] = mapped_column(String(200), default="")
    available_times: Mapped[str] = mapped_column(String(200), default="")
    emergency_contact: Mapped[str] = mapped_column(String(40), default="")
    emergency_phone: Mapped[str] = mapped_column(String(20), default="")
    # Recognition is opt-in: only these volunteers appear on the monthly good-neighbour list.
    on_honour_list: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class ActivityCategory(enum.StrEnum):
    ENVIRONMENT = "environment"    # 环境整治
    ELDERLY = "elderly"            # 助老
    CHILDREN = "children"          # 关爱儿童
    SAFETY = "safety"              # 平安巡逻
    CULTURE = "culture"            # 文化活动
    HEALTH = "health"              # 健康义诊
    PUBLIC_SERVICE = "public_service"  # 便民服务
    OTHER = "other"


class OrganiserKind(enum.StrEnum):
    COUNCIL = "council"
    STATION = "station"
    ENTERPRISE = "enterprise"
    PROJECT = "project"


class ActivityStatus(enum.StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Activity(db.Model):
    __tablename__ = "volunteer_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(120))
    category: Mapped[ActivityCategory] = mapped_column(enum_type(ActivityCategory))
    organiser_kind: Mapped[OrganiserKind] = mapped_column(enum_type(OrganiserKind))
    # The organising body as records and certificates name it (e.g. 玉林院落议事会).
    organiser_name: Mapped[str] = mapped_column(String(120))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    # A social enterprise's public-benefit activity (公益活动), shown on its dashboard.
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    requirements: Mapped[str] = mapped_column(String(500), default="")
    # Risky work (heights, water, traffic) needs accident insurance for every volunteer (志愿服务条例 Art. 20).
    risk_note: Mapped[str] = mapped_column(String(500), default="")
    insurance_required: Mapped[bool] = mapped_column(default=False)
    # Volunteers may cancel until this many hours before their shift starts; later, they call the organiser.
    cancel_cutoff_hours: Mapped[int] = mapped_column(default=12)
    status: Mapped[ActivityStatus] = mapped_column(enum_type(ActivityStatus), default=ActivityStatus.PUBLISHED)
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    compound: Mapped[Compound] = relationship()
    community: Mapped[Community] = relationship()
    created_by: Mapped[User] = relationship()
    shifts: Mapped[list[Shift]] = relationship(back_populates="activity", order_by="Shift.starts_at, Shift.id")

    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)


class Shift(Places, db.Model):
    """A slice of an activity with its own capacity; `taken` counts confirmed sign-ups."""

    __tablename__ = "volunteer_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("volunteer_activities.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    label: Mapped[str] = mapped_column(String(60), default="")
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()

    activity: Mapped[Activity] = relationship(back_populates="shifts")


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Evaluation(enum.StrEnum):
    """The organiser's evaluation after the activity (评价), one of four grades."""
    EXCELLENT = "excellent"
    GOOD = "good"
    SATISFACTORY = "satisfactory"
    POOR = "poor"


class Signup(db.Model):
    """One volunteer on one shift, and the service record (服务信息) it becomes: check-in and check-out, the hours
    computed from them, an adjustment with its reason, the organiser's confirmation and evaluation."""

    __tablename__ = "volunteer_signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("volunteer_shifts.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("volunteer_activities.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[SignupStatus] = mapped_column(enum_type(SignupStatus))
    signed_up_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    checked_out_at: Mapped[datetime | None]
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # From the check-in and check-out times (rules.hours_between) until an organiser adjusts them.
    hours: Mapped[Decimal | None] = mapped_column(HOURS)
    adjusted_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    adjustment_reason: Mapped[str] = mapped_column(String(500), default="")
    adjusted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Coins credited for this service so far: an adjustment after confirmation credits or takes back the difference.
    coins_credited: Mapped[Decimal] = mapped_column(COINS, default=Decimal("0"), server_default="0")
    evaluation: Mapped[Evaluation | None] = mapped_column(enum_type(Evaluation))
    evaluation_note: Mapped[str] = mapped_column(String(500), default="")

    shift: Mapped[Shift] = relationship()
    activity: Mapped[Activity] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("shift_id", "user_id"),)

    @property
    def credited_hours(self) -> Decimal | None:
        """What counts: the adjusted hours when an organiser adjusted them, else the computed ones."""
        return self.adjusted_hours if self.adjusted_hours is not None else self.hours


class Training(db.Model):
    """培训信息: a training a volunteer attended, recorded by an organiser."""

    __tablename__ = "volunteer_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    organiser_name: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(HOURS)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Award(db.Model):
    """表彰奖励信息: an award or commendation, with who gave it."""

    __tablename__ = "volunteer_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(120))
    awarded_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CertificateStatus(enum.StrEnum):
    REQUESTED = "requested"
    ISSUED = "issued"
    DECLINED = "declined"
    REVOKED = "revoked"


class Certificate(db.Model):
    """志愿服务证明: requested by the volunteer, issued by the council or the station for the residents' committee
    with the fields 志愿服务记录与证明出具办法 requires. What it certifies is frozen at issue."""

    __tablename__ = "volunteer_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    status: Mapped[CertificateStatus] = mapped_column(enum_type(CertificateStatus))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    purpose: Mapped[str] = mapped_column(String(200), default="")
    # Filled at issue; the number is random so certificates cannot be guessed one after another.
    number: Mapped[str | None] = mapped_column(String(24), unique=True)
    issued_at: Mapped[datetime | None]
    holder_name: Mapped[str] = mapped_column(String(40), default="")
    identity_reference: Mapped[str] = mapped_column(String(60), default="")
    volunteer_number: Mapped[str] = mapped_column(String(24), default="")
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[Decimal | None] = mapped_column(HOURS)
    service_content: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(String(120), default="")
    person_in_charge: Mapped[str] = mapped_column(String(40), default="")
    handler_name: Mapped[str] = mapped_column(String(40), default="")
    contact: Mapped[str] = mapped_column(String(60), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    compound: Mapped[Compound] = relationship()

    # One open request per volunteer and compound, also when two taps arrive at the same moment.
    __table_args__ = (Index("uq_volunteer_certificates_open_request", "user_id", "compound_id", unique=True,
                            sqlite_where=db.text("status = 'requested'"),
                            postgresql_where=db.text("status = 'requested'")),)


class CoinAccount(db.Model):
    """A person's time-coin balance. It moves only by conditional UPDATEs (balance >= amount) beside a CoinEntry,
    and a CHECK keeps it from going negative, so parallel spends never overdraw it."""

    __tablename__ = "time_coin_accounts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(COINS, default=Decimal("0"), server_default="0")

    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)


class CoinMovement(enum.StrEnum):
    EARNED = "earned"              # confirmed volunteer hours
    CORRECTED = "corrected"        # an adjustment after confirmation (either sign)
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    SPENT = "spent"
    RECEIVED = "received"          # paid for a service one offered
    REFUNDED = "refunded"          # a booking paid in coins was declined or cancelled


class CoinEntry(db.Model):
    """One movement on one account; the sum of a person's entries is their balance."""

    __tablename__ = "time_coin_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    movement: Mapped[CoinMovement] = mapped_column(enum_type(CoinMovement))
    amount: Mapped[Decimal] = mapped_column(COINS)     # signed: + credits, - debits
    counterparty_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_signups.id"))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("time_bank_offers.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    counterparty: Mapped[User | None] = relationship(foreign_keys=[counterparty_id])

    __table_args__ = (Index("ix_time_coin_entries_user_occurred", "user_id", "occurred_at"),)


class TimeBankOffer(db.Model):
    """A service a neighbour offers for time coins (an hour of tutoring, a lift to hospital, mending)."""

    __tablename__ = "time_bank_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    offered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(1000), default="")
    price: Mapped[Decimal] = mapped_column(COINS)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    offered_by: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("price > 0", name="price_positive"),)
