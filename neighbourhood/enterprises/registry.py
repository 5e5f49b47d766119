"""Enterprises on the platform: an operator (or the station for them) registers one, the station decides what it is
(a certified community social enterprise, an ordinary listed provider, or suspended), its operators keep the profile
and photos and report each year how much income went back to the community; and the profile page's data, gathered
in a fixed number of queries.

Certification is the station's word on three facts the public relies on: the certificate number, the residents'
committee that owns or controls the enterprise, and the share of income it commits to return. Every decision is
audited and its operators are told."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from neighbourhood.accounts.models import Role, User
from neighbourhood.accounts.permissions import _holds, is_station_staff
from neighbourhood.accounts.rules import normalize_phone
from neighbourhood.accounts.services import public_name_loads
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.enterprises import rules
from neighbourhood.enterprises.models import (
    Enterprise, EnterpriseOperator, EnterpriseStatus, IncomeReport, Review, ServiceListing,
)
from neighbourhood.enterprises.reviews import Rating
from neighbourhood.media import services as media
from neighbourhood.media.models import Photo
from neighbourhood.notifications.services import notify
from neighbourhood.projects.rules import fen
from neighbourhood.voting.manage_forms import to_local

PHOTO_SUBJECT = "enterprise"
PHOTOS_MAX = 6
REVIEWS_SHOWN = 20
FIRST_YEAR = 2000
# The longest each profile field may be (the model's columns; the description is free text kept readable).
FIELD_MAX = {"name": 80, "description": 4000, "contact_person": 40, "contact_phone": 20, "opening_hours": 200,
             "address": 200}
PROFILE_FIELDS = (*FIELD_MAX, "latitude", "longitude")
NOTE_MAX = 500
CERTIFICATE_MAX = 60
COMMITTEE_MAX = 120
HOW_RETURNED_MAX = 500
DEGREE = Decimal("0.000001")

# Which decisions the station may take from each status.
CERTIFY_FROM = {EnterpriseStatus.PENDING, EnterpriseStatus.LISTED, EnterpriseStatus.SUSPENDED}
LIST_FROM = {EnterpriseStatus.PENDING, EnterpriseStatus.CERTIFIED, EnterpriseStatus.SUSPENDED}
SUSPEND_FROM = {EnterpriseStatus.PENDING, EnterpriseStatus.CERTIFIED, EnterpriseStatus.LISTED}


# --- registering and keeping the profile ---------------------------------------------------------------------------

def _coordinates(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """Both or neither, on the globe, to the micro-degree the column keeps."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise DomainError(_l("Give both the latitude and the longitude, or neither."))
    if isinstance(latitude, bool) or isinstance(longitude, bool) or not rules.valid_coordinates(latitude, longitude):
        raise DomainError(_l("The latitude must lie between -90 and 90 and the longitude between -180 and 180."))
    try:
        return (Decimal(str(latitude)).quantize(DEGREE, ROUND_HALF_UP),
                Decimal(str(longitude)).quantize(DEGREE, ROUND_HALF_UP))
    except InvalidOperation:
        raise DomainError(_l("The latitude must lie between -90 and 90 and the longitude between -180 and 180.")) \
            from None


