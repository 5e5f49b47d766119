"""Who may do what with evaluation, as pure predicates (also Jinja globals through projects.permissions)."""
from __future__ import annotations

from neighbourhood.accounts.permissions import is_council_member, is_station_staff, is_verified_in
from neighbourhood.projects.models import Project, Rectification, RectificationStatus


def can_rate(user, project: Project) -> bool:
    """Verified residents of the compound rate its projects (when: while the window is open, which the service
    checks and the page shows)."""
    return is_verified_in(user, project.compound)


def can_see_rectifications(user, compound) -> bool:
    """The compound's council, which owes the reports, and the station, which checks them."""
    return compound is not None and (is_council_member(user, compound)
                                     or is_station_staff(user, compound.community_id))


def can_see_community_rectifications(user, community_id: int) -> bool:
    return is_station_staff(user, community_id)


def can_report_rectification(user, rectification: Rectification) -> bool:
    return (rectification.status is RectificationStatus.OPEN
            and is_council_member(user, rectification.project.compound))


def can_check_rectification(user, rectification: Rectification) -> bool:
    """Return a report with a note, or close the rectification."""
    return (rectification.status is RectificationStatus.REPORTED
            and is_station_staff(user, rectification.community_id))


# The ones templates ask (registered as Jinja globals through projects.permissions).
PREDICATES = {
    "can_see_rectifications": can_see_rectifications,
    "can_report_rectification": can_report_rectification,
    "can_check_rectification": can_check_rectification,
}
