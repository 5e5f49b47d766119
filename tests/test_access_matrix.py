"""Every endpoint × every role, including a council member of the other compound acting on ours.

A new endpoint without an entry here fails test_every_endpoint_is_in_the_matrix."""
from __future__ import annotations

import importlib
import pkgutil

import pytest

from neighbourhood.accounts.models import MembershipStatus, Relation, Role
from tests import access, factories
from tests.access import (
    AUDITORS, EVERYONE, OTHER_REVIEWERS, PERSONAL_DETAILS, REVIEWERS, SIGNED_IN, STATION, Case,
)
from tests.conftest import ROLES

DOMAIN_MODULES = [importlib.import_module(f"tests.access.{module.name}")
                  for module in pkgutil.iter_modules(access.__path__)]


def base_objects(session, config, world) -> dict:
    """The objects the URLs point at, made fresh for each test."""
    pending = factories.membership(session, world.users["unverified"], world.free_household,
                                   relation=Relation.TENANT, status=MembershipStatus.PENDING)
    other_pending = factories.membership(session, world.users["unverified"], world.other_household,
                                         relation=Relation.TENANT, status=MembershipStatus.PENDING)
    enterprise_role = next(r for r in world.users["enterprise"].role_assignments
                           if r.role is Role.ENTERPRISE_OPERATOR)
    staff_role = next(r for r in world.users["station"].role_assignments)
    resident_membership = world.users["resident"].memberships[0]
    session.commit()
    return {
        "community": world.community.id, "compound": world.compound.id,
        "other_compound": world.other_compound.id, "building": world.building.id,
        "household": world.household.id, "other_household": world.other_household.id,
        "pending": pending.id, "other_pending": other_pending.id,
        "enterprise_role": enterprise_role.id, "staff_role": staff_role.id,
        "resident_membership": resident_membership.id,
        "other_building": world.other_household.building_id,
    }


MATRIX = [
    Case("web.home", "GET", lambda o: "/", EVERYONE),
    Case("web.healthz", "GET", lambda o: "/healthz", EVERYONE),
    Case("web.set_language", "GET", lambda o: "/language/en?next=/", EVERYONE),
    Case("web.favicon", "GET", lambda o: "/favicon.ico", EVERYONE),
    Case("static", "GET", lambda o: "/static/css/app.css", EVERYONE),
    Case("accounts.register", "GET", lambda o: "/register", EVERYONE),
    Case("accounts.login", "GET", lambda o: "/login", EVERYONE),
    Case("accounts.login_with_code", "GET", lambda o: "/login/code", EVERYONE),
    Case("accounts.reset_password", "GET", lambda o: "/password/reset", EVERYONE),
    Case("accounts.logout", "POST", lambda o: "/logout", SIGNED_IN),
    Case("accounts.me", "GET", lambda o: "/me", SIGNED_IN),
    Case("accounts.export", "GET", lambda o: "/me/export", SIGNED_IN),
    Case("accounts.delete_account", "GET", lambda o: "/me/delete", SIGNED_IN),
    Case("accounts.join_household", "GET", lambda o: "/households/join", SIGNED_IN),
    Case("accounts.redeem_code", "GET", lambda o: "/households/redeem", SIGNED_IN),
    Case("accounts.withdraw_membership", "POST",
         lambda o: f"/memberships/{o['resident_membership']}/withdraw", frozenset({"resident"})),
    Case("accounts.pending", "GET", lambda o: f"/compounds/{o['compound']}/memberships", REVIEWERS),
    Case("accounts.pending", "GET", lambda o: f"/compounds/{o['other_compound']}/memberships",
         OTHER_REVIEWERS, "other"),
    Case("accounts.approve", "POST", lambda o: f"/memberships/{o['pending']}/approve", REVIEWERS),
    Case("accounts.approve", "POST", lambda o: f"/memberships/{o['other_pending']}/approve",
         OTHER_REVIEWERS, "other"),
    Case("accounts.decline", "POST", lambda o: f"/memberships/{o['pending']}/decline", REVIEWERS),
    Case("accounts.decline", "POST", lambda o: f"/memberships/{o['other_pending']}/decline",
         OTHER_REVIEWERS, "other"),
    Case("accounts.residents", "GET", lambda o: f"/compounds/{o['compound']}/residents", PERSONAL_DETAILS),
    Case("accounts.residents", "GET", lambda o: f"/compounds/{o['other_compound']}/residents",
         frozenset({"other_council", "station", "admin"}), "other"),
    Case("accounts.compound_roles", "GET", lambda o: f"/compounds/{o['compound']}/roles", STATION),
    Case("accounts.community_staff", "GET", lambda o: f"/communities/{o['community']}/staff",
         frozenset({"admin"})),
    Case("accounts.end_role", "POST", lambda o: f"/roles/{o['enterprise_role']}/end", STATION),
    Case("accounts.end_role", "POST", lambda o: f"/roles/{o['staff_role']}/end", frozenset({"admin"}),
         "station-staff"),
    Case("places.station", "GET", lambda o: "/station/", STATION),
    Case("places.create_community", "POST", lambda o: "/station/communities", frozenset({"admin"})),
    Case("places.community", "GET", lambda o: f"/station/communities/{o['community']}", STATION),
    Case("places.compound", "GET", lambda o: f"/station/compounds/{o['compound']}", STATION),
    Case("places.add_building", "POST", lambda o: f"/station/compounds/{o['compound']}/buildings", STATION),
    Case("places.building", "GET", lambda o: f"/station/buildings/{o['building']}", STATION),
    Case("places.building", "GET", lambda o: f"/station/buildings/{o['other_building']}", STATION, "other"),
    Case("places.household", "GET", lambda o: f"/station/households/{o['household']}", STATION),
    Case("places.import_households", "GET", lambda o: f"/station/compounds/{o['compound']}/import", STATION),
    Case("places.import_template", "GET",
         lambda o: f"/station/compounds/{o['compound']}/import/template.csv", STATION),
    Case("places.invitations", "GET", lambda o: f"/station/compounds/{o['compound']}/invitations", STATION),
    Case("audit.index", "GET", lambda o: "/audit/", AUDITORS),
    Case("audit.verify", "POST", lambda o: "/audit/verify", AUDITORS),
]
# Each case with the module that makes its objects (None: the base objects are enough).
CASES = [(case, None) for case in MATRIX] + [(case, module) for module in DOMAIN_MODULES for case in module.CASES]


