"""Voters' pages: the ballot list, a ballot (vote, receipt, results), published receipts, my receipts."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask import abort, current_app, flash, make_response, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from neighbourhood.accounts.permissions import can_take_part, compounds_of, is_owner_in, is_supervisor
from neighbourhood.db import DomainError
from neighbourhood.extensions import db, htmx
from neighbourhood.voting import forms, manage  # noqa: F401  (manage registers the convenor's routes on bp)
from neighbourhood.voting import methods, services, statutory
from neighbourhood.voting.blueprint import bp
from neighbourhood.voting.integrity import BallotKeys, normalise_receipt
from neighbourhood.voting.outcomes import outcome_in_words
from neighbourhood.voting.models import (  # the blueprint module imports the models, so migrations see them
    Ballot, Channel, ElectorateKind, Participation, Secrecy,
)
from neighbourhood.voting.permissions import can_draft_ballots, can_view_ballot, can_vote_in
from neighbourhood.web.display import area
from neighbourhood.web.rendering import chosen_compound, render, require

__all__ = ["bp"]

# The receipt of the vote just cast waits here for the one page view that shows it.
RECEIPT_KEY = "voting_receipt"
RECEIPTS_PER_PAGE = 300


def _keys() -> BallotKeys:
    return BallotKeys.from_secret(current_app.config["SECRET_KEY"])


def _bring_up_to_date(compound_id: int | None) -> bool:
    """Open and close what is due (so ballots keep time without cron); True when something changed."""
    done = services.process_due(db.session, keys=_keys(), compound_id=compound_id)
    if done:
        db.session.commit()
    return bool(done)


def _ballot(ballot_id: int) -> Ballot:
    """The ballot as it stands now; 404 when it does not exist or is a draft this user may not see."""
    ballot = services.load_ballot(db.session, ballot_id)
    if ballot is None or not can_view_ballot(current_user, ballot):
        abort(404)
    if _bring_up_to_date(ballot.compound_id):
        ballot = services.load_ballot(db.session, ballot_id)
    return ballot


@bp.context_processor
def _ballot_words():
    return {
        "ballot_status_label": forms.status_label, "electorate_label": forms.electorate_label,
        "secrecy_label": forms.secrecy_label, "results_label": forms.results_label,
        "channel_label": forms.channel_label, "item_label": forms.item_label,
        "method_label": lambda key: methods.get(key).label if key in methods.METHODS else key,
        "participation_words": forms.PARTICIPATION_WORDS, "approval_words": forms.APPROVAL_WORDS,
    }


# --- the list ----------------------------------------------------------------------------------------------

@bp.get("/ballots/")
@login_required
def index():
    compound = chosen_compound()
    if compound is None:
        return render("voting/index.html", compound=None, compounds=[], lists=None)
    _bring_up_to_date(compound.id)
    include_drafts = can_draft_ballots(current_user, compound) or is_supervisor(current_user, compound)
    lists = services.ballots_of(db.session, compound, include_drafts=include_drafts)
    lists.drafts = [b for b in lists.drafts if can_view_ballot(current_user, b)]
    services.load_options(db.session, lists.closed)
    return render("voting/index.html", compound=compound, compounds=compounds_of(current_user), lists=lists,
                  voted=services.voted_counts(db.session, lists.open + lists.closed), mine=services.my_part(db.session, current_user, lists.open),
                  outcomes={b.id: outcome_in_words(b) for b in lists.closed})


# --- one ballot --------------------------------------------------------------------------------------------

@bp.get("/ballots/<int:ballot_id>")
@login_required
def detail(ballot_id: int):
    return _detail_page(_ballot(ballot_id))


@bp.post("/ballots/<int:ballot_id>/vote")
@login_required
def cast(ballot_id: int):
    ballot = _ballot(ballot_id)
    if not ballot.is_open:
        flash(_("This ballot is not open for voting."), "error")
        return redirect(url_for("voting.detail", ballot_id=ballot.id))
    require(can_vote_in(current_user, ballot))
    try:
        choice = ballot.tally_method().parse(ballot.setup(), request.form)
        done = services.cast(db.session, ballot=ballot, user=current_user, choice=choice, keys=_keys(),
                             elector_id=request.form.get("elector", type=int))
    except DomainError as error:
        db.session.rollback()
        return _detail_page(services.load_ballot(db.session, ballot_id), posted=request.form,
                            errors=[str(error)])
    db.session.commit()
    session[RECEIPT_KEY] = {"ballot": ballot_id, "code": done.receipt, "changed": done.changed}
    flash(_("Your vote is changed. Only your new vote counts.") if done.changed
          else _("Thank you: your vote is recorded."), "success")
    return redirect(url_for("voting.detail", ballot_id=ballot_id, _anchor="receipt"))


def _detail_page(ballot: Ballot, *, posted=None, errors=()):
    method, setup = ballot.tally_method(), ballot.setup()
    standing = services.standing_of(db.session, ballot, current_user)
    turnout = services.turnout(db.session, ballot) if ballot.opened_at is not None else None
    result = services.live_result(db.session, ballot) if ballot.results_public else None
    receipt = None
    if not htmx and (session.get(RECEIPT_KEY) or {}).get("ballot") == ballot.id:
        receipt = session.pop(RECEIPT_KEY)
    return render(
        "voting/detail.html", partial="voting/_partials/count.html",
        ballot=ballot, method=method, setup=setup, standing=standing, turnout=turnout, result=result,
        chart=_chart(method, setup, result), bars=_statutory_bars(ballot, turnout, result),
        vote=_vote_state(ballot, standing), receipt=receipt, posted=posted or MultiDict(), errors=list(errors),
        public_key=_keys().public_key_hex if ballot.result_record else None,
    )


@dataclass
class VoteState:
    """What the voting section offers this user."""
    electors: list          # electors the user may cast (or change) a ballot for now
    changing: bool          # every one of them already voted: the form changes a vote
    off_roll: str           # why the user is not on the roll ("" when they are, or it is not frozen yet)


def _vote_state(ballot: Ballot, standing: services.Standing) -> VoteState:
    off_roll = "" if standing.on_roll or ballot.opened_at is None else _off_roll_reason(ballot)
    if not ballot.is_open or not can_vote_in(current_user, ballot):
        return VoteState([], False, off_roll)
    electors, changes = [], 0
    for elector in standing.electors:
        earlier = standing.participation(elector)
        if earlier is None:
            electors.append(elector)
        elif _may_change(ballot, earlier):
            electors.append(elector)
            changes += 1
    return VoteState(electors, bool(electors) and changes == len(electors), off_roll)


def _may_change(ballot: Ballot, participation: Participation) -> bool:
    return (ballot.allows_changes and participation.channel is Channel.ONLINE
            and participation.user_id == current_user.id)


def _off_roll_reason(ballot: Ballot) -> str:
    """Why a signed-in user is not on a frozen roll: a key the page words."""
    compound = ballot.compound
    if not can_take_part(current_user, compound):
        return "unverified"
    if ballot.electorate is ElectorateKind.OWNERS and not is_owner_in(current_user, compound):
        return "not_owner"
    verified = [m.decided_at for m in current_user.verified_memberships if m.compound_id == compound.id]
    if verified and all(at is not None and at > ballot.opened_at for at in verified):
        return "verified_later"
    return "not_listed"


# --- charts ------------------------------------------------------------------------------------------------

HUNDRED = Decimal(100)
CENTS = Decimal("0.01")


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _number(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value.quantize(CENTS, ROUND_HALF_UP):,}"


def _percent(part: Decimal, whole: Decimal) -> str:
    share = (part * HUNDRED / whole) if whole else Decimal(0)
    return f"{share.quantize(CENTS, ROUND_HALF_UP)}%"


@dataclass
class Bar:
    key: str
    label: str
    value: Decimal
    text: str
    share: Decimal          # of the longest bar, 0–1
    winner: bool


def _chart(method: methods.Method, setup: methods.Setup, result: methods.Result | None) -> list[Bar]:
    if result is None:
        return []
    values = [_decimal(row.value) for row in result.rows]
    top = max(values, default=Decimal(0))
    return [Bar(key=row.key, label=str(method.row_label(setup, row.key)), value=value, text=_number(value),
                share=(value / top) if top else Decimal(0), winner=row.key in result.winners)
            for row, value in zip(result.rows, values)]


@dataclass
class ThresholdBar:
    """One of the four bars of an owners' decision: a share against its Art. 278 threshold."""
    key: str
    label: str
    part: str
    whole: str
    percent: str
    share: Decimal          # 0–1
    threshold: Fraction
    threshold_text: str
    met: bool | None        # None while the share is not shown
    shown: bool


