"""The project page and the shapes every project action shares: load the project, render the page (again,
with a failed form kept filled in), and finish an action with a message or a refusal."""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from neighbourhood.accounts.services import public_name_loads
from neighbourhood.council.models import Decision
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from neighbourhood.media import services as media
from neighbourhood.media.models import Photo
from neighbourhood.projects import bids, evaluation, services
from neighbourhood.projects.forms import EntryForm, MilestoneForm, TextForm
from neighbourhood.projects.models import (
    FundRequest, FundRequestStatus, LedgerEntry, Milestone, Objection, Project, ProjectStatus,
)
from neighbourhood.projects.permissions import can_read_projects, can_see_counterparty_names
from neighbourhood.proposals.models import Proposal
from neighbourhood.volunteering.models import Activity
from neighbourhood.voting.models import Ballot
from neighbourhood.web.rendering import render, require

RECEIPT = "ledger_entry"
MILESTONE = "milestone"


# --- one project -----------------------------------------------------------------------------------------------

def load_project(project_id: int) -> Project:
    project = db.session.scalar(select(Project).where(Project.id == project_id)
                                .options(joinedload(Project.compound), public_name_loads(joinedload(Project.lead))))
    if project is None:
        abort(404)
    return project


def _at(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())


def _timeline(project, milestones, requests, objections) -> list[tuple[datetime, str, object]]:
    """The public story of the project in date order: (when, kind, the thing)."""
    events = [(_at(project.created_at), "created", project)]
    events += [(_at(getattr(project, f"{step}_at")), step, project)
               for step in ("implementer_chosen", "started", "completed", "accepted", "rating_settled")
               if getattr(project, f"{step}_at")]
    events += [(_at(m.reached_on), "milestone", m) for m in milestones]
    events += [(r.decided_at, "funding", r) for r in requests if r.decided_at]
    events += [(o.raised_at, "objection", o) for o in objections]
    events += [(o.answered_at, "answer", o) for o in objections if o.answered_at]
    events += [(o.settled_at, "settled", o) for o in objections if o.settled_at]
    return sorted(events, key=lambda e: e[0])


def _photos(entries, milestones) -> dict[str, dict[int, list[Photo]]]:
    """Receipts and milestone photos in one query, by subject type and id."""
    return media.photos_of_kinds(db.session, {RECEIPT: [e.id for e in entries],
                                              MILESTONE: [m.id for m in milestones]})


def detail_page(project: Project, *, failed: str = "", failed_form=None, milestone_form=None, entry_form=None):
    require(can_read_projects(current_user))
    session = db.session
    entries = list(session.scalars(select(LedgerEntry).where(LedgerEntry.project_id == project.id)
                                   .order_by(LedgerEntry.occurred_on, LedgerEntry.id)))
    milestones = list(session.scalars(select(Milestone).where(Milestone.project_id == project.id)
                                      .order_by(Milestone.reached_on, Milestone.id)))
    objections = list(session.scalars(select(Objection).where(Objection.project_id == project.id)
                                      .order_by(Objection.raised_at, Objection.id)))
    requests = list(session.scalars(select(FundRequest).where(FundRequest.project_id == project.id,
                                                              FundRequest.status != FundRequestStatus.REQUESTED)))
    activities = select(func.count(Activity.id)).where(Activity.project_id == Project.id).scalar_subquery()
    proposal, meeting_id, ballot_title, volunteer_activities = session.execute(
        select(Proposal, Decision.meeting_id, Ballot.title, activities).select_from(Project)
        .outerjoin(Proposal, Proposal.id == Project.proposal_id).outerjoin(Decision, Decision.id == Project.decision_id)
        .outerjoin(Ballot, Ballot.id == Project.ballot_id).where(Project.id == project.id)).one()
    photos = _photos(entries, milestones)
    # Bids matter while the implementer is being chosen; ratings once the project is accepted.
    bids_shown = bids.on_page(session, project) if project.status is ProjectStatus.PLANNING else []
    rated = evaluation.on_page(session, project, current_user) if project.status is ProjectStatus.ACCEPTED else None
    today = utcnow().date()
    return render(
        "projects/detail.html", project=project, entries=entries, milestones=milestones, objections=objections,
        proposal=proposal, meeting_id=meeting_id, ballot_title=ballot_title, volunteer_activities=volunteer_activities,
        money=services.balance_of(entries), paused=any(o.pauses_spending for o in objections),
        timeline=_timeline(project, milestones, requests, objections),
        receipts=photos[RECEIPT], milestone_photos=photos[MILESTONE],
        shown_counterparty=lambda e: services.shown_counterparty(
            e, may_see_names=can_see_counterparty_names(current_user, project)),
        bids=bids_shown, evaluation=rated, shown_purpose=services.shown_purpose, failed=failed, failed_form=failed_form,
        milestone_form=milestone_form or MilestoneForm(formdata=None, reached_on=today),
        entry_form=entry_form or EntryForm(formdata=None, occurred_on=today))


def done(project: Project, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("projects.detail", project_id=project.id))


def refused(project: Project, error: DomainError):
    """A change the project's state refuses (another tab got there first): nothing changed, say why."""
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url_for("projects.detail", project_id=project.id))


def attempt(project: Project, act, message: str):
    """A one-click action: the service call and back to the project with a message, or with the refusal."""
    try:
        act()
    except DomainError as error:
        return refused(project, error)
    return done(project, message)


def text_action(project: Project, key: str, label: str, act, message: str):
    """A form of one required text (reason, note, objection, answer): the service call, or the page again with
    the text kept and the error shown."""
    form = TextForm(label=label)
    if form.validate_on_submit():
        try:
            act(form.text.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            return done(project, message)
    return detail_page(load_project(project.id), failed=key, failed_form=form)
