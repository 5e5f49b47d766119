"""Home, health check, language switch and favicon."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint, abort, current_app, jsonify, redirect, request, send_from_directory, url_for,
)
from flask_login import current_user
from sqlalchemy import text

from neighbourhood.accounts import permissions
from neighbourhood.db import utcnow
from neighbourhood.extensions import db
from neighbourhood.needs import services as needs
from neighbourhood.proposals import services as proposals
from neighbourhood.volunteering import services as volunteering
from neighbourhood.voting import services as voting
from neighbourhood.web.i18n import LANGUAGE_COOKIE, LANGUAGE_NAMES
from neighbourhood.web.rendering import render

bp = Blueprint("web", __name__)
# The newest few of each on home; the lists hold the rest.
HOME_ROWS = 3


@bp.get("/")
def home():
    compounds = permissions.compounds_of(current_user)
    chosen = request.args.get("compound", type=int)
    compound = next((c for c in compounds if c.id == chosen), compounds[0] if compounds else None)
    latest = {}
    if compound is not None:
        latest = dict(
            needs=needs.list_needs(db.session, compound=compound, viewer=current_user, per_page=HOME_ROWS,
                                   load_authors=False).items,
            proposals=proposals.list_proposals(db.session, compound=compound, viewer=current_user,
                                               per_page=HOME_ROWS, load_authors=False).items,
            ballots=voting.open_ballots(db.session, compound, current_user, limit=HOME_ROWS),
            activities=volunteering.upcoming(db.session, compound.id, limit=HOME_ROWS),
            threshold=proposals.support_threshold(db.session, compound),
            now=utcnow(),
        )
        latest["people"] = needs.preload_people(
            db.session, [item.author_id for key in ("needs", "proposals") for item in latest[key]])
    return render("web/home.html", compound=compound, compounds=compounds, **latest)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach the database is the answer, not a crash
        db.session.rollback()
        return jsonify(status="error", db=f"unreachable: {type(error).__name__}"), 503
    return jsonify(status="ok", db="ok")


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our address."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.get("/language/<code>")
def set_language(code: str):
    if code not in LANGUAGE_NAMES:
        abort(404)
    response = redirect(safe_next(request.args.get("next"), url_for("web.home")))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True, secure=request.is_secure)
    return response


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=7 * 24 * 3600)
