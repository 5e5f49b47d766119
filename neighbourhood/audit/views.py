"""The audit page: the chain's head hash, a verification on demand (the chain, and every domain's records
against it, as `flask audit verify` does), and the latest entries."""
from flask import Blueprint
from flask_login import current_user, login_required
from sqlalchemy import func, select

from neighbourhood.accounts import permissions
from neighbourhood.audit import services
from neighbourhood.audit.models import AuditEntry
from neighbourhood.extensions import db
from neighbourhood.web.rendering import render, require

bp = Blueprint("audit", __name__, url_prefix="/audit")

RECENT = 30


def _page(report=None, checks=None):
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(RECENT))
    return render(
        "audit/index.html",
        head=services.head_hash(db.session),
        count=db.session.scalar(select(func.count(AuditEntry.id))),
        entries=list(entries),
        report=report,
        checks=checks,
    )


@bp.get("/")
@login_required
def index():
    require(permissions.can_verify_audit(current_user))
    return _page()


@bp.post("/verify")
@login_required
def verify():
    require(permissions.can_verify_audit(current_user))
    return _page(services.verify_chain(db.session), services.run_cross_checks(db.session))