def _threshold_bar(key: str, label: str, part: Decimal, whole: Decimal, threshold: Fraction, strict: bool,
                   text: str, shown: bool = True, as_area: bool = False) -> ThresholdBar:
    # The statutory module's own comparisons, so the bars can never disagree with the count.
    met = whole > 0 and (statutory.more_than if strict else statutory.at_least)(part, whole, threshold)
    show = area if as_area else (lambda n: _number(_decimal(n)))
    return ThresholdBar(key=key, label=label, part=show(part), whole=show(whole), percent=_percent(part, whole),
                        share=min(part / whole, Decimal(1)) if whole else Decimal(0), threshold=threshold,
                        threshold_text=text, met=met if shown else None, shown=shown)


def _statutory_bars(ballot: Ballot, turnout: services.Turnout | None,
                    result: methods.Result | None) -> list[ThresholdBar]:
    """Participation by area and by headcount against 2/3, always (live from the running count); approval by
    area and by headcount against the item's threshold, once results are public."""
    if not ballot.is_statutory or turnout is None:
        return []
    figures = result.figures if result is not None else {}
    if ballot.is_closed and figures:
        voted_area, voted = _decimal(figures["participating_area"]), int(figures["participating_owners"])
        total_area, total = _decimal(figures["total_area"]), int(figures["total_owners"])
    else:
        voted_area, voted, total_area, total = (turnout.voted_area, Decimal(turnout.voted), turnout.roll_area,
                                                Decimal(turnout.roll_size))
    participation = str(forms.THRESHOLD_SHORT["participation"])
    bars = [
        _threshold_bar("participation-area", _("Participation by area"), voted_area, total_area,
                       statutory.PARTICIPATION, False, participation, as_area=True),
        _threshold_bar("participation-owners", _("Participation by headcount"), Decimal(voted), Decimal(total),
                       statutory.PARTICIPATION, False, participation),
    ]
    matter = ballot.matter
    approval, strict, words = statutory.APPROVAL[matter], matter == statutory.ORDINARY, \
        str(forms.THRESHOLD_SHORT[matter])
    if figures:
        agree_area, agree = _decimal(figures["agree_area"]), Decimal(figures["agree_owners"])
        counted_area, counted = _decimal(figures["participating_area"]), Decimal(figures["participating_owners"])
        shown = True
    else:
        agree_area = agree = counted_area = counted = Decimal(0)
        shown = False
    bars += [
        _threshold_bar("approval-area", _("Approval by area"), agree_area, counted_area, approval, strict, words,
                       shown, as_area=True),
        _threshold_bar("approval-owners", _("Approval by headcount"), agree, counted, approval, strict, words,
                       shown),
    ]
    return bars


