"""Reviews: only the resident of a completed booking rates it (1–5 and text), once; the enterprise replies once.
Reviews are moderated as other content (kind "review"): hidden ones leave the averages and the public lists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from neighbourhood.accounts.models import User
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.enterprises.models import Booking, BookingStatus, Review
from neighbourhood.notifications.services import notify

BODY_MAX = 1000
REPLY_MAX = 1000
RATINGS = range(1, 6)


@dataclass(frozen=True)
class Rating:
    average: Decimal      # to one decimal
    count: int


def review(session: Session, *, booking: Booking, by: User, rating: int, body: str = "",
           now: datetime | None = None) -> Review:
    if booking.user_id != by.id:
        raise DomainError(_l("Only the resident who booked it rates a service."))
    if booking.status is not BookingStatus.COMPLETED:
        raise DomainError(_l("A service is rated once it is completed."))
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        raise DomainError(_l("Choose a rating from 1 to 5."))
    body = (body or "").strip()
    if len(body) > BODY_MAX:
        raise DomainError(_l("Keep the review to %(max)s characters or fewer.", max=BODY_MAX))
    made = Review(booking_id=booking.id, listing_id=booking.listing_id, enterprise_id=booking.enterprise_id,
                  community_id=booking.community_id, compound_id=booking.compound_id, author_id=by.id,
                  rating=rating, body=body, created_at=now or utcnow())
    try:
        # Once per booking, also when two tabs send at the same moment: the unique key decides.
        with session.begin_nested():
            session.add(made)
            session.flush()
    except IntegrityError:
        raise DomainError(_l("You have rated this booking already.")) from None
    audit.record(session, actor=by, action="review.posted", subject=made, compound_id=made.compound_id,
                 community_id=made.community_id, data={"booking": booking.id, "rating": rating})
    return made


def reply(session: Session, *, review_obj: Review, by: User, text: str, now: datetime | None = None) -> Review:
    """The enterprise answers a review, once (a second tab finds it answered)."""
    text = (text or "").strip()
    if not text or len(text) > REPLY_MAX:
        raise DomainError(_l("Write a reply of up to %(max)s characters.", max=REPLY_MAX))
    if review_obj.replied_at is not None:
        raise DomainError(_l("This review has a reply already."))
    review_obj.reply, review_obj.replied_at, review_obj.replied_by_id = text, now or utcnow(), by.id
    audit.record(session, actor=by, action="review.replied", subject=review_obj, compound_id=review_obj.compound_id,
                 community_id=review_obj.community_id, data={"enterprise": review_obj.enterprise_id})
    booking = session.get(Booking, review_obj.booking_id)
    notify(session, recipients=[review_obj.author], kind="review.replied",
           url=f"/enterprises/{review_obj.enterprise_id}#review-{review_obj.id}",
           params={"enterprise": booking.enterprise.name, "title": booking.listing.title},
           compound_id=review_obj.compound_id, actor=by)
    return review_obj


def _ratings(session: Session, column, ids: Iterable[int]) -> dict[int, Rating]:
    ids = list(ids)
    if not ids:
        return {}
    rows = session.execute(select(column, func.avg(Review.rating), func.count(Review.id))
                           .where(column.in_(ids), Review.hidden_at.is_(None)).group_by(column))
    return {key: Rating(Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), count)
            for key, average, count in rows}


def ratings_of_listings(session: Session, listing_ids: Iterable[int]) -> dict[int, Rating]:
    """Average and count of visible reviews per listing, in one query; listings without reviews are absent."""
    return _ratings(session, Review.listing_id, listing_ids)


def ratings_of_enterprises(session: Session, enterprise_ids: Iterable[int]) -> dict[int, Rating]:
    return _ratings(session, Review.enterprise_id, enterprise_ids)
