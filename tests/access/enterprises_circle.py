"""The 15-minute circle, listings and the directory: everyone signed in browses the circle and reads a published
listing; only the operators of its enterprise manage a listing and its times (the operator of another enterprise
gets 403 on ours, and nobody among our roles runs theirs); station staff of the community keep its directory, and
another community's directory is the admin's alone among our roles."""
from neighbourhood.accounts.models import Role
from neighbourhood.enterprises import directory
from tests import factories
from tests.access import SIGNED_IN, STATION, Case
from tests.enterprises.helpers import enterprise, listing

OPERATOR = frozenset({"enterprise"})
NOBODY = frozenset()
ADMIN = frozenset({"admin"})


def objects(session, config, world) -> dict:
    ours = enterprise(session, world.compound, world.users["enterprise"])
    our_listing = listing(session, ours, slots=2)
    their_operator = factories.user(session, config, display_name="另一位店主")
    factories.role(session, their_operator, Role.ENTERPRISE_OPERATOR, compound_obj=world.compound)
    theirs = enterprise(session, world.compound, their_operator, name="玉林修补铺")
    their_listing = listing(session, theirs, title="上门修水管", slots=1)
    entry = directory.add_service(session, community_id=world.community.id, by=world.users["station"],
                                  name="户籍办理", department="玉林派出所", office_address="玉林南路1号")
    elsewhere = factories.community(session, name="芳草社区")
    factories.compound(session, elsewhere, name="芳草院落")
    their_entry = directory.add_service(session, community_id=elsewhere.id, by=world.users["admin"],
                                        name="社保卡补办", department="人社局", link="https://www.example.gov.cn/")
    session.commit()
    return {"svc_ours": ours.id, "svc_listing": our_listing.id, "svc_slot": our_listing.slots[0].id,
            "svc_theirs": theirs.id, "svc_their_listing": their_listing.id,
            "svc_their_slot": their_listing.slots[0].id, "svc_entry": entry.id,
            "svc_elsewhere": elsewhere.id, "svc_their_entry": their_entry.id}


def _case(endpoint: str, method: str, path: str, allowed: frozenset, variant: str = "") -> Case:
    return Case(endpoint, method, lambda o: path.format(**o), allowed, variant)


CASES = [
    _case("enterprises.circle", "GET", "/services/", SIGNED_IN),
    _case("enterprises.circle", "GET", "/services/?compound={other_compound}&within=2000&category=meals&q=午餐",
          SIGNED_IN, "filtered"),
    _case("enterprises.listing", "GET", "/services/{svc_listing}", SIGNED_IN),
    _case("enterprises.new_listing", "GET", "/enterprise/listings/new?enterprise={svc_ours}", OPERATOR),
    _case("enterprises.new_listing", "POST", "/enterprise/listings/new?enterprise={svc_ours}", OPERATOR, "post"),
    _case("enterprises.new_listing", "GET", "/enterprise/listings/new?enterprise={svc_theirs}", NOBODY, "other"),
    _case("enterprises.edit_listing", "GET", "/enterprise/listings/{svc_listing}/edit", OPERATOR),
    _case("enterprises.edit_listing", "POST", "/enterprise/listings/{svc_listing}/edit", OPERATOR, "post"),
    _case("enterprises.edit_listing", "GET", "/enterprise/listings/{svc_their_listing}/edit", NOBODY, "other"),
    _case("enterprises.edit_listing", "POST", "/enterprise/listings/{svc_their_listing}/edit", NOBODY,
          "other-post"),
    _case("enterprises.publish_listing", "POST", "/enterprise/listings/{svc_listing}/publish", OPERATOR),
    _case("enterprises.publish_listing", "POST", "/enterprise/listings/{svc_their_listing}/publish", NOBODY,
          "other"),
    _case("enterprises.unpublish_listing", "POST", "/enterprise/listings/{svc_listing}/unpublish", OPERATOR),
    _case("enterprises.unpublish_listing", "POST", "/enterprise/listings/{svc_their_listing}/unpublish", NOBODY,
          "other"),
    _case("enterprises.add_slots", "POST", "/enterprise/listings/{svc_listing}/slots", OPERATOR),
    _case("enterprises.add_slots", "POST", "/enterprise/listings/{svc_their_listing}/slots", NOBODY, "other"),
    _case("enterprises.remove_slot", "POST", "/enterprise/slots/{svc_slot}/remove", OPERATOR),
    _case("enterprises.remove_slot", "POST", "/enterprise/slots/{svc_their_slot}/remove", NOBODY, "other"),
    _case("enterprises.directory", "GET", "/services/directory?community={community}", STATION),
    _case("enterprises.directory", "GET", "/services/directory?community={svc_elsewhere}", ADMIN, "other"),
    _case("enterprises.add_public_service", "POST", "/services/directory?community={community}", STATION),
    _case("enterprises.add_public_service", "POST", "/services/directory?community={svc_elsewhere}", ADMIN,
          "other"),
    _case("enterprises.update_public_service", "POST", "/services/directory/{svc_entry}", STATION),
    _case("enterprises.update_public_service", "POST", "/services/directory/{svc_their_entry}", ADMIN, "other"),
    _case("enterprises.delete_public_service", "POST", "/services/directory/{svc_entry}/delete", STATION),
    _case("enterprises.delete_public_service", "POST", "/services/directory/{svc_their_entry}/delete", ADMIN,
          "other"),
]
