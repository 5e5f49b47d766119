"""Serving stored photos. Photos of hidden content are served only to those who may see hidden content, and
private records (a signed paper ballot) only to whom their domain allows."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory
from flask_login import current_user

from neighbourhood.extensions import db
from neighbourhood.media import services
from neighbourhood.moderation import content

bp = Blueprint("media", __name__)


@bp.get("/media/<token>.jpg")
def photo(token: str):
    found = services.photo_by_token(db.session, token)
    if found is None:
        abort(404)
    private = services.private_rule(found.subject_type)
    if private is not None and not private(current_user, found.subject_id):
        abort(404)
    if not content.may_see(current_user, found.subject_type, found.subject_id):
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], found.filename,
                                   mimetype="image/jpeg", max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
