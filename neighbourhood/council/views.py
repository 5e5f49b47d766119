"""The council's agenda, its meeting records, and supervisors' opinions on decisions."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from neighbourhood.accounts.permissions import compounds_of
from neighbourhood.council import services
from neighbourhood.council.forms import OUTCOME_NAMES, MeetingForm, OpinionForm
from neighbourhood.council.models import Decision
from neighbourhood.council.permissions import (
    can_give_opinion, can_read_decisions, can_record_meeting, can_see_agenda, can_view_meeting,
)
from neighbourhood.db import DomainError
from neighbourhood.extensions import db, htmx
from neighbourhood.places.models import Compound
from neighbourhood.proposals.models import ProposalStatus
from neighbourhood.web.rendering import get_or_404, render, require

bp = Blueprint("council", __name__, url_prefix="/council")


def _local_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _compound(predicate) -> tuple[Compound | None, list[Compound]]:
    """The compound named by ?compound= (403 unless allowed), else the user's first allowed one; and all
    the user's allowed compounds, for switching."""
    allowed = [c for c in compounds_of(current_user) if predicate(current_user, c)]
    chosen = request.args.get("compound", type=int)
    if chosen is None:
        return (allowed[0] if allowed else None), allowed
    compound = get_or_404(Compound, chosen)
    require(predicate(current_user, compound))
    return compound, allowed


@bp.get("/")
@login_required
def index():
    compound, compounds = _compound(can_read_decisions)
    if compound is None:
        return render("council/index.html", compound=None, compounds=[], items=[], meetings=[])
    items = services.agenda(db.session, compound) if can_see_agenda(current_user, compound) else []
    return render("council/index.html", compound=compound, compounds=compounds, items=items,
                  meetings=services.meetings_of(db.session, compound), outcome_names=OUTCOME_NAMES)


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting():
    compound, _allowed = _compound(can_record_meeting)
    require(compound is not None)
    today = _local_today()
    form = MeetingForm()
    if request.method == "GET":
        form.held_on.data = _date_arg(request.args.get("held_on")) or today
    agenda = {item.proposal.id: item for item in services.agenda(db.session, compound)}
    stale = _fill_items(form, agenda, services.merge_candidates(db.session, compound))
    refresh = "refresh" in request.form
    if request.method == "POST" and not refresh:
        if stale:
            form.form_errors.append(_("Some proposals on this form were decided meanwhile and are no longer "
                                      "on the agenda. Check the decisions below and save again."))
        elif form.validate_on_submit():
            try:
                meeting = services.record_meeting(db.session, compound=compound, by=current_user,
                                                  data=_meeting_input(form), today=today)
            except services.MeetingRefused as refusal:
                db.session.rollback()
                _show_refusal(form, refusal)
            else:
                db.session.commit()
                flash(_("The meeting is recorded.") if meeting.decisions or meeting.is_quorate
                      else _("The meeting is recorded as minutes only: it was not quorate."), "success")
                return redirect(url_for("council.meeting", meeting_id=meeting.id))
        else:
            _check_the_rest(form, compound, today)
        if not form.form_errors:
            form.form_errors.append(_("Nothing was saved. Please correct the marked fields."))
    held_on = form.held_on.data if isinstance(form.held_on.data, date) else today
    council, supervisors = services.roles_on(db.session, compound, held_on)
    present = len(set(form.present.data or []) & {u.id for u in council})
    return render("council/new_meeting.html", compound=compound, form=form, agenda=agenda,
                  council=council, supervisors=supervisors, held_on=held_on,
                  quorum=services.quorum_report(compound, len(council), present))


def _date_arg(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _fill_items(form: MeetingForm, agenda: dict, candidates: list) -> bool:
    """One sub-form per agenda item, in agenda order, keeping what was posted. True when the posted form
    held a decision on a proposal that has left the agenda since (that entry is dropped)."""
    posted = {}
    stale = False
    for entry in form.items.entries:
        pid = _int(entry.form.proposal_id.data)
        if pid in agenda and pid not in posted:
            posted[pid] = entry
        elif entry.form.outcome.data:
            stale = True
    entries = []
    for pid in agenda:
        entry = posted.get(pid) or form.items.append_entry({"proposal_id": str(pid)})
        entry.form.merge_into.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(p.id), p.title) for p in candidates if p.id != pid]
        entries.append(entry)
    form.items.entries = entries
    return stale


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _outcome(value) -> ProposalStatus | None:
    return next((status for status in OUTCOME_NAMES if status.value == value), None)


