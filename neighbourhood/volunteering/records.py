"""Volunteer records kept by the compound's council and the station, as 志愿服务记录与证明出具办法 (民政部令第67号)
asks: training and awards, certificates (requested by the volunteer, issued with the fields the Measures require and
frozen at issue, declined or revoked with a reason), and the export for the national volunteer system.

"Whoever organises records; whoever records certifies": hours come only from confirmed service in the compound.
Dates on certificates and times in the export are Beijing time, as the paper and the national system use."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload

from neighbourhood.accounts.models import HouseholdMembership, MembershipStatus, User
from neighbourhood.accounts.permissions import is_verified_in
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.notifications.services import notify
from neighbourhood.places.models import Compound, Household
from neighbourhood.station.services import council_members
from neighbourhood.volunteering import rules
from neighbourhood.volunteering.models import (
    Activity, Award, Certificate, CertificateStatus, Evaluation, Shift, Signup, SignupStatus, Training,
    VolunteerProfile,
)
from neighbourhood.volunteering.services import ensure_profile
from neighbourhood.web.display import public_name

BEIJING = ZoneInfo("Asia/Shanghai")
TITLE_MAX = 120
PURPOSE_MAX = 200
REASON_MAX = 500
PERSON_MAX = 40
CONTACT_MAX = 60
MAX_TRAINING_HOURS = Decimal("200")
NUMBER_ATTEMPTS = 5
# How many activities the frozen service content names one by one before summing up the rest.
CONTENT_ACTIVITIES = 12

EVALUATION_WORDS = {Evaluation.EXCELLENT: "优秀", Evaluation.GOOD: "良好", Evaluation.SATISFACTORY: "合格",
                    Evaluation.POOR: "不合格"}
EXPORT_COLUMNS = ["志愿者编号", "姓名", "身份核验方式", "活动名称", "服务内容", "服务类别", "服务地点", "开始时间",
                  "结束时间", "服务时长(小时)", "组织单位", "评价", "记录人", "记录日期"]
CATEGORY_WORDS = {"environment": "环境整治", "elderly": "助老服务", "children": "关爱儿童", "safety": "平安巡逻",
                  "culture": "文化活动", "health": "健康义诊", "public_service": "便民服务", "other": "其他"}
# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def local_date_of(moment: datetime) -> date:
    """The Beijing date of a naive UTC time."""
    return moment.replace(tzinfo=timezone.utc).astimezone(BEIJING).date()


def _local_text(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=timezone.utc).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _utc_start_of(day: date) -> datetime:
    """The naive UTC moment Beijing's `day` begins."""
    return datetime.combine(day, time(), tzinfo=BEIJING).astimezone(timezone.utc).replace(tzinfo=None)


def _full_name(user: User) -> str:
    return (user.real_name or user.display_name or "").strip()


def _audit(session: Session, compound_id: int, community_id: int, by, action: str, subject, data: dict) -> None:
    audit.record(session, actor=by, action=action, subject=subject, compound_id=compound_id,
                 community_id=community_id, data=data)


# --- who is a volunteer of the compound ----------------------------------------------------------------------------

# public_name shows the building: memberships with their households and buildings in one more query, not per row.
_WITH_HOMES = selectinload(User.memberships).joinedload(HouseholdMembership.household) \
    .joinedload(Household.building)
_CREDITED = func.coalesce(Signup.adjusted_hours, Signup.hours)


def _confirmed_service(compound_id: int):
    """Service that counts: a confirmed place whose hours the organiser confirmed."""
    return and_(Signup.compound_id == compound_id, Signup.status == SignupStatus.CONFIRMED,
                Signup.confirmed_at.is_not(None))


def has_served_in(session: Session, user: User, compound: Compound) -> bool:
    return session.scalar(select(Signup.id).where(Signup.user_id == user.id, _confirmed_service(compound.id))
                          .limit(1)) is not None


def _must_be_volunteer_of(session: Session, user: User, compound: Compound) -> None:
    if not (is_verified_in(user, compound) or has_served_in(session, user, compound)):
        raise DomainError(_l("Records are kept for residents of this compound and those who served here."))