def _clean_profile(fields: dict) -> dict:
    """The profile fields trimmed and checked; a name is required."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    cleaned = {}
    for key, limit in FIELD_MAX.items():
        if key not in fields:
            continue
        value = (fields[key] or "").strip()
        if len(value) > limit:
            raise DomainError(_l("Keep each field within its length: %(max)s characters at most.", max=limit))
        cleaned[key] = value
    if "name" in cleaned and not cleaned["name"]:
        raise DomainError(_l("Give the enterprise's name."))
    return cleaned


def _record(session: Session, enterprise: Enterprise, by, action: str, data: dict | None = None) -> None:
    audit.record(session, actor=by, action=action, subject=enterprise, compound_id=enterprise.compound_id,
                 community_id=enterprise.community_id, data={"name": enterprise.name, **(data or {})})


def _is_operator_of_compound(user: User, compound_id: int) -> bool:
    return _holds(user, [Role.ENTERPRISE_OPERATOR], compound_id=compound_id)


def register(session: Session, *, compound, by: User, name: str, description: str = "", contact_person: str = "",
             contact_phone: str = "", opening_hours: str = "", address: str = "", latitude=None,
             longitude=None) -> Enterprise:
    """A new enterprise waiting for the station. Its registering operator runs it at once; station staff who
    register one on an operator's behalf link the operator afterwards (add_operator)."""
    cleaned = _clean_profile({"name": name, "description": description, "contact_person": contact_person,
                              "contact_phone": contact_phone, "opening_hours": opening_hours, "address": address})
    lat, lon = _coordinates(latitude, longitude)
    made = Enterprise(community_id=compound.community_id, compound_id=compound.id, latitude=lat, longitude=lon,
                      status=EnterpriseStatus.PENDING, registered_by_id=by.id, **cleaned)
    session.add(made)
    session.flush()
    if _is_operator_of_compound(by, compound.id):
        session.add(EnterpriseOperator(enterprise_id=made.id, user_id=by.id))
    _record(session, made, by, "enterprise.registered")
    return made


def update_profile(session: Session, *, enterprise: Enterprise, by: User, **fields) -> list[str]:
    """Change the given profile fields; returns the names of those that really changed (audited)."""
    cleaned = _clean_profile(fields)
    if "latitude" in fields or "longitude" in fields:
        lat = fields.get("latitude", enterprise.latitude)
        lon = fields.get("longitude", enterprise.longitude)
        cleaned["latitude"], cleaned["longitude"] = _coordinates(lat, lon)
    changed = [key for key, value in cleaned.items() if getattr(enterprise, key) != value]
    for key in changed:
        setattr(enterprise, key, cleaned[key])
    if changed:
        _record(session, enterprise, by, "enterprise.updated", {"changed": changed})
    return changed


def photos_of(session: Session, enterprise: Enterprise) -> list[Photo]:
    return media.photos_for(session, PHOTO_SUBJECT, [enterprise.id])[enterprise.id]


def add_photos(session: Session, *, enterprise: Enterprise, by: User, files: Iterable, config) -> list[Photo]:
    """Up to PHOTOS_MAX photos in all (public, like the rest of the profile); all or none are kept."""
    already = len(photos_of(session, enterprise))
    blobs = media.read_uploads(files, max_bytes=config["MAX_PHOTO_BYTES"], max_count=PHOTOS_MAX - already)
    if not blobs:
        return []
    cleaned = media.check_photos(blobs)
    added = media.attach_photos(session, upload_dir=config["UPLOAD_DIR"], cleaned=cleaned,
                                subject_type=PHOTO_SUBJECT, subject_id=enterprise.id,
                                compound_id=enterprise.compound_id, uploader=by, first_position=already)
    _record(session, enterprise, by, "enterprise.photos_added", {"count": len(added)})
    return added


def remove_photos(session: Session, *, enterprise: Enterprise, by: User, photo_ids: Iterable[int]) -> list[str]:
    """Take the chosen photos off the profile; returns their file names, for discard_files once committed (a
    rollback then never leaves a row without its file)."""
    wanted = set(photo_ids)
    gone = [p for p in photos_of(session, enterprise) if p.id in wanted]
    for photo in gone:
        session.delete(photo)
    if gone:
        _record(session, enterprise, by, "enterprise.photos_removed", {"count": len(gone)})
    return [photo.filename for photo in gone]


def discard_files(upload_dir: str, filenames: Iterable[str]) -> None:
    for filename in filenames:
        (Path(upload_dir) / filename).unlink(missing_ok=True)


def user_by_phone(session: Session, phone: str) -> User | None:
    normalised = normalize_phone(phone or "")
    return None if normalised is None else session.scalar(select(User).where(User.phone == normalised))


