"""Who may see the council's agenda, record its meetings, read its decisions and give opinions on them.

- the agenda: council members, supervisors and station staff of the compound (admins as station staff);
- recording a meeting: council members of the compound only (station staff read, they do not record);
- decisions and meeting records: public to the compound's verified residents, its council and supervisors,
  and the station (Art. 13 of the SPC interpretation: owners may inspect decisions and minutes);
- opinions and objections: supervisors of the compound (a voice, no vote)."""
from __future__ import annotations

from neighbourhood.accounts.permissions import (
    is_council_member,
    is_station_staff,
    is_supervisor,
    is_verified_in,
)


def can_see_agenda(user, compound) -> bool:
    return (
        is_council_member(user, compound)
        or is_supervisor(user, compound)
        or is_station_staff(user, compound.community_id)
    )


def can_record_meeting(user, compound) -> bool:
    return is_council_member(user, compound)


def can_read_decisions(user, compound) -> bool:
    return is_verified_in(user, compound) or can_see_agenda(user, compound)


def can_view_meeting(user, meeting) -> bool:
    return can_read_decisions(user, meeting.compound)


def can_give_opinion(user, decision) -> bool:
    return is_supervisor(user, decision.meeting.compound)


def can_object(user, decision) -> bool:
    return can_give_opinion(user, decision) and decision.can_be_returned


PREDICATES = {
    "can_see_agenda": can_see_agenda,
    "can_record_meeting": can_record_meeting,
    "can_read_decisions": can_read_decisions,
    "can_view_meeting": can_view_meeting,
    "can_give_opinion": can_give_opinion,
    "can_object": can_object,
}
