"""The volunteer's own page and the time bank: everyone signed in has their own page, profile and coins; verified
residents of a compound offer and pay for services there and only whoever offered a service withdraws it; the
station (and the administrator) see the volunteer hours per compound. Our roles on the other compound's offers."""
from neighbourhood.volunteering import timebank
from tests.access import SIGNED_IN, STATION, Case

OUR_RESIDENTS = frozenset({"resident", "owner", "council", "supervisor"})
OTHER_COUNCIL = frozenset({"other_council"})


def objects(session, config, world) -> dict:
    users = world.users
    ours = timebank.offer_service(session, compound=world.compound, by=users["resident"], title="辅导小学数学一小时",
                                  price="1")
    theirs = timebank.offer_service(session, compound=world.other_compound, by=users["other_council"],
                                    title="代取快递", price="0.5")
    session.commit()
    return {"tb_ours": ours.id, "tb_theirs": theirs.id}


CASES = [
    Case("volunteering.me", "GET", lambda o: "/me/volunteering", SIGNED_IN),
    Case("volunteering.update_profile", "POST", lambda o: "/me/volunteering/profile", SIGNED_IN),
    Case("volunteering.transfer", "POST", lambda o: "/me/volunteering/transfer", SIGNED_IN),
    Case("volunteering.time_bank", "GET", lambda o: f"/volunteering/time-bank?compound={o['compound']}", SIGNED_IN),
    Case("volunteering.time_bank", "GET", lambda o: f"/volunteering/time-bank?compound={o['other_compound']}",
         SIGNED_IN, "other"),
    Case("volunteering.time_bank", "GET", lambda o: "/volunteering/time-bank", SIGNED_IN, "own"),
    Case("volunteering.offer_service", "POST",
         lambda o: f"/volunteering/time-bank/offers?compound={o['compound']}", OUR_RESIDENTS),
    Case("volunteering.offer_service", "POST",
         lambda o: f"/volunteering/time-bank/offers?compound={o['other_compound']}", OTHER_COUNCIL, "other"),
    Case("volunteering.spend", "POST", lambda o: f"/volunteering/time-bank/offers/{o['tb_ours']}/spend",
         OUR_RESIDENTS),
    Case("volunteering.spend", "POST", lambda o: f"/volunteering/time-bank/offers/{o['tb_theirs']}/spend",
         OTHER_COUNCIL, "other"),
    Case("volunteering.withdraw_offer", "POST", lambda o: f"/volunteering/time-bank/offers/{o['tb_ours']}/withdraw",
         frozenset({"resident"})),
    Case("volunteering.withdraw_offer", "POST",
         lambda o: f"/volunteering/time-bank/offers/{o['tb_theirs']}/withdraw", OTHER_COUNCIL, "other"),
    Case("volunteering.station", "GET", lambda o: "/volunteering/station", STATION),
    Case("volunteering.station", "GET", lambda o: f"/volunteering/station?community={o['community']}", STATION,
         "community"),
]