@dataclass
class VolunteerLine:
    """One volunteer on the records page: their profile (number), confirmed hours, trainings and awards here."""
    user: User
    number: str
    hours: Decimal
    trainings: list[Training]
    awards: list[Award]


@dataclass
class RecordsBook:
    """The records page's people: `lines` for the compound's volunteers, `candidates` (user, volunteer number)
    for whom a training or an award may be recorded: those volunteers and verified residents with a profile."""
    lines: list[VolunteerLine]
    candidates: list[tuple[User, str]]


def records_book(session: Session, compound: Compound) -> RecordsBook:
    """Everyone with confirmed service or a training or an award in the compound, most hours first, and the
    residents who may get a record, in five queries however many rows."""
    hours = dict(session.execute(select(Signup.user_id, func.coalesce(func.sum(_CREDITED), 0))
                                 .where(_confirmed_service(compound.id)).group_by(Signup.user_id)).all())
    trainings = list(session.scalars(select(Training).where(Training.compound_id == compound.id)
                                     .order_by(Training.held_on.desc(), Training.id.desc())))
    awards = list(session.scalars(select(Award).where(Award.compound_id == compound.id)
                                  .order_by(Award.awarded_on.desc(), Award.id.desc())))
    ids = set(hours) | {t.user_id for t in trainings} | {a.user_id for a in awards}
    resident_with_profile = and_(
        VolunteerProfile.id.is_not(None), User.deleted_at.is_(None),
        User.id.in_(select(HouseholdMembership.user_id).where(
            HouseholdMembership.compound_id == compound.id,
            HouseholdMembership.status == MembershipStatus.VERIFIED)))
    people = session.execute(
        select(User, VolunteerProfile.number).outerjoin(VolunteerProfile, VolunteerProfile.user_id == User.id)
        .where(or_(User.id.in_(ids), resident_with_profile) if ids else resident_with_profile)
        .options(_WITH_HOMES)).all()
    lines = [VolunteerLine(user=user, number=number or "",
                           hours=Decimal(hours.get(user.id, 0)).quantize(rules.HOUR_STEP),
                           trainings=[t for t in trainings if t.user_id == user.id],
                           awards=[a for a in awards if a.user_id == user.id])
             for user, number in people if user.id in ids]
    lines.sort(key=lambda line: (-line.hours, line.user.id))
    candidates = sorted(((user, number or "") for user, number in people), key=lambda pair: (pair[1], pair[0].id))
    return RecordsBook(lines=lines, candidates=candidates)


# --- training and awards -------------------------------------------------------------------------------------------

def _text(value: str, limit: int, message) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        raise DomainError(message)
    return value


def _past_date(value: date | None) -> date:
    if not isinstance(value, date):
        raise DomainError(_l("Give the date, e.g. 2026-03-01."))
    if value > local_date_of(utcnow()):
        raise DomainError(_l("Records are kept of what has happened: the date cannot be in the future."))
    return value


def parse_training_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip()).quantize(rules.HOUR_STEP)
    except (ArithmeticError, InvalidOperation, ValueError):
        raise DomainError(_l("Give the hours as a number, e.g. 2.5.")) from None
    if not Decimal("0") < hours <= MAX_TRAINING_HOURS:
        raise DomainError(_l("A training lasts more than 0 and up to %(max)s hours.", max=MAX_TRAINING_HOURS))
    return hours


def record_training(session: Session, *, compound: Compound, by: User, user: User, title: str,
                    organiser_name: str, held_on: date, hours) -> Training:
    """培训信息: a training the volunteer attended, with who ran it, when and how long."""
    _must_be_volunteer_of(session, user, compound)
    title = _text(title, TITLE_MAX, _l("Name the training (up to %(max)s characters).", max=TITLE_MAX))
    organiser_name = _text(organiser_name, TITLE_MAX,
                           _l("Say who ran the training (up to %(max)s characters).", max=TITLE_MAX))
    training = Training(user_id=user.id, compound_id=compound.id, community_id=compound.community_id, title=title,
                        organiser_name=organiser_name, held_on=_past_date(held_on),
                        hours=parse_training_hours(hours), recorded_by_id=by.id)
    session.add(training)
    session.flush()
    _audit(session, compound.id, compound.community_id, by, "volunteering.training_recorded", training,
           {"volunteer": user.id, "title": title, "hours": str(training.hours), "held_on": held_on.isoformat()})
    return training


