"""The convenor's pages: draft, options, schedule, open, extend, close, cancel, roll, paper ballots, voids."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from neighbourhood.accounts.models import User
from neighbourhood.accounts.permissions import compounds_of
from neighbourhood.council.models import Decision
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from neighbourhood.media import services as media
from neighbourhood.places.models import Compound
from neighbourhood.voting import methods, roll as rolls, services
from neighbourhood.voting.blueprint import bp
from neighbourhood.voting.integrity import BallotKeys
from neighbourhood.voting.manage_forms import (
    CHANNELS, ELECTORATES, PASS_RULES, RESULTS, SECRECY, BallotForm, ExtendForm, OptionForm,
    PaperForm, ReasonForm, RunoffForm, explanations, methods_using,
)
from neighbourhood.voting.models import Ballot, BallotOption, BallotStatus, Channel, Elector, Participation
from neighbourhood.voting.permissions import (
    can_draft_ballots, can_draft_statutory, can_manage_ballot, can_record_paper, can_view_roll,
)
from neighbourhood.web.display import local_datetime
from neighbourhood.web.rendering import get_or_404, render, require

ROLL_PAGE = 50
PAPER_PHOTO = "ballot_paper"


def _keys() -> BallotKeys:
    return BallotKeys.from_secret(current_app.config["SECRET_KEY"])


def _ballot(ballot_id: int) -> Ballot:
    """The ballot with its compound (options load when a page needs them), after opening or closing whatever in
    its compound is due, so its status is current."""
    ballot = db.session.scalar(select(Ballot).where(Ballot.id == ballot_id).options(joinedload(Ballot.compound)))
    if ballot is None:
        abort(404)
    if services.process_due(db.session, keys=_keys(), compound_id=ballot.compound_id):
        db.session.commit()
    return ballot


def _managed(ballot_id: int) -> Ballot:
    ballot = _ballot(ballot_id)
    require(can_manage_ballot(current_user, ballot))
    return ballot


def _to_ballot(ballot: Ballot, message: str | None = None, category: str = "success"):
    if message:
        flash(message, category)
    return redirect(url_for("voting.detail", ballot_id=ballot.id))


def _not_now(ballot: Ballot, message: str):
    """An action the ballot's status no longer allows (another tab, or the clock, got there first)."""
    return _to_ballot(ballot, message, "error")


def _when(value) -> str:
    return local_datetime(value, "short")


def _form_context() -> dict:
    return {"electorate_help": explanations(ELECTORATES), "secrecy_help": explanations(SECRECY),
            "results_help": explanations(RESULTS), "pass_rule_help": explanations(PASS_RULES),
            "methods_using": methods_using,
            "method_labels": {key: cls.label for key, cls in methods.METHODS.items()}}


# --- drafting ----------------------------------------------------------------------------------------------

def _draft_compound(decision: Decision | None) -> Compound | None:
    """?compound= (403 unless the user drafts there), the council decision's compound, else the user's first
    compound where they draft ballots."""
    chosen = request.args.get("compound", type=int)
    if decision is not None:
        if chosen is not None and chosen != decision.compound_id:
            abort(404)
        chosen = decision.compound_id
    if chosen is not None:
        compound = get_or_404(Compound, chosen)
        require(can_draft_ballots(current_user, compound))
        return compound
    return next((c for c in compounds_of(current_user) if can_draft_ballots(current_user, c)), None)


