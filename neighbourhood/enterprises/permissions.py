"""Who may do what with enterprises, listings, bookings, reviews and the directory, as pure predicates (also
Jinja globals).

An enterprise's operators are the users linked to it (EnterpriseOperator rows, `user.enterprise_links`); station
staff of its community certify it and keep the directory. Whether a booking
may still change is the services' word, so a second tab gets the reason, not a 403."""
from __future__ import annotations

from neighbourhood.accounts.models import Role
from neighbourhood.accounts.permissions import _holds, is_station_staff
from neighbourhood.enterprises.models import Booking, Enterprise, Review


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def operates(user, enterprise: Enterprise | int) -> bool:
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.id
    return _signed_in(user) and any(link.enterprise_id == enterprise_id for link in user.enterprise_links)


def is_resident_of_community(user, community_id: int) -> bool:
    return _signed_in(user) and any(m.compound.community_id == community_id for m in user.verified_memberships)


def can_browse_services(user) -> bool:
    """The circle is for everyone signed in; booking is for verified residents of the community."""
    return _signed_in(user)


def can_see_enterprise(user, enterprise: Enterprise) -> bool:
    """On the circle: everyone signed in. Pending or suspended: its operators and the station."""
    return _signed_in(user) and (enterprise.on_circle or operates(user, enterprise)
                                 or is_station_staff(user, enterprise.community_id))


def can_register_enterprise(user, compound) -> bool:
    """An enterprise operator of the compound registers their enterprise; station staff register one for it."""
    return compound is not None and (_holds(user, [Role.ENTERPRISE_OPERATOR], compound_id=compound.id)
                                     or is_station_staff(user, compound.community_id))


def can_run_enterprise(user, enterprise: Enterprise) -> bool:
    """Profile, photos, listings, slots, bookings, replies and the income report: its operators."""
    return operates(user, enterprise)


def can_certify(user, enterprise: Enterprise) -> bool:
    return is_station_staff(user, enterprise.community_id)


def can_book(user, enterprise: Enterprise) -> bool:
    """Verified residents of the enterprise's community book its services (not its own operators)."""
    return enterprise.on_circle and is_resident_of_community(user, enterprise.community_id) \
        and not operates(user, enterprise)


def can_see_booking(user, booking: Booking) -> bool:
    return _signed_in(user) and (booking.user_id == user.id or operates(user, booking.enterprise_id))


def can_answer_booking(user, booking: Booking) -> bool:
    return operates(user, booking.enterprise_id)


def can_cancel_booking(user, booking: Booking) -> bool:
    return can_see_booking(user, booking)


def can_review(user, booking: Booking) -> bool:
    """Only the resident whose booking it was; the services check it was completed and not reviewed yet."""
    return _signed_in(user) and booking.user_id == user.id


def can_reply(user, review: Review) -> bool:
    return operates(user, review.enterprise_id)


def can_keep_directory(user, community_id: int) -> bool:
    return is_station_staff(user, community_id)


def can_use_dashboard(user) -> bool:
    return _signed_in(user) and bool(user.enterprise_links)


PREDICATES: dict = {
    "operates": operates,
    "can_browse_services": can_browse_services,
    "can_see_enterprise": can_see_enterprise,
    "can_register_enterprise": can_register_enterprise,
    "can_run_enterprise": can_run_enterprise,
    "can_certify": can_certify,
    "can_book": can_book,
    "can_see_booking": can_see_booking,
    "can_answer_booking": can_answer_booking,
    "can_cancel_booking": can_cancel_booking,
    "can_review": can_review,
    "can_reply": can_reply,
    "can_keep_directory": can_keep_directory,
    "can_use_dashboard": can_use_dashboard,
}
