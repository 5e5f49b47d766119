"""Who may do what in volunteering, as pure predicates (also Jinja globals).

They say who holds the authority; whether a shift still takes sign-ups or a sign-up may still be cancelled is the
services' word, so a second tab gets the reason, not a 403."""
from __future__ import annotations

from neighbourhood.accounts.models import Role
from neighbourhood.accounts.permissions import _holds, is_council_member, is_station_staff, is_verified_in
from neighbourhood.volunteering.models import Activity, Certificate, Signup, TimeBankOffer


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _is(user, user_id: int | None) -> bool:
    return _signed_in(user) and user.id == user_id


def can_read_volunteering(user) -> bool:
    """Activities are public within the platform: everyone signed in reads them."""
    return _signed_in(user)


def can_organise_activities(user, compound) -> bool:
    """The council, the compound's social-enterprise operators and the station organise activities."""
    return compound is not None and (
        is_council_member(user, compound) or is_station_staff(user, compound.community_id)
        or _holds(user, [Role.ENTERPRISE_OPERATOR], compound_id=compound.id))


def can_manage_activity(user, activity: Activity) -> bool:
    """Whoever organised it (while they still may organise there), the compound's council and the station."""
    compound = activity.compound
    return (is_council_member(user, compound) or is_station_staff(user, compound.community_id)
            or (_is(user, activity.created_by_id) and can_organise_activities(user, compound)))


def can_sign_up(user, activity: Activity) -> bool:
    """Verified residents of the compound volunteer there."""
    return is_verified_in(user, activity.compound)


def can_cancel_signup(user, signup: Signup) -> bool:
    return _is(user, signup.user_id) or can_manage_activity(user, signup.activity)


def can_keep_records(user, compound) -> bool:
    """Training, awards, certificates and the export for the national system: the council and the station, who
    answer for the records (“whoever organises records; whoever records certifies”)."""
    return compound is not None and (is_council_member(user, compound)
                                     or is_station_staff(user, compound.community_id))


def can_see_certificate(user, certificate: Certificate) -> bool:
    return _is(user, certificate.user_id) or can_keep_records(user, certificate.compound)


def can_request_certificate(user, compound) -> bool:
    return is_verified_in(user, compound)


def can_use_time_bank(user, compound) -> bool:
    return compound is not None and is_verified_in(user, compound)


def can_withdraw_offer(user, offer: TimeBankOffer) -> bool:
    return _is(user, offer.offered_by_id)


def can_see_volunteer_statistics(user, community_id: int) -> bool:
    return is_station_staff(user, community_id)


PREDICATES: dict = {
    "can_read_volunteering": can_read_volunteering,
    "can_organise_activities": can_organise_activities,
    "can_manage_activity": can_manage_activity,
    "can_sign_up": can_sign_up,
    "can_cancel_signup": can_cancel_signup,
    "can_keep_records": can_keep_records,
    "can_see_certificate": can_see_certificate,
    "can_request_certificate": can_request_certificate,
    "can_use_time_bank": can_use_time_bank,
    "can_withdraw_offer": can_withdraw_offer,
    "can_see_volunteer_statistics": can_see_volunteer_statistics,
}
