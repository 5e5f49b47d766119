"""Bids on a project: the compound's enterprise operators bid and the council records paper bids; whoever
submitted a bid, or the council, withdraws it; the council chooses; the council and the station put the bids to
the residents' ballot. Our roles on the other compound's project, and its council on ours."""
from decimal import Decimal

from neighbourhood.projects import bids
from neighbourhood.projects.models import ImplementerKind
from tests import factories
from tests.access import Case

COUNCIL = frozenset({"council"})
BIDDERS = frozenset({"council", "enterprise"})
BALLOT_DRAFTERS = frozenset({"council", "station", "admin"})
OTHER_COUNCIL = frozenset({"other_council"})
OTHER_DRAFTERS = frozenset({"other_council", "station", "admin"})


def objects(session, config, world) -> dict:
    users = world.users
    ours = factories.project(session, world.compound, users["council"], title="待选实施方的项目")
    enterprise_bid = bids.submit_bid(session, project=ours, by=users["enterprise"],
                                     bidder_kind=ImplementerKind.ENTERPRISE, bidder_name="锦江社区服务社",
                                     quote=Decimal("4800.00"), plan="两周内完工")
    paper_bid = bids.submit_bid(session, project=ours, by=users["council"], bidder_kind=ImplementerKind.OTHER,
                                bidder_name="明亮照明公司", quote=Decimal("5200.00"), plan="一周内完工")
    theirs = factories.project(session, world.other_compound, users["other_council"], title="芳草街待选的项目")
    their_bid = bids.submit_bid(session, project=theirs, by=users["other_council"],
                                bidder_kind=ImplementerKind.OTHER, bidder_name="芳草装修队",
                                quote=Decimal("3000.00"), plan="十天完工")
    bids.submit_bid(session, project=theirs, by=users["other_council"], bidder_kind=ImplementerKind.ENTERPRISE,
                    bidder_name="芳草社区服务社", quote=Decimal("2900.00"), plan="两周完工")
    session.commit()
    return {"bd_ours": ours.id, "bd_enterprise": enterprise_bid.id, "bd_paper": paper_bid.id,
            "bd_theirs": theirs.id, "bd_their_bid": their_bid.id}


def _post(endpoint: str, path: str, allowed: frozenset, variant: str = "") -> Case:
    return Case(endpoint, "POST", lambda o: "/projects/" + path.format(**o), allowed, variant)


CASES = [
    _post("projects.submit_bid", "{bd_ours}/bids", BIDDERS),
    _post("projects.submit_bid", "{bd_theirs}/bids", OTHER_COUNCIL, "other"),
    _post("projects.withdraw_bid", "{bd_ours}/bids/{bd_enterprise}/withdraw", BIDDERS),
    _post("projects.withdraw_bid", "{bd_ours}/bids/{bd_paper}/withdraw", COUNCIL, "paper"),
    _post("projects.withdraw_bid", "{bd_theirs}/bids/{bd_their_bid}/withdraw", OTHER_COUNCIL, "other"),
    _post("projects.choose_bid", "{bd_ours}/bids/{bd_enterprise}/choose", COUNCIL),
    _post("projects.choose_bid", "{bd_theirs}/bids/{bd_their_bid}/choose", OTHER_COUNCIL, "other"),
    _post("projects.put_bids_to_ballot", "{bd_ours}/bids/ballot", BALLOT_DRAFTERS),
    _post("projects.put_bids_to_ballot", "{bd_theirs}/bids/ballot", OTHER_DRAFTERS, "other"),
]
