"""Enterprise profiles, registration, certification and income reports: everyone signed in reads an enterprise on
the circle (ours and another community's); the compound's enterprise operators and the community's station register
one; only its operators edit it and report income; only the station of its community (and the admin) decides on it,
links operators and reads the review queue. Another community's enterprise and queue are closed to our station.
(A pending or suspended profile answers 404 to whom may not see it: tests/enterprises/test_profile_pages.py.)"""
from neighbourhood.accounts.models import Role
from neighbourhood.enterprises.models import EnterpriseStatus
from tests import factories
from tests.access import SIGNED_IN, STATION, Case
from tests.enterprises.helpers import enterprise

REGISTRARS = frozenset({"enterprise", "station", "admin"})
OPERATORS = frozenset({"enterprise"})
ADMIN_ONLY = frozenset({"admin"})
NOBODY = frozenset()


def objects(session, config, world) -> dict:
    ours = enterprise(session, world.compound, world.users["enterprise"], name="玉林邻里食堂")
    elsewhere = factories.community(session, name="芳草社区")
    their_compound = factories.compound(session, elsewhere, name="芳草东街小区")
    their_operator = factories.user(session, config, display_name="芳草社企")
    factories.role(session, their_operator, Role.ENTERPRISE_OPERATOR, compound_obj=their_compound)
    theirs = enterprise(session, their_compound, their_operator, name="芳草便民维修",
                        status=EnterpriseStatus.LISTED)
    session.commit()
    return {"ent_ours": ours.id, "ent_theirs": theirs.id, "ent_their_compound": their_compound.id,
            "ent_their_community": elsewhere.id}


def _case(endpoint: str, method: str, path: str, allowed: frozenset, variant: str = "") -> Case:
    return Case(endpoint, method, lambda o: "/enterprises/" + path.format(**o), allowed, variant)


CASES = [
    _case("enterprises.profile", "GET", "{ent_ours}", SIGNED_IN),
    _case("enterprises.profile", "GET", "{ent_theirs}", SIGNED_IN, "other"),
    _case("enterprises.register", "GET", "register?compound={compound}", REGISTRARS),
    _case("enterprises.register", "POST", "register?compound={compound}", REGISTRARS, "post"),
    _case("enterprises.register", "GET", "register?compound={ent_their_compound}", ADMIN_ONLY, "other"),
    _case("enterprises.register", "POST", "register?compound={ent_their_compound}", ADMIN_ONLY, "other-post"),
    _case("enterprises.edit", "GET", "{ent_ours}/edit", OPERATORS),
    _case("enterprises.edit", "POST", "{ent_ours}/edit", OPERATORS, "post"),
    _case("enterprises.edit", "GET", "{ent_theirs}/edit", NOBODY, "other"),
    _case("enterprises.edit", "POST", "{ent_theirs}/edit", NOBODY, "other-post"),
    _case("enterprises.certify", "POST", "{ent_ours}/certify", STATION),
    _case("enterprises.certify", "POST", "{ent_theirs}/certify", ADMIN_ONLY, "other"),
    _case("enterprises.list_provider", "POST", "{ent_ours}/list", STATION),
    _case("enterprises.list_provider", "POST", "{ent_theirs}/list", ADMIN_ONLY, "other"),
    _case("enterprises.suspend", "POST", "{ent_ours}/suspend", STATION),
    _case("enterprises.suspend", "POST", "{ent_theirs}/suspend", ADMIN_ONLY, "other"),
    _case("enterprises.add_operator", "POST", "{ent_ours}/operators", STATION),
    _case("enterprises.add_operator", "POST", "{ent_theirs}/operators", ADMIN_ONLY, "other"),
    _case("enterprises.report_income", "POST", "{ent_ours}/income", OPERATORS),
    _case("enterprises.report_income", "POST", "{ent_theirs}/income", NOBODY, "other"),
    _case("enterprises.review_queue", "GET", "review?community={community}", STATION),
    _case("enterprises.review_queue", "GET", "review?community={ent_their_community}", ADMIN_ONLY, "other"),
]