# --- published receipts and results ----------------------------------------------------------------------------

@bp.get("/ballots/<int:ballot_id>/receipts")
@login_required
def receipts(ballot_id: int):
    """After close: every counted receipt (choices unless secret; names in public ballots), and a search that
    tells a voter whether their code was counted. Before close: a page saying when they are published."""
    ballot = _ballot(ballot_id)
    code = normalise_receipt(request.args.get("code", ""))[:20]
    published = services.counted_ballots(db.session, ballot)
    method, setup = ballot.tally_method(), ballot.setup()
    rows = [(p.receipt, method.describe(setup, p.choice) if p.choice is not None else None, p.voter,
             p.weight if ballot.secrecy is Secrecy.PUBLIC and ballot.is_statutory else None) for p in published]
    found = next((row for row in rows if row[0] == code), None) if code and ballot.is_closed else None
    pages = max(1, -(-len(rows) // RECEIPTS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render("voting/receipts.html", ballot=ballot, rows=rows[(page - 1) * RECEIPTS_PER_PAGE:
                                                                  page * RECEIPTS_PER_PAGE],
                  total=len(rows), page=page, pages=pages, code=code, found=found)


CSV_COLUMNS = ("option", "label", "value", "winner")


def _cell(text: str) -> str:
    """Keep spreadsheets from reading a label as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@bp.get("/ballots/<int:ballot_id>/results.csv")
@login_required
def results_csv(ballot_id: int):
    """The count as CSV, once results are public. UTF-8 with a byte-order mark (so Excel reads Chinese), one
    row per result row: option (its key: o1, o2… or yes/no/abstain, agree/disagree/abstain), label (in the
    reader's language), value (votes; total score; voters choosing a project), winner (1 or 0)."""
    ballot = _ballot(ballot_id)
    if not ballot.results_public:
        abort(404)
    result = services.live_result(db.session, ballot)
    method, setup = ballot.tally_method(), ballot.setup()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in result.rows:
        writer.writerow([row.key, _cell(str(method.row_label(setup, row.key))), str(row.value),
                         1 if row.key in result.winners else 0])
    response = make_response("\ufeff" + out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="ballot-{ballot.id}-results.csv"'
    return response


@bp.get("/me/receipts")
@login_required
def my_receipts():
    _bring_up_to_date(None)
    return render("voting/my_receipts.html", receipts=services.my_receipts(db.session, current_user, _keys()))
