"""Volunteer records and certificates: the compound's council and the station keep records, issue, decline and
revoke; the holder and the record keepers see the printable certificate; verified residents ask for one; anyone,
signed in or not, checks a certificate number. Our roles on the other compound's records, and its council on ours."""
from neighbourhood.volunteering import records
from tests.access import EVERYONE, Case
from tests.volunteering.helpers import activity, served

KEEPERS = frozenset({"council", "station", "admin"})
OTHER_KEEPERS = frozenset({"other_council", "station", "admin"})
# The form names no compound: the volunteer's first compound where they are a verified resident.
VERIFIED_RESIDENTS = frozenset({"resident", "owner", "council", "supervisor", "other_council"})


def _served(session, compound, volunteer, organiser):
    made = activity(session, compound, organiser, title="楼道清洁", days_ahead=-7)
    return served(session, made.shifts[0], volunteer, organiser)


def _issued(session, compound, volunteer, keeper):
    request = records.request_certificate(session, compound=compound, user=volunteer)
    return records.issue_certificate(session, certificate=request, by=keeper, person_in_charge="刘主任",
                                     contact="028-85550000")


def objects(session, config, world) -> dict:
    users = world.users
    _served(session, world.compound, users["resident"], users["council"])
    _served(session, world.compound, users["owner"], users["council"])
    _served(session, world.other_compound, users["other_council"], users["other_council"])
    ours = _issued(session, world.compound, users["resident"], users["council"])
    our_request = records.request_certificate(session, compound=world.compound, user=users["owner"])
    theirs = _issued(session, world.other_compound, users["other_council"], users["other_council"])
    their_request = records.request_certificate(session, compound=world.other_compound, user=users["other_council"])
    session.commit()
    return {"vr_ours": ours.id, "vr_our_number": ours.number, "vr_our_request": our_request.id,
            "vr_theirs": theirs.id, "vr_their_request": their_request.id}


def _case(endpoint: str, method: str, path: str, allowed: frozenset, variant: str = "") -> Case:
    return Case(endpoint, method, lambda o: path.format(**o), allowed, variant)


CASES = [
    _case("volunteering.records", "GET", "/volunteering/records?compound={compound}", KEEPERS),
    _case("volunteering.records", "GET", "/volunteering/records?compound={other_compound}", OTHER_KEEPERS, "other"),
    _case("volunteering.record_training", "POST", "/volunteering/records/training?compound={compound}", KEEPERS),
    _case("volunteering.record_training", "POST", "/volunteering/records/training?compound={other_compound}",
          OTHER_KEEPERS, "other"),
    _case("volunteering.record_award", "POST", "/volunteering/records/awards?compound={compound}", KEEPERS),
    _case("volunteering.record_award", "POST", "/volunteering/records/awards?compound={other_compound}",
          OTHER_KEEPERS, "other"),
    _case("volunteering.export_records", "GET", "/volunteering/records.csv?compound={compound}", KEEPERS),
    _case("volunteering.export_records", "GET", "/volunteering/records.csv?compound={other_compound}&year=2026",
          OTHER_KEEPERS, "other"),
    _case("volunteering.request_certificate", "POST", "/me/volunteering/certificates", VERIFIED_RESIDENTS),
    _case("volunteering.issue_certificate", "POST", "/volunteering/certificates/{vr_our_request}/issue", KEEPERS),
    _case("volunteering.issue_certificate", "POST", "/volunteering/certificates/{vr_their_request}/issue",
          OTHER_KEEPERS, "other"),
    _case("volunteering.decline_certificate", "POST", "/volunteering/certificates/{vr_our_request}/decline",
          KEEPERS),
    _case("volunteering.decline_certificate", "POST", "/volunteering/certificates/{vr_their_request}/decline",
          OTHER_KEEPERS, "other"),
    _case("volunteering.revoke_certificate", "POST", "/volunteering/certificates/{vr_ours}/revoke", KEEPERS),
    _case("volunteering.revoke_certificate", "POST", "/volunteering/certificates/{vr_theirs}/revoke",
          OTHER_KEEPERS, "other"),
    _case("volunteering.certificate", "GET", "/volunteering/certificates/{vr_ours}/print", KEEPERS | {"resident"}),
    _case("volunteering.certificate", "GET", "/volunteering/certificates/{vr_theirs}/print", OTHER_KEEPERS,
          "other"),
    _case("volunteering.verify_certificate", "GET", "/volunteering/certificates/{vr_our_number}", EVERYONE),
    _case("volunteering.verify_lookup", "GET", "/volunteering/certificates/?number=abc", EVERYONE),
]
