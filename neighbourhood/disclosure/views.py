"""The compound's disclosure board (公开栏): one page, on screen and printed for the physical notice board."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from neighbourhood.accounts.permissions import compounds_of
from neighbourhood.council.forms import OUTCOME_NAMES
from neighbourhood.disclosure import services
from neighbourhood.disclosure.permissions import can_see_board
from neighbourhood.extensions import db
from neighbourhood.places.models import Compound
from neighbourhood.projects.forms import STATUS_LABELS
from neighbourhood.projects.models import RectificationStatus
from neighbourhood.proposals.markdown import render_markdown
from neighbourhood.voting import methods
from neighbourhood.voting.outcomes import outcome_in_words
from neighbourhood.web.qr import qr_svg
from neighbourhood.web.rendering import get_or_404, render, require

bp = Blueprint("disclosure", __name__)

# Large enough for a phone to read off a notice board from arm's length; medium error correction survives a
# crease or a drawing pin.

RECTIFICATION_LABELS = {
    RectificationStatus.OPEN: _l("Rectification under way"),
    RectificationStatus.REPORTED: _l("Rectification reported, waiting for the station"),
}


def board_qr(url: str) -> Markup:
    """The QR code linking back to the board, as inline SVG (the CSP lets no script or outside image in)."""
    return qr_svg(url, scale=4)


def _local_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


@bp.get("/disclosure/")
@login_required
def mine():
    """The user's own compound's board; a choice when they serve several, a friendly page when none."""
    compounds = [c for c in compounds_of(current_user) if can_see_board(current_user, c)]
    if len(compounds) == 1:
        return redirect(url_for("disclosure.board", compound_id=compounds[0].id))
    return render("disclosure/choose.html", compounds=compounds)


@bp.get("/disclosure/<int:compound_id>")
@login_required
def board(compound_id: int):
    compound = get_or_404(Compound, compound_id)
    require(can_see_board(current_user, compound))
    today = _local_today()
    shown = services.board(db.session, compound, year=today.year)
    url = url_for("disclosure.board", compound_id=compound.id, _external=True)
    # On paper the latest oversight report is printed in full; on screen it is a link like the others.
    latest = shown.reports[0] if shown.reports else None
    return render("disclosure/board.html", board=shown, compound=compound, today=today, board_url=url,
                  qr=board_qr(url), latest_report=latest,
                  latest_report_html=render_markdown(latest.body) if latest else "",
                  outcomes={b.id: outcome_in_words(b) for b in shown.ballots}, outcome_names=OUTCOME_NAMES,
                  project_status_label=STATUS_LABELS.get, rectification_label=RECTIFICATION_LABELS.get,
                  method_label=lambda key: methods.get(key).label if key in methods.METHODS else key)