def _meeting_input(form: MeetingForm) -> services.MeetingInput:
    decisions = []
    for entry in form.items.entries:
        item = entry.form
        decisions.append(services.DecisionInput(
            proposal_id=int(item.proposal_id.data),
            outcome=_outcome(item.outcome.data),
            reason=item.reason.data or "",
            merge_into_id=_int(item.merge_into.data),
            votes_for=item.votes_for.data,
            votes_against=item.votes_against.data or 0,
            votes_abstain=item.votes_abstain.data or 0,
        ))
    return services.MeetingInput(
        held_on=form.held_on.data, place=form.place.data or "", minutes=form.minutes.data or "",
        present_ids=list(form.present.data or []), supervisor_ids=list(form.supervisors.data or []),
        decisions=decisions)


def _check_the_rest(form: MeetingForm, compound: Compound, today: date) -> None:
    """When some fields are wrong, still show what else is wrong, so it takes one correction, not several."""
    if not isinstance(form.held_on.data, date):
        return
    try:
        services.check_meeting(db.session, compound=compound, data=_meeting_input(form), today=today)
    except services.MeetingRefused as refusal:
        _show_refusal(form, refusal)


def _show_refusal(form: MeetingForm, refusal: services.MeetingRefused) -> None:
    """Put each problem beside its field (a field that already shows an error keeps just that one)."""
    def add(target, messages):
        if not target.errors:
            target.errors = [str(m) for m in messages]

    form.form_errors.extend(str(m) for m in refusal.general)
    for name, messages in refusal.fields.items():
        add(form[name], messages)
    for entry in form.items.entries:
        problems = refusal.items.get(_int(entry.form.proposal_id.data), {})
        for name, messages in problems.items():
            votes = [entry.form.votes_for, entry.form.votes_against, entry.form.votes_abstain]
            if name == "votes" and any(f.errors for f in votes):
                continue
            add(entry.form.votes_for if name == "votes" else entry.form[name], messages)


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    found = services.load_meeting(db.session, meeting_id)
    if found is None:
        abort(404)
    require(can_view_meeting(current_user, found))
    return _meeting_page(found)


def _meeting_page(meeting, *, failed_id: int | None = None, failed_form: OpinionForm | None = None,
                  status: int = 200):
    return render("council/meeting.html", meeting=meeting, compound=meeting.compound,
                  outcome_names=OUTCOME_NAMES, failed_id=failed_id, failed_form=failed_form,
                  opinion_form=OpinionForm(formdata=None), status=status)


@bp.post("/decisions/<int:decision_id>/opinion")
@login_required
def opinion(decision_id: int):
    decision = get_or_404(Decision, decision_id)
    require(can_give_opinion(current_user, decision))
    form = OpinionForm()
    if form.validate_on_submit():
        try:
            services.give_opinion(db.session, decision=decision, by=current_user, body=form.body.data,
                                  objection=form.objection.data, today=_local_today())
        except DomainError as error:
            db.session.rollback()
            (form.objection if form.objection.data else form.body).errors.append(str(error))
        else:
            db.session.commit()
            message = (_("Your objection is recorded and the proposal is back on the council's agenda.")
                       if form.objection.data else _("Your opinion is recorded."))
            if not htmx:
                flash(message, "success")
                return redirect(url_for("council.meeting", meeting_id=decision.meeting_id,
                                        _anchor=f"decision-{decision.id}"))
            return _decision_fragment(decision.meeting_id, decision.id, notice=message)
    if htmx:
        return _decision_fragment(decision.meeting_id, decision.id, failed_form=form)
    return _meeting_page(services.load_meeting(db.session, decision.meeting_id), failed_id=decision.id,
                         failed_form=form)


def _decision_fragment(meeting_id: int, decision_id: int, *, failed_form=None, notice=None):
    meeting = services.load_meeting(db.session, meeting_id)
    decision = next(d for d in meeting.decisions if d.id == decision_id)
    return render("council/meeting.html", partial="council/_partials/decision.html", meeting=meeting,
                  compound=meeting.compound, decision=decision, outcome_names=OUTCOME_NAMES,
                  failed_id=decision_id if failed_form else None, failed_form=failed_form,
                  opinion_form=OpinionForm(formdata=None), notice=notice)