def add_operator(session: Session, *, enterprise: Enterprise, by: User, user: User) -> EnterpriseOperator:
    """Link a user who holds the enterprise operator role in the enterprise's compound to it, once."""
    if user is None or user.is_deleted or not _is_operator_of_compound(user, enterprise.compound_id):
        raise DomainError(_l("Only a user with the enterprise operator role in this compound can run it. "
                             "Assign the role first."))
    linked = session.scalar(select(EnterpriseOperator).where(EnterpriseOperator.enterprise_id == enterprise.id,
                                                             EnterpriseOperator.user_id == user.id))
    if linked is not None:
        raise DomainError(_l("This user runs the enterprise already."))
    made = EnterpriseOperator(enterprise_id=enterprise.id, user_id=user.id)
    try:
        with session.begin_nested():
            session.add(made)
            session.flush()
    except IntegrityError:
        raise DomainError(_l("This user runs the enterprise already.")) from None
    _record(session, enterprise, by, "enterprise.operator_added", {"user": user.id})
    return made


# --- the station's decisions ---------------------------------------------------------------------------------------

def _operators(session: Session, enterprise_id: int) -> list[User]:
    return list(session.scalars(select(User).join(EnterpriseOperator, EnterpriseOperator.user_id == User.id)
                                .where(EnterpriseOperator.enterprise_id == enterprise_id)))


def _note(text: str, *, required_message=None) -> str:
    text = (text or "").strip()
    if required_message is not None and not text:
        raise DomainError(required_message)
    if len(text) > NOTE_MAX:
        raise DomainError(_l("Keep the note to %(max)s characters or fewer.", max=NOTE_MAX))
    return text


def _decide(session: Session, enterprise: Enterprise, by: User, status: EnterpriseStatus, note: str,
            data: dict) -> Enterprise:
    previous = enterprise.status
    enterprise.status = status
    enterprise.decided_at, enterprise.decided_by_id, enterprise.decision_note = utcnow(), by.id, note
    _record(session, enterprise, by, f"enterprise.{status.value}",
            {"from": previous.value, "note": note, **data})
    notify(session, recipients=_operators(session, enterprise.id), kind="enterprise.decided",
           url=f"/enterprises/{enterprise.id}", params={"enterprise": enterprise.name, "status": status.value},
           compound_id=enterprise.compound_id, actor=by)
    return enterprise


def certify(session: Session, *, enterprise: Enterprise, by: User, certificate_number: str, owning_committee: str,
            committed_return_percent: int, note: str = "") -> Enterprise:
    """A community social enterprise: owned or controlled by a residents' committee, returning part or all of its
    income (1–100 per cent) to the community."""
    if enterprise.status not in CERTIFY_FROM:
        raise DomainError(_l("This enterprise is certified already."))
    certificate_number = (certificate_number or "").strip()
    owning_committee = (owning_committee or "").strip()
    if not certificate_number or len(certificate_number) > CERTIFICATE_MAX:
        raise DomainError(_l("Give the certificate number (up to %(max)s characters).", max=CERTIFICATE_MAX))
    if not owning_committee or len(owning_committee) > COMMITTEE_MAX:
        raise DomainError(_l("Name the residents' committee that owns or controls it (up to %(max)s characters).",
                             max=COMMITTEE_MAX))
    if isinstance(committed_return_percent, bool) or not isinstance(committed_return_percent, int) \
            or not 1 <= committed_return_percent <= 100:
        raise DomainError(_l("The committed return is a whole per cent from 1 to 100."))
    note = _note(note)
    enterprise.certificate_number, enterprise.owning_committee = certificate_number, owning_committee
    enterprise.committed_return_percent = committed_return_percent
    return _decide(session, enterprise, by, EnterpriseStatus.CERTIFIED, note,
                   {"certificate": certificate_number, "committee": owning_committee,
                    "return_percent": committed_return_percent})


def list_as_provider(session: Session, *, enterprise: Enterprise, by: User, note: str = "") -> Enterprise:
    """An ordinary provider on the circle, without certification; taking a certification away needs a reason."""
    if enterprise.status not in LIST_FROM:
        raise DomainError(_l("This enterprise is listed already."))
    note = _note(note, required_message=_l("Say why the certification is withdrawn.")
                 if enterprise.status is EnterpriseStatus.CERTIFIED else None)
    enterprise.certificate_number, enterprise.owning_committee = "", ""
    enterprise.committed_return_percent = None
    return _decide(session, enterprise, by, EnterpriseStatus.LISTED, note, {})


