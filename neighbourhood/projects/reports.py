"""The supervisory committee's oversight reports to residents, and the cross-checks `flask audit verify` runs on
micro-project records: a row edited in the database behind the app's back no longer matches the audit chain.

A published report is final: the ORM refuses to change or delete it, and its body's SHA-256 is in the chain, so
an edit made with direct SQL shows. A correction is a new report."""
from __future__ import annotations

import hashlib
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload

from neighbourhood.accounts.households import verified_people
from neighbourhood.accounts.models import User
from neighbourhood.accounts.permissions import is_supervisor
from neighbourhood.accounts.services import public_name_loads
from neighbourhood.audit import services as audit
from neighbourhood.audit.models import AppendOnlyViolation
from neighbourhood.db import DomainError
from neighbourhood.notifications.services import notify
from neighbourhood.places.models import Compound
from neighbourhood.projects import rules
from neighbourhood.projects.forms import ENTRY_STATUS_LABELS, KIND_LABELS
from neighbourhood.projects.models import (
    EntryKind, EntryStatus, FundRequest, FundRequestStatus, LedgerEntry, OversightReport,
)

TITLE_MAX = 120
PERIOD_MAX = 60
BODY_MAX = 20_000
PUBLISHED = "report.published"


def body_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def report_url(report: OversightReport) -> str:
    return f"/oversight/reports/{report.id}"


def publish_report(session: Session, *, compound: Compound, by: User, title: str, period: str,
                   body: str) -> OversightReport:
    """A supervisor of the compound publishes a report; the compound's verified residents are told."""
    if not is_supervisor(by, compound):
        raise DomainError(_l("Only the compound's supervisory committee publishes oversight reports."))
    title, period, body = (title or "").strip(), (period or "").strip(), (body or "").strip()
    if not title or not period or not body:
        raise DomainError(_l("Give the report a title, the period it covers and its text."))
    if len(title) > TITLE_MAX:
        raise DomainError(_l("Keep the title to %(count)s characters.", count=TITLE_MAX))
    if len(period) > PERIOD_MAX:
        raise DomainError(_l("Keep the period to %(count)s characters.", count=PERIOD_MAX))
    if len(body) > BODY_MAX:
        raise DomainError(_l("Keep the report to %(count)s characters.", count=format(BODY_MAX, ",")))
    report = OversightReport(compound_id=compound.id, community_id=compound.community_id, title=title,
                             period=period, body=body, published_by_id=by.id)
    session.add(report)
    session.flush()
    audit.record(session, actor=by, action=PUBLISHED, subject=report, compound_id=compound.id,
                 community_id=compound.community_id,
                 data={"title": title, "period": period, "body_sha256": body_digest(body)})
    notify(session, recipients=verified_people(session, compound.id), kind="oversight.report", url=report_url(report),
           params={"title": title}, compound_id=compound.id, actor=by)
    return report