@bp.route("/ballots/new", methods=["GET", "POST"])
@login_required
def new():
    decision_id = request.args.get("decision", type=int)
    decision = get_or_404(Decision, decision_id) if decision_id is not None else None
    compound = _draft_compound(decision)
    require(compound is not None)
    awaiting = services.decisions_awaiting_ballot(db.session, compound)
    if decision is not None and decision not in awaiting:
        flash(_("This council decision is not waiting for a ballot."), "error")
        return redirect(url_for("voting.new", compound=compound.id))
    form = BallotForm(allow_statutory=can_draft_statutory(current_user, compound))
    if decision is not None and request.method == "GET":
        form.title.data = decision.proposal.title[:services.TITLE_MAX]
        form.description.data = decision.proposal.body
        form.method.data = "yes_no"
    if form.validate_on_submit():
        try:
            ballot = services.draft_ballot(db.session, compound=compound, by=current_user,
                                           data=form.ballot_input(), decision=decision)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The draft is saved. Only its managers and the supervisors see it until it opens."), "success")
            if ballot.tally_method().has_options:
                return redirect(url_for("voting.edit", ballot_id=ballot.id, _anchor="options"))
            return _to_ballot(ballot)
    elif request.method == "POST":
        _check_the_rest(form)
    return render("voting/manage/form.html", form=form, compound=compound, ballot=None, decision=decision,
                  awaiting=awaiting if decision is None else [], **_form_context())


def _check_the_rest(form: BallotForm) -> None:
    """When some fields are wrong, also say what the services would refuse, so it takes one correction."""
    if form.parsed():
        try:
            services.check_draft(form.ballot_input(), now=utcnow())
        except DomainError as error:
            form.form_errors.append(str(error))
    if not form.form_errors:
        form.form_errors.append(_("Nothing was saved. Please correct the marked fields."))


@bp.route("/ballots/<int:ballot_id>/edit", methods=["GET", "POST"])
@login_required
def edit(ballot_id: int):
    ballot = _managed(ballot_id)
    if not ballot.is_editable:
        return _not_now(ballot, _("Only a draft can be changed."))
    form = BallotForm(obj=ballot, allow_statutory=can_draft_statutory(current_user, ballot.compound))
    form.submit.label.text = _("Save changes")
    if form.validate_on_submit():
        try:
            services.edit_ballot(db.session, ballot=ballot, by=current_user, data=form.ballot_input())
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            return _to_ballot(ballot, _("Saved."))
    elif request.method == "POST":
        _check_the_rest(form)
    return _edit_page(ballot, form=form)


def _edit_page(ballot: Ballot, *, form: BallotForm | None = None, option_form: OptionForm | None = None,
               refusal: str | None = None):
    if form is None:
        form = BallotForm(formdata=None, obj=ballot,
                          allow_statutory=can_draft_statutory(current_user, ballot.compound))
        form.submit.label.text = _("Save changes")
    if refusal:
        form.form_errors.append(refusal)
    return render("voting/manage/form.html", form=form, compound=ballot.compound, ballot=ballot, decision=None,
                  awaiting=[], option_form=option_form or OptionForm(formdata=None), **_form_context())


@bp.post("/ballots/<int:ballot_id>/options")
@login_required
def add_option(ballot_id: int):
    ballot = _managed(ballot_id)
    if not ballot.is_editable:
        return _not_now(ballot, _("Only a draft's options can be changed."))
    form = OptionForm()
    if form.validate_on_submit():
        try:
            services.add_option(db.session, ballot=ballot, by=current_user, label=form.label.data,
                                description=form.description.data or "", cost=form.cost.data)
        except DomainError as error:
            db.session.rollback()
            if not ballot.tally_method().has_options:
                return _edit_page(ballot, refusal=str(error))
            form.label.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Option added."), "success")
            return redirect(url_for("voting.edit", ballot_id=ballot.id, _anchor="options"))
    return _edit_page(ballot, option_form=form)


@bp.post("/ballots/<int:ballot_id>/options/<int:option_id>/remove")
@login_required
def remove_option(ballot_id: int, option_id: int):
    ballot = _managed(ballot_id)
    option = get_or_404(BallotOption, option_id)
    if option.ballot_id != ballot.id:
        abort(404)
    if not ballot.is_editable:
        return _not_now(ballot, _("Only a draft's options can be changed."))
    services.remove_option(db.session, ballot=ballot, option=option, by=current_user)
    db.session.commit()
    flash(_("Option removed."), "success")
    return redirect(url_for("voting.edit", ballot_id=ballot.id, _anchor="options"))


# --- schedule, open, cancel ----------------------------------------------------------------------------------