def objects(session, config, world, module=None) -> dict:
    """The objects the case's URL points at, made fresh for each test: the base ones and its own module's."""
    found = base_objects(session, config, world)
    if module is not None:
        found.update(module.objects(session, config, world))
    session.commit()
    return found


def test_every_endpoint_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    covered = {case.endpoint for case, _ in CASES}
    assert endpoints - covered == set(), "add these endpoints to the access-control matrix"
    assert covered - endpoints == set(), "the matrix names endpoints that no longer exist"


def test_matrix_roles_are_the_conftest_roles():
    for case, _ in CASES:
        assert case.allowed <= EVERYONE, case.id


def _outcome(response, role: str, case: Case, url: str) -> str | None:
    """What is wrong with one role's response, or None."""
    signed_out_redirect = response.status_code == 302 and "/login" in response.headers["Location"]
    if role in case.allowed:
        if response.status_code in (401, 403) or signed_out_redirect or response.status_code >= 500:
            return f"{role} should reach {case.method} {url}, got {response.status_code}"
    elif role == "anonymous":
        if not signed_out_redirect:
            return f"anonymous should be sent to sign in from {url}, got {response.status_code}"
    elif response.status_code != 403:
        return f"{role} must not reach {case.method} {url}, got {response.status_code}"
    return None


@pytest.mark.parametrize("case, module", CASES, ids=[case.id for case, _ in CASES])
def test_access(app, session, world, client_as, case: Case, module):
    """Every role against one case, on one set of objects. Refused roles go first, so nothing an allowed
    role's request changes (a decided request, a withdrawn support) can decide what a refused role sees."""
    url = case.url(objects(session, app.config, world, module))
    order = [r for r in ROLES if r not in case.allowed] + [r for r in ROLES if r in case.allowed]
    problems = []
    for role in order:
        response = client_as(role).open(url, method=case.method, data={})
        response.close()
        problems.append(_outcome(response, role, case, url))
    assert [p for p in problems if p] == []