def record_award(session: Session, *, compound: Compound, by: User, user: User, title: str, issuer: str,
                 awarded_on: date) -> Award:
    """表彰奖励信息: an award or commendation, with who gave it and when."""
    _must_be_volunteer_of(session, user, compound)
    title = _text(title, TITLE_MAX, _l("Name the award (up to %(max)s characters).", max=TITLE_MAX))
    issuer = _text(issuer, TITLE_MAX, _l("Say who gave the award (up to %(max)s characters).", max=TITLE_MAX))
    award = Award(user_id=user.id, compound_id=compound.id, community_id=compound.community_id, title=title,
                  issuer=issuer, awarded_on=_past_date(awarded_on), recorded_by_id=by.id)
    session.add(award)
    session.flush()
    _audit(session, compound.id, compound.community_id, by, "volunteering.award_recorded", award,
           {"volunteer": user.id, "title": title, "issuer": issuer, "awarded_on": awarded_on.isoformat()})
    return award


# --- certificates --------------------------------------------------------------------------------------------------

def records_url(compound_id: int) -> str:
    return f"/volunteering/records?compound={compound_id}"


def certificate_url(certificate: Certificate) -> str:
    return f"/volunteering/certificates/{certificate.id}/print"


def open_request(session: Session, user: User, compound: Compound) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.user_id == user.id,
                                                    Certificate.compound_id == compound.id,
                                                    Certificate.status == CertificateStatus.REQUESTED))


ALREADY_REQUESTED = _l("You have asked for a certificate here already: the council will answer it.")


def request_certificate(session: Session, *, compound: Compound, user: User, purpose: str = "") -> Certificate:
    """The volunteer asks the compound for a certificate of their confirmed service; its council is told."""
    purpose = (purpose or "").strip()
    if len(purpose) > PURPOSE_MAX:
        raise DomainError(_l("Keep the purpose to %(max)s characters or fewer.", max=PURPOSE_MAX))
    if open_request(session, user, compound) is not None:
        raise DomainError(ALREADY_REQUESTED)
    if not has_served_in(session, user, compound):
        raise DomainError(_l("A certificate needs confirmed volunteer hours in this compound, and you have none "
                             "yet."))
    certificate = Certificate(user_id=user.id, compound_id=compound.id, community_id=compound.community_id,
                              status=CertificateStatus.REQUESTED, purpose=purpose)
    try:
        with session.begin_nested():
            session.add(certificate)
            session.flush()
    except IntegrityError:   # the same volunteer's other tap made the request a moment ago
        raise DomainError(ALREADY_REQUESTED) from None
    _audit(session, compound.id, compound.community_id, user, "volunteering.certificate_requested", certificate,
           {"volunteer": user.id})
    notify(session, recipients=council_members(session, [compound.id])[compound.id],
           kind="volunteering.certificate_requested", url=records_url(compound.id),
           params={"name": public_name(user)}, compound_id=compound.id, actor=user)
    return certificate


def identity_reference(user: User) -> str:
    """We keep no ID-card numbers: the certificate names how the platform verified the holder instead."""
    tail = (user.phone or "")[-4:]
    return f"平台实名核验 · 手机尾号{tail}" if tail else "平台实名核验"


def _service_in_period(session: Session, certificate: Certificate, period_from: date | None,
                       period_to: date | None):
    query = (select(Signup.id, Activity.title, Shift.starts_at, _CREDITED)
             .join(Shift, Shift.id == Signup.shift_id).join(Activity, Activity.id == Signup.activity_id)
             .where(Signup.user_id == certificate.user_id, _confirmed_service(certificate.compound_id))
             .order_by(Shift.starts_at, Signup.id))
    if period_from is not None:
        query = query.where(Shift.starts_at >= _utc_start_of(period_from))
    if period_to is not None:
        query = query.where(Shift.starts_at < _utc_start_of(period_to + timedelta(days=1)))
    return session.execute(query).all()