def reports_of(session: Session, compound_id: int, *, limit: int | None = None) -> list[OversightReport]:
    """The compound's reports, newest first, with who published them (and what their public name needs)."""
    query = (select(OversightReport).where(OversightReport.compound_id == compound_id)
             .options(public_name_loads(joinedload(OversightReport.published_by)))
             .order_by(OversightReport.published_at.desc(), OversightReport.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


@event.listens_for(OversightReport, "before_update")
def _refuse_edit(mapper, connection, target):
    raise AppendOnlyViolation("a published report cannot be changed: publish a correction instead")


@event.listens_for(OversightReport, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyViolation("a published report cannot be deleted: publish a correction instead")


# --- cross-checks for `flask audit verify` and the dashboard ---------------------------------------------------

LEDGER_ACTIONS = ("ledger.entered", "ledger.approved", "ledger.rejected")
DECIDED = {"ledger.approved": EntryStatus.APPROVED, "ledger.rejected": EntryStatus.REJECTED}


def _amount(value) -> Decimal:
    return Decimal(str(value)).quantize(rules.FEN)


def _yuan(value) -> str:
    return f"{_amount(value):,.2f}"


@audit.cross_check("ledger", _l("Ledger entries match their audit records"),
                   subject_types=("ledger_entries", "fund_requests"), actions=(*LEDGER_ACTIONS, "fund.approved"))
def check_ledger(session: Session, compound_id: int | None, trail: audit.Trail) -> list[str]:
    """Each entry's amount, kind and status are the last the chain recorded for it: its entry (or, for a grant,
    the station's approval of the request) and any supervisor's decision."""
    entries = select(LedgerEntry).order_by(LedgerEntry.id)
    if compound_id is not None:
        entries = entries.where(LedgerEntry.compound_id == compound_id)
    problems: list[str] = []
    seen: set[int] = set()
    for entry in session.scalars(entries):
        seen.add(entry.id)
        if entry.fund_request_id is not None:
            granted = [a for a in trail.get(("fund_requests", entry.fund_request_id), [])
                       if a.action == "fund.approved"]
            created = granted[-1] if granted else None
            kind, status = EntryKind.INCOME, EntryStatus.APPROVED
            amount = created.data.get("amount") if created else None
        else:
            history = trail.get(("ledger_entries", entry.id), [])
            created = next((a for a in history if a.action == "ledger.entered"), None)
            decisions = [a for a in history if a.action in DECIDED]
            kind = EntryKind(created.data.get("kind")) if created else None
            status = DECIDED[decisions[-1].action] if decisions else (
                EntryStatus.PENDING if kind is EntryKind.SPENDING else EntryStatus.APPROVED)
            amount = (decisions[-1] if decisions else created).data.get("amount") if created else None
        if created is None:
            problems.append(_l("Ledger entry %(id)s has no record in the audit log of being entered.", id=entry.id))
            continue
        if amount is not None and _amount(entry.amount) != _amount(amount):
            problems.append(_l("Ledger entry %(id)s: the amount is %(now)s yuan, but the audit log recorded "
                               "%(audited)s yuan.", id=entry.id, now=_yuan(entry.amount), audited=_yuan(amount)))
        if entry.kind is not kind:
            problems.append(_l("Ledger entry %(id)s is recorded as %(now)s, but the audit log says %(audited)s.",
                               id=entry.id, now=KIND_LABELS[entry.kind], audited=KIND_LABELS[kind]))
        if entry.status is not status:
            problems.append(_l("Ledger entry %(id)s is recorded as %(now)s, but the audit log says %(audited)s.",
                               id=entry.id, now=ENTRY_STATUS_LABELS[entry.status],
                               audited=ENTRY_STATUS_LABELS[status]))
    problems += [_l("Ledger entry %(id)s is in the audit log but missing from the ledger.", id=entry_id)
                 for entry_id in audit.gone(trail, "ledger_entries", seen)]
    return problems


@audit.cross_check("funding", _l("Approved funding matches its audit records"),
                   subject_types=("fund_requests",), actions=("fund.approved",))
def check_funding(session: Session, compound_id: int | None, trail: audit.Trail) -> list[str]:
    """Every approved funding request was approved in the chain, for the amount it now shows."""
    requests = select(FundRequest).order_by(FundRequest.id)
    if compound_id is not None:
        requests = requests.where(FundRequest.compound_id == compound_id)
    problems: list[str] = []
    for request in session.scalars(requests):
        approvals = trail.get(("fund_requests", request.id), [])
        approved = request.status is FundRequestStatus.APPROVED
        if approved and not approvals:
            problems.append(_l("Funding request %(id)s is approved, but the audit log has no record of its "
                               "approval.", id=request.id))
        elif approvals and not approved:
            problems.append(_l("Funding request %(id)s was approved in the audit log but no longer shows as "
                               "approved.", id=request.id))
        elif approved and _amount(request.amount) != _amount(approvals[-1].data.get("amount")):
            problems.append(_l("Funding request %(id)s: the approved amount is %(now)s yuan, but the audit log "
                               "recorded %(audited)s yuan.", id=request.id, now=_yuan(request.amount),
                               audited=_yuan(approvals[-1].data.get("amount"))))
    return problems


@audit.cross_check("reports", _l("Oversight reports match the text published"),
                   subject_types=("oversight_reports",), actions=(PUBLISHED,))
def check_reports(session: Session, compound_id: int | None, trail: audit.Trail) -> list[str]:
    """Every report's text is the text that was published."""
    query = select(OversightReport.id, OversightReport.body).order_by(OversightReport.id)
    if compound_id is not None:
        query = query.where(OversightReport.compound_id == compound_id)
    problems: list[str] = []
    seen: set[int] = set()
    for report_id, body in session.execute(query):
        seen.add(report_id)
        published = trail.get(("oversight_reports", report_id))
        if not published:
            problems.append(_l("Oversight report %(id)s has no record in the audit log of being published.",
                               id=report_id))
        elif published[0].data.get("body_sha256") != body_digest(body):
            problems.append(_l("Oversight report %(id)s has been changed since it was published: its text no "
                               "longer matches the audit log.", id=report_id))
    problems += [_l("Oversight report %(id)s is in the audit log but has been removed.", id=report_id)
                 for report_id in audit.gone(trail, "oversight_reports", seen)]
    return problems
