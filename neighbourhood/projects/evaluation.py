"""问效于民: residents rate an accepted project; a poor average opens a rectification the station tracks.

Acceptance opens a window (14 days unless the project says otherwise) in which each verified resident of the
compound rates the project once, 1–5 with an optional comment. When the window has closed the ratings are
settled: an exact mean below 3.0 flags the project to the station, and the council reports what it put right until
the station closes the rectification."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, distinct, exists, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from neighbourhood.accounts.households import verified_people
from neighbourhood.accounts.models import HouseholdMembership, MembershipStatus, User
from neighbourhood.accounts.permissions import is_council_member, is_station_staff, is_verified_in
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.notifications.services import notify
from neighbourhood.places.models import Household
from neighbourhood.projects.models import (
    Project, ProjectRating, ProjectStatus, Rectification, RectificationStatus,
)
from neighbourhood.projects.trail import project_url, record as _record
from neighbourhood.station import services as station

# An average below this flags the project to the station for rectification (评议整改).
FLAG_BELOW = Decimal("3.0")
TENTH = Decimal("0.1")
SCORES = (1, 2, 3, 4, 5)
COMMENT_MAX = 500
RECENT_COMMENTS = 10
RECTIFICATIONS_URL = "/projects/rectifications"
ALREADY_RATED = _l("You have already rated this project.")
CHANGED = _l("This rectification has changed since the page was loaded: reload it and try again.")


def open_rating(session: Session, *, project: Project, now: datetime) -> None:
    """Acceptance opens the window in which the compound's residents rate the project, and asks them to."""
    project.rating_closes_at = now + timedelta(days=project.rating_window_days)
    notify(session, recipients=verified_people(session, project.compound_id), kind="project.rate", url=project_url(project),
           params={"title": project.title, "until": project.rating_closes_at.date().isoformat()},
           compound_id=project.compound_id)