def service_summary(rows) -> str:
    """The frozen service content: each activity with its dates and hours, in the order served."""
    by_title: dict[str, list] = {}
    for _id, title, starts_at, hours in rows:
        dates, total = by_title.setdefault(title, [[], Decimal("0")])
        day = local_date_of(starts_at).isoformat()
        if day not in dates:
            dates.append(day)
        by_title[title][1] = total + Decimal(hours or 0)
    parts = [f"{title}（{'、'.join(dates)}，{rules.shown_hours(total)}小时）" for title, (dates, total) in by_title.items()]
    if len(parts) > CONTENT_ACTIVITIES:
        rest = len(parts) - CONTENT_ACTIVITIES
        parts = parts[:CONTENT_ACTIVITIES] + [f"等另{rest}项活动"]
    return "；".join(parts)


def _must_be_requested(certificate: Certificate) -> None:
    if certificate.status is not CertificateStatus.REQUESTED:
        raise DomainError(_l("This request has been answered already."))


def issue_certificate(session: Session, *, certificate: Certificate, by: User, person_in_charge: str, contact: str,
                      period_from: date | None = None, period_to: date | None = None) -> Certificate:
    """Issue the certificate: what it certifies (holder, identity reference, volunteer number, hours and content
    in the period, issuer, person in charge, handler, contact) is frozen now, so later edits never change it."""
    _must_be_requested(certificate)
    person_in_charge = _text(person_in_charge, PERSON_MAX,
                             _l("Name the issuer's person in charge (up to %(max)s characters).", max=PERSON_MAX))
    contact = _text(contact, CONTACT_MAX, _l("Give a contact for questions about the certificate (up to "
                                             "%(max)s characters).", max=CONTACT_MAX))
    if period_from is not None and period_to is not None and period_to < period_from:
        raise DomainError(_l("The period must end on or after the day it starts."))
    rows = _service_in_period(session, certificate, period_from, period_to)
    if not rows:
        raise DomainError(_l("There is no confirmed service in this period to certify."))
    holder = certificate.user
    community = certificate.compound.community
    certificate.holder_name = _full_name(holder)[:40]
    certificate.identity_reference = identity_reference(holder)
    certificate.volunteer_number = ensure_profile(session, holder).number
    certificate.period_from = period_from or local_date_of(rows[0][2])
    certificate.period_to = period_to or local_date_of(rows[-1][2])
    certificate.hours = sum((Decimal(r[3] or 0) for r in rows), Decimal("0")).quantize(rules.HOUR_STEP)
    certificate.service_content = service_summary(rows)
    certificate.issuer = f"{community.name}居民委员会"
    certificate.person_in_charge = person_in_charge
    certificate.handler_name = _full_name(by)[:40]
    certificate.contact = contact
    certificate.decided_by_id = by.id
    certificate.issued_at = utcnow()
    certificate.status = CertificateStatus.ISSUED
    _number(session, certificate)
    _audit(session, certificate.compound_id, certificate.community_id, by, "volunteering.certificate_issued",
           certificate, {"volunteer": holder.id, "number": certificate.number, "hours": str(certificate.hours)})
    notify(session, recipients=[holder], kind="volunteering.certificate_issued", url=certificate_url(certificate),
           params={"number": certificate.number}, compound_id=certificate.compound_id, actor=by)
    return certificate


def _number(session: Session, certificate: Certificate) -> None:
    """A fresh random number; on the rare clash with an existing one, draw again."""
    year = local_date_of(certificate.issued_at).year
    for _attempt in range(NUMBER_ATTEMPTS):
        certificate.number = rules.certificate_number(year)
        try:
            with session.begin_nested():
                session.flush()
            return
        except IntegrityError:
            continue
    raise DomainError(_l("No certificate number could be drawn. Please try again."))


def decline_certificate(session: Session, *, certificate: Certificate, by: User, reason: str) -> Certificate:
    _must_be_requested(certificate)
    reason = _text(reason, REASON_MAX, _l("Say why the request is declined (up to %(max)s characters).",
                                          max=REASON_MAX))
    certificate.status = CertificateStatus.DECLINED
    certificate.decline_reason = reason
    certificate.decided_by_id = by.id
    _audit(session, certificate.compound_id, certificate.community_id, by, "volunteering.certificate_declined",
           certificate, {"volunteer": certificate.user_id, "reason": reason})
    notify(session, recipients=[certificate.user], kind="volunteering.certificate_declined", url="/me/volunteering",
           params={"reason": reason}, compound_id=certificate.compound_id, actor=by)
    return certificate