@bp.post("/ballots/<int:ballot_id>/schedule")
@login_required
def schedule(ballot_id: int):
    ballot = _managed(ballot_id)
    if not ballot.is_editable:
        return _not_now(ballot, _("Only a draft can be scheduled."))
    try:
        services.schedule(db.session, ballot=ballot, by=current_user)
    except DomainError as error:
        db.session.rollback()
        return _edit_page(ballot, refusal=str(error))
    db.session.commit()
    return _to_ballot(ballot, _("Scheduled: it opens by itself at %(time)s.", time=_when(ballot.opens_at)))


@bp.post("/ballots/<int:ballot_id>/unschedule")
@login_required
def unschedule(ballot_id: int):
    ballot = _managed(ballot_id)
    if ballot.status is not BallotStatus.SCHEDULED:
        return _not_now(ballot, _("Only a scheduled ballot can go back to draft."))
    services.unschedule(db.session, ballot=ballot, by=current_user)
    db.session.commit()
    return _to_ballot(ballot, _("Back to draft: it will not open by itself. You can change it now."))


@dataclass
class OpenPreview:
    """What opening now would do: the roll it would freeze, or why it cannot open yet."""
    roll_size: int
    problem: str | None


def _preview(ballot: Ballot) -> OpenPreview:
    try:
        ballot.tally_method().check_setup(ballot.setup())
    except methods.InvalidSetup as refusal:
        return OpenPreview(0, str(refusal))
    return OpenPreview(len(rolls.build(db.session, ballot.compound_id, ballot.electorate)), None)


@bp.route("/ballots/<int:ballot_id>/open", methods=["GET", "POST"], endpoint="open")
@login_required
def open_now(ballot_id: int):
    ballot = _managed(ballot_id)
    if ballot.status not in (BallotStatus.DRAFT, BallotStatus.SCHEDULED):
        return _not_now(ballot, _("This ballot has already opened or was cancelled."))
    error = None
    if request.method == "POST":
        try:
            size = services.open_ballot(db.session, ballot=ballot, by=current_user)
        except DomainError as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            db.session.commit()
            return _to_ballot(ballot, _("The ballot is open. %(n)s electors are on the frozen roll and have been "
                                        "notified.", n=size))
    return render("voting/manage/open.html", ballot=ballot, preview=_preview(ballot), error=error)