def average(total: int, count: int) -> Decimal | None:
    """The mean score to one decimal, rounded half up (2.95 → 3.0); None when nobody has rated."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(TENTH, ROUND_HALF_UP)


def averages(session: Session, project_ids: list[int]) -> dict[int, tuple[Decimal | None, int]]:
    """(average, number of ratings) per project, in one query; (None, 0) for a project nobody rated."""
    found: dict[int, tuple[Decimal | None, int]] = {pid: (None, 0) for pid in project_ids}
    if not project_ids:
        return found
    rows = session.execute(
        select(ProjectRating.project_id, func.sum(ProjectRating.score), func.count())
        .where(ProjectRating.project_id.in_(project_ids)).group_by(ProjectRating.project_id))
    for project_id, total, count in rows:
        found[project_id] = (average(int(total), count), count)
    return found


def is_below_threshold(total: int, count: int) -> bool:
    """Whether the exact mean is below 3.0 (compared in whole numbers: a rounded 3.0 may hide 2.96)."""
    return count > 0 and total < FLAG_BELOW * count


def window_is_open(project: Project, now: datetime) -> bool:
    return (project.status is ProjectStatus.ACCEPTED and project.accepted_at is not None
            and project.rating_closes_at is not None and project.accepted_at <= now < project.rating_closes_at)


# --- reading -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RatingSummary:
    distribution: dict[int, int]       # score → how many residents gave it, for every score 1..5
    households_responding: int
    households_total: int              # households of the compound with at least one verified member
    opens_at: datetime | None
    closes_at: datetime | None

    @property
    def responses(self) -> int:
        return sum(self.distribution.values())

    @property
    def total(self) -> int:
        return sum(score * n for score, n in self.distribution.items())

    @property
    def average(self) -> Decimal | None:
        return average(self.total, self.responses)

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return (self.opens_at is not None and self.closes_at is not None
                and self.opens_at <= now < self.closes_at)


@dataclass(frozen=True)
class OnPage:
    """What the project page shows of the rating."""
    summary: RatingSummary
    my_score: int | None
    comments: list[ProjectRating]
    rectification: Rectification | None
    may_rate: bool


def _figures(session: Session, project: Project, user_id: int | None):
    """The distribution, households, the reader's own score, whether the reader is a verified resident of the
    compound, and the rectification: one query."""
    counts = select(*[func.count(case((ProjectRating.score == score, 1))).label(f"n{score}") for score in SCORES],
                    func.count(distinct(ProjectRating.household_id)).label("households")) \
        .where(ProjectRating.project_id == project.id).subquery()
    verified_here = (HouseholdMembership.compound_id == project.compound_id,
                     HouseholdMembership.status == MembershipStatus.VERIFIED)
    households_total = select(func.count(distinct(HouseholdMembership.household_id))) \
        .where(*verified_here).scalar_subquery()
    if user_id is None:
        mine, resident = literal(None), literal(False)
    else:
        mine = select(ProjectRating.score).where(ProjectRating.project_id == project.id,
                                                 ProjectRating.user_id == user_id).scalar_subquery()
        resident = exists().where(HouseholdMembership.user_id == user_id, *verified_here)
    row = session.execute(
        select(counts, households_total.label("households_total"), mine.label("mine"), resident.label("resident"),
               Rectification)
        .select_from(counts).outerjoin(Rectification, Rectification.project_id == project.id)).one()
    summary = RatingSummary(
        distribution={score: row._mapping[f"n{score}"] for score in SCORES},
        households_responding=row.households, households_total=row.households_total,
        opens_at=project.accepted_at, closes_at=project.rating_closes_at)
    return summary, row.mine, bool(row.resident), row.Rectification


def summary(session: Session, project: Project) -> RatingSummary:
    return _figures(session, project, None)[0]


def recent_comments(session: Session, project: Project) -> list[ProjectRating]:
    """The latest comments with what public_name() reads of their authors, in one query."""
    return list(session.scalars(
        select(ProjectRating).where(ProjectRating.project_id == project.id, ProjectRating.comment != "")
        .options(joinedload(ProjectRating.user).joinedload(User.memberships)
                 .joinedload(HouseholdMembership.household).joinedload(Household.building))
        .order_by(ProjectRating.created_at.desc(), ProjectRating.id.desc()).limit(RECENT_COMMENTS)).unique())


def on_page(session: Session, project: Project, user) -> OnPage:
    user_id = user.id if getattr(user, "is_authenticated", False) else None
    figures, mine, resident, rectification = _figures(session, project, user_id)
    # Residence is read in the query above rather than from the reader's memberships (evaluation_permissions.
    # can_rate), which this page would otherwise load for nothing else.
    return OnPage(summary=figures, my_score=mine, comments=recent_comments(session, project),
                  rectification=rectification,
                  may_rate=mine is None and resident and window_is_open(project, utcnow()))


# --- rating ------------------------------------------------------------------------------------------------------

def rate(session: Session, *, project: Project, by: User, score: int, comment: str = "",
         now: datetime | None = None) -> ProjectRating:
    """A verified resident of the compound rates the accepted project once, while the window is open."""
    now = now or utcnow()
    if not window_is_open(project, now):
        raise DomainError(_l("Rating this project is not open: residents rate a project in the days after its "
                             "acceptance."))
    if not is_verified_in(by, project.compound):
        raise DomainError(_l("Only verified residents of this compound rate its projects."))
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise DomainError(_l("Choose a score from 1 to 5."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(_l("Keep the comment to %(max)s characters or fewer.", max=COMMENT_MAX))
    household_id = next(m.household_id for m in by.verified_memberships if m.compound_id == project.compound_id)
    rating = ProjectRating(project_id=project.id, compound_id=project.compound_id, user_id=by.id,
                           household_id=household_id, score=score, comment=comment, created_at=now)
    try:
        # Once each, also when two tabs send at the same moment: the unique constraint decides.
        with session.begin_nested():
            session.add(rating)
    except IntegrityError:
        raise DomainError(ALREADY_RATED) from None
    _record(session, project, by, "project.rated", {"score": score, "household": household_id},
            subject=rating)
    return rating


# --- settling and rectification --------------------------------------------------------------------------------

def _staff_and_council(session: Session, project: Project) -> list[User]:
    return [*station.station_staff(session, [project.community_id])[project.community_id],
            *station.council_members(session, [project.compound_id])[project.compound_id]]


def rectifications_url(project: Project) -> str:
    return f"{RECTIFICATIONS_URL}?compound={project.compound_id}"


def settle_due(session: Session, *, now: datetime | None = None) -> int:
    """Count the ratings of every project whose window has closed (once each); an exact mean below 3.0 opens a
    rectification and tells the station and the council. Returns how many projects were settled."""
    now = now or utcnow()
    # Two overlapping runs never settle a project twice: the second skips the rows the first holds.
    due = list(session.scalars(select(Project).where(
        Project.status == ProjectStatus.ACCEPTED, Project.rating_closes_at <= now,
        Project.rating_settled_at.is_(None)).order_by(Project.id).with_for_update(skip_locked=True)))
    if not due:
        return 0
    sums = {pid: (int(total), count) for pid, total, count in session.execute(
        select(ProjectRating.project_id, func.sum(ProjectRating.score), func.count())
        .where(ProjectRating.project_id.in_([p.id for p in due])).group_by(ProjectRating.project_id))}
    for project in due:
        total, count = sums.get(project.id, (0, 0))
        project.rating_settled_at = now
        mean = average(total, count)
        _record(session, project, None, "project.rating_settled",
                {"responses": count, "average": str(mean) if mean is not None else None})
        if is_below_threshold(total, count):
            rectification = Rectification(project_id=project.id, compound_id=project.compound_id,
                                          community_id=project.community_id, average=mean, responses=count,
                                          opened_at=now)
            session.add(rectification)
            session.flush()
            _record(session, project, None, "project.rectification_opened",
                    {"average": str(mean), "responses": count}, subject=rectification)
            notify(session, recipients=_staff_and_council(session, project), kind="project.rectification",
                   url=rectifications_url(project), params={"title": project.title, "average": str(mean)},
                   compound_id=project.compound_id)
    session.flush()
    return len(due)


def _step(session: Session, rectification: Rectification, by: User, action: str, data: dict) -> None:
    project = rectification.project
    session.flush()
    _record(session, project, by, action, {"status": str(rectification.status), **data}, subject=rectification)
    notify(session, recipients=_staff_and_council(session, project), kind="project.rectification_update",
           url=rectifications_url(project), params={"title": project.title}, compound_id=project.compound_id,
           actor=by)


def report_rectification(session: Session, *, rectification: Rectification, by: User, report: str) -> None:
    """The council tells the station what it put right."""
    if not is_council_member(by, rectification.project.compound):
        raise DomainError(_l("Only a council member of this compound reports on its rectification."))
    if rectification.status is not RectificationStatus.OPEN:
        raise DomainError(CHANGED)
    if not (report or "").strip():
        raise DomainError(_l("Write what the council put right."))
    rectification.status = RectificationStatus.REPORTED
    rectification.report = report.strip()
    rectification.reported_by_id = by.id
    rectification.reported_at = utcnow()
    _step(session, rectification, by, "project.rectification_reported", {"report": rectification.report})


def _station_check(rectification: Rectification, by: User, note: str) -> str:
    if not is_station_staff(by, rectification.community_id):
        raise DomainError(_l("Only the community's station staff check a rectification."))
    if rectification.status is not RectificationStatus.REPORTED:
        raise DomainError(CHANGED)
    if not (note or "").strip():
        raise DomainError(_l("Write a note for the council."))
    return note.strip()


def return_rectification(session: Session, *, rectification: Rectification, by: User, note: str) -> None:
    """The station sends the council's report back: the rectification is open again, with the station's note."""
    rectification.station_note = _station_check(rectification, by, note)
    rectification.status = RectificationStatus.OPEN
    _step(session, rectification, by, "project.rectification_returned", {"note": rectification.station_note})


def close_rectification(session: Session, *, rectification: Rectification, by: User, note: str) -> None:
    """The station confirms the rectification."""
    rectification.station_note = _station_check(rectification, by, note)
    rectification.status = RectificationStatus.CLOSED
    rectification.closed_by_id = by.id
    rectification.closed_at = utcnow()
    _step(session, rectification, by, "project.rectification_closed", {"note": rectification.station_note})


# --- the cross-check `flask audit verify` runs -------------------------------------------------------------------

@audit.cross_check("ratings", _l("Residents' ratings match their audit records"),
                   subject_types=("project_ratings",), actions=("project.rated",))
def check_ratings(session: Session, compound_id: int | None, trail: audit.Trail) -> list[str]:
    """Every rating is the score its resident gave, and none has been removed: the average the station acts on
    cannot be nudged in the database."""
    query = select(ProjectRating.id, ProjectRating.score).order_by(ProjectRating.id)
    if compound_id is not None:
        query = query.where(ProjectRating.compound_id == compound_id)
    problems: list[str] = []
    seen: set[int] = set()
    for rating_id, score in session.execute(query):
        seen.add(rating_id)
        rated = trail.get(("project_ratings", rating_id))
        if not rated:
            problems.append(_l("Rating %(id)s has no record in the audit log of being given.", id=rating_id))
        elif rated[0].data.get("score") != score:
            problems.append(_l("Rating %(id)s is %(now)s, but the audit log recorded %(audited)s.", id=rating_id,
                               now=score, audited=rated[0].data.get("score")))
    problems += [_l("Rating %(id)s is in the audit log but has been removed.", id=rating_id)
                 for rating_id in audit.gone(trail, "project_ratings", seen)]
    return problems
