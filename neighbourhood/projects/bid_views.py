"""Bids on a project: an implementer's bid (or one the council records), withdrawing it, the council's choice
with public reasons, and putting the bids to the residents' ballot."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from neighbourhood.db import DomainError
from neighbourhood.extensions import db
from neighbourhood.projects import bids, pages
from neighbourhood.projects.bid_forms import BID_STATUS_LABELS, BidBallotForm, BidForm
from neighbourhood.projects.bid_permissions import (
    can_choose_bid, can_put_bids_to_ballot, can_record_any_bid, can_submit_bid, can_withdraw_bid,
)
from neighbourhood.projects.blueprint import bp
from neighbourhood.projects.models import Bid, ImplementerKind, Project
from neighbourhood.voting.models import BallotStatus
from neighbourhood.web.rendering import get_or_404, require


def _limit_kinds(form: BidForm, project: Project) -> BidForm:
    if not can_record_any_bid(current_user, project):
        form.bidder_kind.choices = [c for c in form.bidder_kind.choices if c.value == ImplementerKind.ENTERPRISE]
    return form


def _implementer_ballot_status(shown: list[Bid]) -> BallotStatus | None:
    """The project's implementer ballot's status, as loaded with the bids on it (None: no ballot)."""
    return next((b.ballot_status for b in shown if b.ballot_status is not None), None)


@bp.context_processor
def _bid_words():
    return {"bid_status_label": BID_STATUS_LABELS.get, "implementer_ballot_status": _implementer_ballot_status,
            "voting_statuses": bids.VOTING,
            "empty_bid_form": lambda project: _limit_kinds(BidForm(formdata=None), project),
            "empty_bid_ballot_form": lambda: BidBallotForm(formdata=None)}


def _bid(project: Project, bid_id: int) -> Bid:
    bid = get_or_404(Bid, bid_id)
    if bid.project_id != project.id:
        abort(404)
    return bid


@bp.post("/projects/<int:project_id>/bids")
@login_required
def submit_bid(project_id: int):
    project = pages.load_project(project_id)
    require(can_submit_bid(current_user, project))
    form = _limit_kinds(BidForm(), project)
    if form.validate_on_submit():
        try:
            bids.submit_bid(db.session, project=project, by=current_user,
                            bidder_kind=ImplementerKind(form.bidder_kind.data), bidder_name=form.bidder_name.data,
                            quote=form.quote.data, plan=form.plan.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            return pages.done(project, _("The bid is recorded. The council chooses with public reasons, or puts "
                                         "the bids to the residents."))
    elif not form.form_errors:
        form.form_errors.append(_("Nothing was saved. Please correct the marked fields."))
    return pages.detail_page(pages.load_project(project_id), failed="bid", failed_form=form)


@bp.post("/projects/<int:project_id>/bids/<int:bid_id>/withdraw")
@login_required
def withdraw_bid(project_id: int, bid_id: int):
    project = pages.load_project(project_id)
    bid = _bid(project, bid_id)
    require(can_withdraw_bid(current_user, bid))
    return pages.attempt(project, lambda: bids.withdraw_bid(db.session, bid=bid, by=current_user),
                         _("The bid is withdrawn."))


@bp.post("/projects/<int:project_id>/bids/<int:bid_id>/choose")
@login_required
def choose_bid(project_id: int, bid_id: int):
    project = pages.load_project(project_id)
    bid = _bid(project, bid_id)
    require(can_choose_bid(current_user, project))
    return pages.text_action(project, f"choose-{bid.id}", _("Why this bid? (public)"),
                             lambda text: bids.choose_bid(db.session, bid=bid, by=current_user, reason=text),
                             _("The implementer is chosen. The bidders and the council are told."))


@bp.post("/projects/<int:project_id>/bids/ballot")
@login_required
def put_bids_to_ballot(project_id: int):
    project = pages.load_project(project_id)
    require(can_put_bids_to_ballot(current_user, project))
    form = BidBallotForm()
    if form.validate_on_submit():
        try:
            ballot = bids.put_to_ballot(db.session, project=project, by=current_user, closes_at=form.closes_at.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The ballot is drafted with one option per bid. Check it, then schedule or open it."),
                  "success")
            return redirect(url_for("voting.detail", ballot_id=ballot.id))
    elif not form.form_errors:
        form.form_errors.append(_("Nothing was saved. Please correct the marked fields."))
    return pages.detail_page(pages.load_project(project_id), failed="bid-ballot", failed_form=form)