@bp.route("/ballots/<int:ballot_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(ballot_id: int):
    ballot = _managed(ballot_id)
    if ballot.status not in (BallotStatus.DRAFT, BallotStatus.SCHEDULED):
        return _not_now(ballot, _("Only a ballot that has not opened can be cancelled."))
    form = ReasonForm()
    form.submit.label.text = _("Cancel the ballot")
    if form.validate_on_submit():
        try:
            services.cancel(db.session, ballot=ballot, by=current_user, reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            form.reason.errors.append(str(error))
        else:
            db.session.commit()
            return _to_ballot(ballot, _("The ballot is cancelled."))
    return render("voting/manage/cancel.html", ballot=ballot, form=form)


# --- while open: extend, close early -------------------------------------------------------------------------

@bp.route("/ballots/<int:ballot_id>/extend", methods=["GET", "POST"])
@login_required
def extend(ballot_id: int):
    ballot = _managed(ballot_id)
    if not ballot.is_open:
        return _not_now(ballot, _("Only an open ballot can be extended."))
    form = ExtendForm(closes_at=ballot.closes_at)
    if request.method == "GET":
        form.until.data = ballot.closes_at
    if ballot.was_extended:
        if request.method == "POST":
            form.form_errors.append(_("A ballot's closing time can be extended only once."))
    elif form.validate_on_submit():
        try:
            services.extend(db.session, ballot=ballot, by=current_user, until=form.until.data,
                            notice=form.notice.data)
        except DomainError as error:
            db.session.rollback()
            form.until.errors.append(str(error))
        else:
            db.session.commit()
            return _to_ballot(ballot, _("The closing time is now %(time)s. The notice is published and the "
                                        "voters are told.", time=_when(ballot.closes_at)))
    return render("voting/manage/extend.html", ballot=ballot, form=form)


@bp.route("/ballots/<int:ballot_id>/close", methods=["GET", "POST"])
@login_required
def close(ballot_id: int):
    ballot = _managed(ballot_id)
    if not ballot.is_open:
        return _not_now(ballot, _("Only an open ballot can be closed."))
    error = None
    if request.method == "POST":
        try:
            services.close_early(db.session, ballot=ballot, by=current_user, keys=_keys())
        except DomainError as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            db.session.commit()
            return _to_ballot(ballot, _("The ballot is closed, counted and its result signed."))
    return render("voting/manage/close.html", ballot=ballot, turnout=services.turnout(db.session, ballot),
                  error=error)


# --- after close: the run-off ------------------------------------------------------------------------------

def _runoff_candidates(ballot: Ballot) -> list[BallotOption] | None:
    """The candidates a run-off would take, or None when there is nothing to run off."""
    if not ballot.is_closed or ballot.method != "election" or not ballot.result:
        return None
    result = methods.Result.from_json(ballot.result)
    keys = result.figures.get("runoff_candidates") or []
    if result.unfilled_seats < 1 or not keys:
        return None
    options = {o.key: o for o in ballot.options}
    return [options[key] for key in keys if key in options]


@bp.route("/ballots/<int:ballot_id>/runoff", methods=["GET", "POST"])
@login_required
def runoff(ballot_id: int):
    ballot = _managed(ballot_id)
    candidates = _runoff_candidates(ballot)
    if candidates is None:
        return _not_now(ballot, _("Only a closed council election with unfilled seats can go to a run-off."))
    form = RunoffForm()
    if form.validate_on_submit():
        try:
            new_ballot = services.runoff(db.session, ballot=ballot, by=current_user, closes_at=form.closes_at.data)
        except DomainError as error:
            db.session.rollback()
            form.closes_at.errors.append(str(error))
        else:
            db.session.commit()
            return _to_ballot(new_ballot, _("The run-off is drafted with the remaining candidates. Check it, "
                                            "then open it."))
    return render("voting/manage/runoff.html", ballot=ballot, form=form, candidates=candidates,
                  unfilled=methods.Result.from_json(ballot.result).unfilled_seats)


# --- the roll, paper ballots and voids ---------------------------------------------------------------------------

@dataclass
class RollRow:
    elector: Elector
    participation: Participation | None
    person: User | None            # residents' roll: whose entry this is
    voter: User | None             # who cast it online
    recorded_by: User | None       # who keyed in a paper ballot or proxy
    photos: list


def _roll_rows(ballot: Ballot, q: str) -> list[RollRow]:
    """The frozen roll, filtered by unit label (or name), with the people it mentions: four queries in all."""
    entries = services.roll_of(db.session, ballot)
    needed = {i for elector, p in entries for i in (elector.user_id, p and p.user_id, p and p.recorded_by_id) if i}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(needed)))} if needed else {}
    if q:
        folded = q.casefold()

        def matches(elector: Elector) -> bool:
            person = people.get(elector.user_id)
            return folded in (elector.label or elector.key).casefold() or \
                bool(person and folded in person.display_name.casefold())

        entries = [(elector, p) for elector, p in entries if matches(elector)]
    paper = [p.id for _elector, p in entries if p is not None and p.channel is not Channel.ONLINE]
    photos = media.photos_for(db.session, PAPER_PHOTO, paper)
    return [RollRow(elector, p, people.get(elector.user_id), people.get(p.user_id) if p else None,
                    people.get(p.recorded_by_id) if p else None, photos.get(p.id, []) if p else [])
            for elector, p in entries]


