"""Bookings, reviews, the resident's bookings and the enterprise dashboard. Our enterprise is run by the world's
enterprise operator; another enterprise, in the other compound, by the other compound's council member (so they are
the operator of another enterprise too). A booking is seen only by its resident and the enterprise's operators;
station staff and the administrator see none. Verified residents of the community book (not its own operators);
nobody here books in another community."""
from neighbourhood.enterprises import bookings, reviews
from tests import factories
from tests.access import SIGNED_IN, Case
from tests.enterprises.helpers import enterprise, listing

OPERATOR = frozenset({"enterprise"})
BOOKERS = frozenset({"resident", "owner", "council", "supervisor", "other_council"})
RESIDENT_AND_OPERATOR = frozenset({"resident", "enterprise"})
NEIGHBOUR_AND_OPERATOR = frozenset({"other_council", "enterprise"})


def objects(session, config, world) -> dict:
    users = world.users
    ours = enterprise(session, world.compound, users["enterprise"])
    theirs = enterprise(session, world.other_compound, users["other_council"], name="芳草街家政")
    service = listing(session, ours, slots=2, capacity=5)
    resident_booking = bookings.request(session, listing=service, user=users["resident"], slot=service.slots[0])
    neighbour_booking = bookings.request(session, listing=service, user=users["other_council"], message="能送餐吗？")
    rated = bookings.request(session, listing=service, user=users["owner"], slot=service.slots[1])
    bookings.accept(session, booking=rated, by=users["enterprise"])
    bookings.complete(session, booking=rated, by=users["enterprise"])
    review = reviews.review(session, booking=rated, by=users["owner"], rating=5, body="饭菜可口。")
    elsewhere = factories.compound(session, factories.community(session, name="芳草社区"), name="芳草东街小区")
    far_operator = factories.user(session, config, display_name="外社区老板")
    far_service = listing(session, enterprise(session, elsewhere, far_operator, name="芳草东街食堂"))
    session.commit()
    return {"listing": service.id, "far_listing": far_service.id, "bk_resident": resident_booking.id,
            "bk_neighbour": neighbour_booking.id, "review": review.id, "ent_ours": ours.id,
            "ent_theirs": theirs.id}


CASES = [
    Case("enterprises.book", "POST", lambda o: f"/services/{o['listing']}/book", BOOKERS),
    Case("enterprises.book", "POST", lambda o: f"/services/{o['far_listing']}/book", frozenset(),
         "other-community"),
    Case("enterprises.booking", "GET", lambda o: f"/bookings/{o['bk_resident']}", RESIDENT_AND_OPERATOR),
    Case("enterprises.booking", "GET", lambda o: f"/bookings/{o['bk_neighbour']}", NEIGHBOUR_AND_OPERATOR,
         "other-compound"),
    Case("enterprises.accept_booking", "POST", lambda o: f"/bookings/{o['bk_resident']}/accept", OPERATOR),
    Case("enterprises.decline_booking", "POST", lambda o: f"/bookings/{o['bk_resident']}/decline", OPERATOR),
    Case("enterprises.complete_booking", "POST", lambda o: f"/bookings/{o['bk_resident']}/complete", OPERATOR),
    Case("enterprises.cancel_booking", "POST", lambda o: f"/bookings/{o['bk_resident']}/cancel",
         RESIDENT_AND_OPERATOR),
    Case("enterprises.cancel_booking", "POST", lambda o: f"/bookings/{o['bk_neighbour']}/cancel",
         NEIGHBOUR_AND_OPERATOR, "other-compound"),
    Case("enterprises.review_booking", "POST", lambda o: f"/bookings/{o['bk_resident']}/review",
         frozenset({"resident"})),
    Case("enterprises.reply_review", "POST", lambda o: f"/reviews/{o['review']}/reply", OPERATOR),
    Case("enterprises.my_bookings", "GET", lambda o: "/me/bookings", SIGNED_IN),
    Case("enterprises.dashboard", "GET", lambda o: "/enterprise/", frozenset({"enterprise", "other_council"})),
    Case("enterprises.dashboard", "GET", lambda o: f"/enterprise/?enterprise={o['ent_ours']}", OPERATOR, "ours"),
    Case("enterprises.dashboard", "GET", lambda o: f"/enterprise/?enterprise={o['ent_theirs']}",
         frozenset({"other_council"}), "theirs"),
]