def suspend(session: Session, *, enterprise: Enterprise, by: User, reason: str) -> Enterprise:
    """Off the circle, with the reason its operators and the station read on the profile."""
    if enterprise.status not in SUSPEND_FROM:
        raise DomainError(_l("This enterprise is suspended already."))
    reason = _note(reason, required_message=_l("Give the reason for the suspension."))
    return _decide(session, enterprise, by, EnterpriseStatus.SUSPENDED, reason, {})


# --- the yearly income report --------------------------------------------------------------------------------------

def _amount(value, message) -> Decimal:
    """Yuan exactly to the fen, never negative (a float is a programming error: projects.rules.fen refuses it)."""
    try:
        amount = fen(value)
    except (ValueError, InvalidOperation):
        raise DomainError(message) from None
    if amount < 0:
        raise DomainError(message)
    return amount


def report_income(session: Session, *, enterprise: Enterprise, by: User, year: int, income, returned,
                  how_returned: str = "", now: datetime | None = None) -> IncomeReport:
    """The year's income and the part returned to the community: one report per year, a second one replaces the
    figures (the audit chain keeps both)."""
    this_year = to_local(now or utcnow()).year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        raise DomainError(_l("Choose a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=this_year))
    income = _amount(income, _l("Give the income in yuan, at most two decimals, not negative."))
    returned = _amount(returned, _l("Give the amount returned in yuan, at most two decimals, not negative."))
    if returned > income:
        raise DomainError(_l("The amount returned cannot exceed the income."))
    how_returned = (how_returned or "").strip()
    if len(how_returned) > HOW_RETURNED_MAX:
        raise DomainError(_l("Keep the explanation to %(max)s characters or fewer.", max=HOW_RETURNED_MAX))
    figures = {"income": income, "returned": returned, "how_returned": how_returned, "reported_by_id": by.id,
               "reported_at": now or utcnow()}
    report = session.scalar(select(IncomeReport).where(IncomeReport.enterprise_id == enterprise.id,
                                                       IncomeReport.year == year))
    replaced = None
    if report is None:
        report = IncomeReport(enterprise_id=enterprise.id, community_id=enterprise.community_id, year=year, **figures)
        try:
            # Two tabs reporting the same year at once: the unique key keeps one, the other is told.
            with session.begin_nested():
                session.add(report)
                session.flush()
        except IntegrityError:
            raise DomainError(_l("A report for %(year)s was saved in the meantime. Send yours again to replace it.",
                                 year=year)) from None
    else:
        replaced = {"income": str(report.income), "returned": str(report.returned)}
        for key, value in figures.items():
            setattr(report, key, value)
    _record(session, enterprise, by, "enterprise.income_replaced" if replaced else "enterprise.income_reported",
            {"year": year, "income": str(income), "returned": str(returned), **({"was": replaced} if replaced else {})})
    return report


def returned_percent(report: IncomeReport) -> Decimal | None:
    """The share of income returned, in per cent to one decimal; None for a year without income."""
    if not report.income:
        return None
    return (report.returned * 100 / report.income).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- the profile page ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IncomeLine:
    report: IncomeReport
    percent: Decimal | None


@dataclass(frozen=True)
class ListingLine:
    listing: ServiceListing
    rating: Rating | None


@dataclass(frozen=True)
class ReviewLine:
    review: Review
    author_name: str
    listing_title: str


@dataclass(frozen=True)
class Profile:
    enterprise: Enterprise
    photos: list[Photo]
    income: list[IncomeLine]
    listings: list[ListingLine]
    rating: Rating | None
    reviews: list[ReviewLine]
    distance_m: int | None
    walking_minutes: int | None


def _home(viewer, community_id: int):
    """The compound the viewer lives in, in the enterprise's community first: where distances are measured from."""
    if viewer is None or not viewer.is_authenticated:
        return None
    homes = [m.compound for m in viewer.verified_memberships]
    return next((c for c in homes if c.community_id == community_id), homes[0] if homes else None)


def _reviews(session: Session, enterprise: Enterprise, viewer) -> list[ReviewLine]:
    """The newest visible reviews with their authors' public names (two queries). Hidden ones stay out of the list,
    except for the station of the community and for their own author."""
    from neighbourhood.web.display import public_name

    query = (select(Review, ServiceListing.title).join(ServiceListing, ServiceListing.id == Review.listing_id)
             .where(Review.enterprise_id == enterprise.id)
             .options(public_name_loads(joinedload(Review.author)))
             .order_by(Review.created_at.desc(), Review.id.desc()).limit(REVIEWS_SHOWN))
    if not is_station_staff(viewer, enterprise.community_id):
        mine = Review.author_id == viewer.id if viewer is not None and viewer.is_authenticated else false()
        query = query.where(or_(Review.hidden_at.is_(None), mine))
    return [ReviewLine(review, public_name(review.author), title) for review, title in session.execute(query)]


def _ratings(session: Session, enterprise_id: int) -> tuple[dict[int, Rating], Rating | None]:
    """Average and count of visible reviews per listing and for the whole enterprise, in one query (as
    reviews.ratings_of_listings and ratings_of_enterprises count them)."""
    rows = session.execute(select(Review.listing_id, func.sum(Review.rating), func.count(Review.id))
                           .where(Review.enterprise_id == enterprise_id, Review.hidden_at.is_(None))
                           .group_by(Review.listing_id)).all()

    def rating(total, count) -> Rating:
        return Rating((Decimal(total) / count).quantize(Decimal("0.1"), ROUND_HALF_UP), count)

    by_listing = {listing_id: rating(total, count) for listing_id, total, count in rows}
    count = sum(row[2] for row in rows)
    return by_listing, rating(sum(row[1] for row in rows), count) if count else None


def profile_of(session: Session, enterprise: Enterprise, viewer=None) -> Profile:
    """What the profile page shows, in a fixed number of queries however many photos, reports, listings and
    reviews there are."""
    income = [IncomeLine(r, returned_percent(r)) for r in session.scalars(
        select(IncomeReport).where(IncomeReport.enterprise_id == enterprise.id).order_by(IncomeReport.year.desc()))]
    listings = list(session.scalars(select(ServiceListing).where(
        ServiceListing.enterprise_id == enterprise.id, ServiceListing.published.is_(True))
        .order_by(ServiceListing.category, ServiceListing.title, ServiceListing.id)))
    listing_ratings, rating = _ratings(session, enterprise.id)
    distance = minutes = None
    home = _home(viewer, enterprise.community_id)
    if home is not None and None not in (home.latitude, home.longitude, enterprise.latitude, enterprise.longitude):
        distance = rules.distance_m(home.latitude, home.longitude, enterprise.latitude, enterprise.longitude)
        minutes = rules.walking_minutes(distance)
    return Profile(
        enterprise=enterprise, photos=photos_of(session, enterprise), income=income,
        listings=[ListingLine(x, listing_ratings.get(x.id)) for x in listings],
        rating=rating,
        reviews=_reviews(session, enterprise, viewer), distance_m=distance, walking_minutes=minutes)


def review_queue(session: Session, community_id: int) -> list[Enterprise]:
    """The community's enterprises for the station: pending registrations first (oldest first), then by status and
    name."""
    order = {EnterpriseStatus.PENDING: 0, EnterpriseStatus.CERTIFIED: 1, EnterpriseStatus.LISTED: 2,
             EnterpriseStatus.SUSPENDED: 3}
    found = list(session.scalars(select(Enterprise).where(Enterprise.community_id == community_id)
                                 .options(selectinload(Enterprise.compound))))
    return sorted(found, key=lambda e: (order[e.status], e.created_at if e.status is EnterpriseStatus.PENDING
                                        else datetime.min, e.name, e.id))