def _roll_page(ballot: Ballot, *, failed_id: int | None = None, failed_form: ReasonForm | None = None):
    q = (request.args.get("q") or "").strip()[:40]
    rows = _roll_rows(ballot, q)
    page = max(request.args.get("page", type=int) or 1, 1)
    pages = max((len(rows) + ROLL_PAGE - 1) // ROLL_PAGE, 1)
    page = min(page, pages)
    voted = sum(1 for row in rows if row.participation is not None)
    return render("voting/manage/roll.html", ballot=ballot, rows=rows[(page - 1) * ROLL_PAGE:page * ROLL_PAGE],
                  total=len(rows), voted=voted, q=q, page=page, pages=pages, channel_labels=CHANNELS,
                  failed_id=failed_id, failed_form=failed_form, void_form=ReasonForm(formdata=None))


@bp.get("/ballots/<int:ballot_id>/roll")
@login_required
def roll(ballot_id: int):
    ballot = _ballot(ballot_id)
    require(can_view_roll(current_user, ballot))
    return _roll_page(ballot)


@bp.route("/ballots/<int:ballot_id>/paper/<int:elector_id>", methods=["GET", "POST"])
@login_required
def record_paper(ballot_id: int, elector_id: int):
    ballot = _ballot(ballot_id)
    elector = get_or_404(Elector, elector_id)
    if elector.ballot_id != ballot.id:
        abort(404)
    require(can_record_paper(current_user, ballot))
    form = PaperForm()
    if form.validate_on_submit():
        try:
            done = _record_paper(ballot, elector, form)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The ballot for %(who)s is recorded, with its photo.", who=elector.label or elector.key),
                  "success")
            return redirect(url_for("voting.roll", ballot_id=ballot.id, q=request.args.get("q") or None,
                                    _anchor=f"elector-{done.elector_id}"))
    elif request.method == "POST" and not form.form_errors:
        form.form_errors.append(_("Nothing was recorded. Please correct the marked fields."))
    standing = db.session.scalar(select(Participation).where(
        Participation.ballot_id == ballot.id, Participation.elector_id == elector.id,
        Participation.voided_at.is_(None)))
    return render("voting/manage/paper.html", ballot=ballot, elector=elector, form=form, standing=standing,
                  method=ballot.tally_method(), setup=ballot.setup(), posted=request.form,
                  channel_help=explanations(CHANNELS))


def _record_paper(ballot: Ballot, elector: Elector, form: PaperForm) -> Participation:
    """Check the choice and the photo first, so a bad photo changes nothing; then record and attach."""
    config = current_app.config
    choice = ballot.tally_method().parse(ballot.setup(), request.form)
    blobs = media.read_uploads(request.files.getlist("photo"), max_bytes=config["MAX_PHOTO_BYTES"], max_count=1)
    if not blobs:
        raise DomainError(_("Add a photo of the signed form: the ballot cannot be recorded without it."))
    cleaned = media.check_photos(blobs)
    participation = services.record_paper(
        db.session, ballot=ballot, by=current_user, elector=elector, choice=choice, keys=_keys(),
        channel=Channel(form.channel.data), proxy_name=form.proxy_name.data or "").participation
    media.attach_photos(db.session, upload_dir=config["UPLOAD_DIR"], cleaned=cleaned, subject_type=PAPER_PHOTO,
                        subject_id=participation.id, compound_id=ballot.compound_id, uploader=current_user)
    return participation


@bp.post("/ballots/<int:ballot_id>/participations/<int:participation_id>/void")
@login_required
def void(ballot_id: int, participation_id: int):
    ballot = _ballot(ballot_id)
    participation = get_or_404(Participation, participation_id)
    if participation.ballot_id != ballot.id:
        abort(404)
    require(can_record_paper(current_user, ballot))
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.void(db.session, ballot=ballot, participation=participation, by=current_user,
                          reason=form.reason.data, keys=_keys())
        except DomainError as error:
            db.session.rollback()
            form.reason.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The ballot is set aside, with your reason on record. %(who)s can vote again.",
                    who=participation.elector.label or participation.elector.key), "success")
            return redirect(url_for("voting.roll", ballot_id=ballot.id, _anchor=f"elector-{participation.elector_id}"))
    return _roll_page(ballot, failed_id=participation.id, failed_form=form)
