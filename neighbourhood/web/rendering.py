"""One way to answer a request: the full page, or only its fragment for htmx."""
from __future__ import annotations

from flask import abort, make_response, render_template, request
from flask_login import current_user

from neighbourhood.accounts.permissions import can_take_part, compounds_of
from neighbourhood.extensions import htmx
from neighbourhood.places.models import Compound


def render(template: str, *, partial: str | None = None, status: int = 200, **context):
    """Render `template`, or `partial` alone when htmx asked (and is not restoring history)."""
    wants_fragment = partial is not None and bool(htmx) and not htmx.history_restore_request
    response = make_response(render_template(partial if wants_fragment else template, **context), status)
    if partial is not None:
        response.vary.add("HX-Request")
    return response


def require(allowed: bool) -> None:
    """Stop with 403 unless the permission predicate said yes."""
    if not allowed:
        abort(403)


def get_or_404(model, object_id: int, *options):
    """The row, loaded with `options` (e.g. joinedload of what the page reads), or 404. With options it is a SELECT
    even when the session already holds the row: Session.get would only refresh it and skip the options."""
    from sqlalchemy import select

    from neighbourhood.extensions import db

    obj = (db.session.scalar(select(model).where(model.id == object_id).options(*options)) if options
           else db.session.get(model, object_id))
    if obj is None:
        abort(404)
    return obj


def chosen_compound(*, taking_part: bool = False):
    """The compound a list page shows: ?compound=<id> when given (404 if there is none), else the user's first
    compound (for posting: the first where they are a verified resident)."""
    chosen = request.args.get("compound", type=int)
    if chosen is not None:
        return get_or_404(Compound, chosen)
    compounds = compounds_of(current_user)
    if taking_part:
        compounds = [c for c in compounds if can_take_part(current_user, c)]
    return compounds[0] if compounds else None
