"""Who may do what with oversight reports, as pure predicates (also Jinja globals through projects.permissions)."""
from __future__ import annotations

from neighbourhood.accounts.permissions import is_supervisor


def can_publish_report(user, compound) -> bool:
    """Reports are the supervisory committee's own word to residents: only its members publish them."""
    return compound is not None and is_supervisor(user, compound)


PREDICATES: dict = {"can_publish_report": can_publish_report}
