"""Community social enterprises (社区社会企业) and other providers, their service listings and slots, residents'
bookings and reviews, and the station's directory of public services: together the 15-minute life-service circle.

Every row carries its community id (enterprises also their compound); prices are Numeric(10, 2) in yuan or time
coins; coordinates are WGS-84 degrees, Numeric(9, 6) (about 0.1 m)."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.accounts.models import User
from neighbourhood.db import Places, enum_type, utcnow
from neighbourhood.extensions import db
from neighbourhood.moderation.content import Hideable
from neighbourhood.places.models import Community, Compound

DEGREES = Numeric(9, 6)
MONEY = Numeric(10, 2)


class EnterpriseStatus(enum.StrEnum):
    PENDING = "pending"          # registered by its operator, waiting for the station
    CERTIFIED = "certified"      # a community social enterprise, certified by the station
    LISTED = "listed"            # an ordinary provider the station lists
    SUSPENDED = "suspended"      # taken off the circle by the station, with a reason


class Enterprise(db.Model):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    # The compound it is based in (its operators hold their role there); it serves the whole community.
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    contact_person: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[Decimal | None] = mapped_column(DEGREES)
    longitude: Mapped[Decimal | None] = mapped_column(DEGREES)
    status: Mapped[EnterpriseStatus] = mapped_column(enum_type(EnterpriseStatus), default=EnterpriseStatus.PENDING,
                                                     index=True)
    # Certification (社区社会企业): the certificate, the residents' committee that owns or controls it, and the share
    # of its income it commits to return to the community.
    certificate_number: Mapped[str] = mapped_column(String(60), default="")
    owning_committee: Mapped[str] = mapped_column(String(120), default="")
    committed_return_percent: Mapped[int | None] = mapped_column()
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    community: Mapped[Community] = relationship()
    compound: Mapped[Compound] = relationship()

    __table_args__ = (
        CheckConstraint("committed_return_percent IS NULL OR committed_return_percent BETWEEN 0 AND 100",
                        name="return_percent_range"),
    )

    @property
    def on_circle(self) -> bool:
        """Residents find it in the 15-minute circle only once the station has certified or listed it."""
        return self.status in (EnterpriseStatus.CERTIFIED, EnterpriseStatus.LISTED)


class EnterpriseOperator(db.Model):
    """Who runs an enterprise on the platform: keeps its profile and listings and answers its bookings."""

    __tablename__ = "enterprise_operators"
    __table_args__ = (UniqueConstraint("enterprise_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    user: Mapped[User] = relationship()


# Which enterprises a user runs, read by the permission predicates (one query, when first asked in a request). Set
# here rather than on User so accounts does not depend on this domain.
User.enterprise_links = relationship(EnterpriseOperator, viewonly=True)


class IncomeReport(db.Model):
    """The yearly report of income and of the part returned to the community, shown on the profile."""

    __tablename__ = "enterprise_income_reports"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),
                      CheckConstraint("income >= 0 AND returned >= 0 AND returned <= income", name="amounts"))

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    year: Mapped[int] = mapped_column()
    income: Mapped[Decimal] = mapped_column(MONEY)
    returned: Mapped[Decimal] = mapped_column(MONEY)
    how_returned: Mapped[str] = mapped_column(String(500), default="")
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServiceCategory(enum.StrEnum):
    ELDERLY_CARE = "elderly_care"
    MEALS = "meals"
    CHILDCARE = "childcare"
    REPAIRS = "repairs"
    HOUSEKEEPING = "housekeeping"
    HEALTH = "health"
    EDUCATION = "education"
    CULTURE = "culture"
    OTHER = "other"


class PriceKind(enum.StrEnum):
    YUAN = "yuan"
    FREE = "free"
    TIME_COINS = "time_coins"


class ServiceListing(db.Model):
    __tablename__ = "service_listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[ServiceCategory] = mapped_column(enum_type(ServiceCategory), index=True)
    price_kind: Mapped[PriceKind] = mapped_column(enum_type(PriceKind))
    # Yuan or time coins per unit; None when free.
    price: Mapped[Decimal | None] = mapped_column(MONEY)
    price_unit: Mapped[str] = mapped_column(String(20), default="")      # 每餐, 每小时, 每次
    schedule: Mapped[str] = mapped_column(String(200), default="")       # 周一至周五 11:00–12:30
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    slots: Mapped[list[ServiceSlot]] = relationship(back_populates="listing",
                                                   order_by="ServiceSlot.starts_at, ServiceSlot.id")

    __table_args__ = (
        CheckConstraint("(price_kind = 'free' AND price IS NULL) OR (price_kind <> 'free' AND price > 0)",
                        name="price_fits_kind"),
    )


class ServiceSlot(Places, db.Model):
    """A time a service can be booked for, with its capacity; `taken` counts requested and accepted bookings."""

    __tablename__ = "service_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("service_listings.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    # Withdrawn by the enterprise: no longer offered, but kept for the bookings that name it in their history.
    withdrawn_at: Mapped[datetime | None]

    listing: Mapped[ServiceListing] = relationship(back_populates="slots")


class BookingStatus(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Booking(db.Model):
    """A resident's request for a slot, or an inquiry without one; the enterprise accepts, declines with a reason
    or completes it; either side cancels within the rules."""

    __tablename__ = "service_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("service_listings.id"), index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("service_slots.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    # The resident's compound, for moderation and the station's figures.
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[BookingStatus] = mapped_column(enum_type(BookingStatus), index=True)
    message: Mapped[str] = mapped_column(String(500), default="")
    # What was agreed, frozen at request: a later price change does not reach this booking.
    price_kind: Mapped[PriceKind] = mapped_column(enum_type(PriceKind))
    price: Mapped[Decimal | None] = mapped_column(MONEY)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")    # why declined or cancelled

    listing: Mapped[ServiceListing] = relationship()
    slot: Mapped[ServiceSlot | None] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (Index("ix_service_bookings_enterprise_status", "enterprise_id", "status"),)


class Review(Hideable, db.Model):
    """A resident's rating of a completed booking (1–5 and text), once; the enterprise replies once. Moderated as
    other content (kind "review")."""

    __tablename__ = "service_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("service_bookings.id"), unique=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("service_listings.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rating: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None]
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)


class PublicService(db.Model):
    """The station's directory of the community's public services (as 天府市民云 gathers the city's): an online
    service with its link, or an office with its address and hours."""

    __tablename__ = "public_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    department: Mapped[str] = mapped_column(String(80))
    purpose: Mapped[str] = mapped_column(String(500), default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    office_address: Mapped[str] = mapped_column(String(200), default="")
    office_hours: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    latitude: Mapped[Decimal | None] = mapped_column(DEGREES)
    longitude: Mapped[Decimal | None] = mapped_column(DEGREES)
    category: Mapped[ServiceCategory] = mapped_column(enum_type(ServiceCategory), default=ServiceCategory.OTHER)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def _register_content_kinds() -> None:
    from neighbourhood.moderation import content
    from neighbourhood.proposals.models import _may_see_hidden

    content.register(
        "review", Review, url=lambda r: f"/enterprises/{r.enterprise_id}#review-{r.id}",
        can_see_hidden=lambda user, r: _may_see_hidden(user, compound_id=r.compound_id, author_id=r.author_id),
    )


_register_content_kinds()
