"""Who may hide, restore, report and read hidden content, as pure predicates (also Jinja globals).

Content is named by its kind ("need", "proposal", "comment") and the object itself; every piece carries
`compound_id` and `author_id`."""
from __future__ import annotations

from neighbourhood.accounts.permissions import can_take_part, is_council_member, is_station_staff, is_supervisor
from neighbourhood.moderation import content


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _compound_of(item):
    from neighbourhood.extensions import db
    from neighbourhood.places.models import Compound

    compound = getattr(item, "compound", None)
    if compound is not None:
        return compound
    return db.session.get(Compound, item.compound_id)


def _is_author(user, item) -> bool:
    author_id = getattr(item, "author_id", None)
    return _signed_in(user) and author_id is not None and author_id == user.id


def content_kind(item) -> str | None:
    """The registered kind of a content object ("need", "proposal", "comment"), or None."""
    for kind, entry in content.kinds().items():
        if isinstance(item, entry.model):
            return kind
    return None


def can_moderate(user, kind: str, item) -> bool:
    """Council members of the content's own compound (a council of another compound may not)."""
    return _signed_in(user) and kind in content.kinds() and is_council_member(user, _compound_of(item))


def can_hide(user, kind: str, item) -> bool:
    """Visible content, or content hidden by residents' reports that the council now confirms."""
    return (not item.is_hidden or bool(item.hidden_by_reports)) and can_moderate(user, kind, item)


def can_restore(user, kind: str, item) -> bool:
    return item.is_hidden and can_moderate(user, kind, item)


def can_report(user, kind: str, item) -> bool:
    """Verified residents of the compound report visible content that is not their own (once each; the
    service refuses a second report with a message)."""
    return not item.is_hidden and may_report(user, kind, item)


def may_report(user, kind: str, item) -> bool:
    """A verified resident of the compound, not its author, whatever state the content is in (the service
    answers "already hidden" or "already reported" with a message)."""
    return (kind in content.kinds() and not _is_author(user, item)
            and can_take_part(user, _compound_of(item)))


def can_see_hidden(user, kind: str | None, item) -> bool:
    """Whether `user` may read the content itself while it is hidden: its author, supervisors and station
    staff of its place (as the kind registered). Visible content: everyone."""
    if not item.is_hidden:
        return True
    entry = content.kinds().get(kind or content_kind(item) or "")
    if entry is not None:
        return bool(entry.can_see_hidden(user, item))
    if not _signed_in(user):
        return False
    compound = _compound_of(item)
    return _is_author(user, item) or is_supervisor(user, compound) or is_station_staff(user, compound.community_id)


def can_review_reports(user, compound) -> bool:
    """The review queue of reported content: the compound's council."""
    return compound is not None and is_council_member(user, compound)


def can_read_moderation_log(user) -> bool:
    """The moderation log is public: actions and reasons, never the content."""
    return True


PREDICATES = {
    name: value for name, value in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(value)
    and name not in ("can_take_part", "is_council_member", "is_station_staff", "is_supervisor")
}
PREDICATES["content_kind"] = content_kind


def moderation_next(item=None, kind: str | None = None) -> str:
    """Where a moderation form returns: the page the reader is on (for htmx fragments, the browser's
    page), at the comment's anchor for comments."""
    from urllib.parse import urlsplit

    from flask import request

    current = request.headers.get("HX-Current-URL")
    if current:
        parts = urlsplit(current)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
    else:
        path = request.full_path.rstrip("?")
    if kind == "comment" and item is not None:
        path += f"#comment-{item.id}"
    return path


def content_excerpt(item, limit: int = 160) -> str:
    """Title and the start of the text, for the council reviewing reports (never on public pages)."""
    title = getattr(item, "title", None) or ""
    text = getattr(item, "body", None) or getattr(item, "description", None) or ""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"{title} — {text}" if title and text else (title or text)


def _helpers() -> dict:
    from neighbourhood.moderation.reasons import kind_label, reason_choices, reason_label

    return {"content_excerpt": content_excerpt, "moderation_next": moderation_next, "reason_label": reason_label, "reason_choices": reason_choices,
            "content_kind_label": kind_label}


PREDICATES.update(_helpers())