def revoke_certificate(session: Session, *, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Withdraw an issued certificate (issued in error, or its service proved untrue); the public check then
    says it is revoked and when. The reason is kept in the audit log."""
    if certificate.status is not CertificateStatus.ISSUED:
        raise DomainError(_l("Only an issued certificate can be revoked."))
    reason = _text(reason, REASON_MAX, _l("Say why the certificate is revoked (up to %(max)s characters).",
                                          max=REASON_MAX))
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = utcnow()
    _audit(session, certificate.compound_id, certificate.community_id, by, "volunteering.certificate_revoked",
           certificate, {"volunteer": certificate.user_id, "number": certificate.number, "reason": reason})
    return certificate


def certificate_by_number(session: Session, number: str) -> Certificate | None:
    number = (number or "").strip().upper()
    if not number:
        return None
    return session.scalar(select(Certificate).where(Certificate.number == number))


def pending_requests(session: Session, compound: Compound) -> list[Certificate]:
    """Open requests, oldest first. Their volunteers served here, so the records page has loaded them already."""
    return list(session.scalars(select(Certificate).where(Certificate.compound_id == compound.id,
                                                          Certificate.status == CertificateStatus.REQUESTED)
                                .order_by(Certificate.requested_at, Certificate.id)))


def recent_certificates(session: Session, compound: Compound, limit: int = 20) -> list[Certificate]:
    return list(session.scalars(select(Certificate).where(Certificate.compound_id == compound.id,
                                                          Certificate.status.in_([CertificateStatus.ISSUED,
                                                                                  CertificateStatus.REVOKED]))
                                .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(limit)))


def mask_name(name: str) -> str:
    """王秀英 → 王*英, 王英 → 王*, one character stays one: the public check confirms, it does not reveal."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- the export for the national volunteer system ------------------------------------------------------------------

def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_rows(session: Session, compound: Compound, year: int | None = None) -> list[list[str]]:
    """One row per confirmed service in the compound (in the year, Beijing time, when given), in EXPORT_COLUMNS
    order; every cell is guarded against formula injection."""
    volunteer, recorder = aliased(User), aliased(User)
    query = (select(Signup, Shift, Activity, volunteer, VolunteerProfile.number, recorder)
             .join(Shift, Shift.id == Signup.shift_id).join(Activity, Activity.id == Signup.activity_id)
             .join(volunteer, volunteer.id == Signup.user_id)
             .outerjoin(VolunteerProfile, VolunteerProfile.user_id == Signup.user_id)
             .outerjoin(recorder, recorder.id == Signup.confirmed_by_id)
             .where(_confirmed_service(compound.id)).order_by(Shift.starts_at, Signup.id))
    if year is not None:
        query = query.where(Shift.starts_at >= _utc_start_of(date(year, 1, 1)),
                            Shift.starts_at < _utc_start_of(date(year + 1, 1, 1)))
    rows = []
    for signup, shift, activity, person, number, by in session.execute(query).all():
        started = signup.checked_in_at or shift.starts_at
        ended = signup.checked_out_at or shift.ends_at
        content = activity.title + (f" · {shift.label}" if shift.label else "")
        if activity.description:
            content += f"：{activity.description}"
        evaluation = EVALUATION_WORDS.get(signup.evaluation, "") if signup.evaluation else ""
        if signup.evaluation_note:
            evaluation = f"{evaluation}（{signup.evaluation_note}）" if evaluation else signup.evaluation_note
        rows.append([_cell(v) for v in (
            number or "", _full_name(person), identity_reference(person), activity.title, content,
            CATEGORY_WORDS.get(activity.category.value, activity.category.value), activity.place,
            _local_text(started), _local_text(ended), rules.shown_hours(signup.credited_hours), activity.organiser_name,
            evaluation, _full_name(by) if by is not None else "", local_date_of(signup.confirmed_at).isoformat())])
    return rows


def export_csv(session: Session, compound: Compound, year: int | None = None) -> str:
    """The export as CSV text starting with a byte-order mark, so Excel opens the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(export_rows(session, compound, year))
    return "\ufeff" + out.getvalue()
