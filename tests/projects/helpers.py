"""Building micro-projects for tests through the real services: an adopted proposal (by the council or by a
passed ballot), a project led by the council member, the community's fund, ledger entries."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from neighbourhood.accounts.models import Role
from neighbourhood.council.models import Decision, Meeting
from neighbourhood.db import utcnow
from neighbourhood.projects import services
from neighbourhood.projects.models import EntryKind, FundingSource
from neighbourhood.proposals.models import ProposalStatus
from tests import factories

START, END = date(2026, 3, 1), date(2026, 6, 30)


def council_decision(session, proposal, recorder, outcome=ProposalStatus.ADOPTED) -> Decision:
    """A council meeting deciding `proposal` with `outcome` (the proposal's status is set to match)."""
    compound = proposal.compound
    meeting = Meeting(compound_id=compound.id, community_id=compound.community_id, held_on=utcnow().date(),
                      place="议事厅", recorded_by_id=recorder.id, council_size=1, present_count=1,
                      quorum_percent=50, quorum_needed=1, is_quorate=True)
    session.add(meeting)
    session.flush()
    decision = Decision(meeting=meeting, compound_id=compound.id, community_id=compound.community_id,
                        proposal_id=proposal.id, outcome=outcome, votes_for=1)
    session.add(decision)
    proposal.status = outcome
    proposal.decided_at = utcnow()
    session.flush()
    return decision


def adopted_proposal(session, world, *, title="在3栋门口加装路灯"):
    """A proposal the council adopted at a meeting."""
    proposal = factories.proposal(session, world.compound, world.users["resident"], title=title)
    council_decision(session, proposal, world.users["council"])
    return proposal


def ballot_adopted_proposal(session, world, *, passed=True):
    """A proposal the council sent to a residents' ballot, which then passed (or failed)."""
    from neighbourhood.voting import services as voting
    from tests.voting.helpers import KEYS, ballot_input

    decision = factories.ballot_decision(session, world.compound, world.users["resident"])
    council = world.users["council"]
    ballot = voting.draft_ballot(session, compound=world.compound, by=council, data=ballot_input(),
                                 decision=decision)
    voting.open_ballot(session, ballot=ballot, by=council)
    voting.cast(session, ballot=ballot, user=world.users["owner"], choice="yes" if passed else "no", keys=KEYS)
    voting.close_early(session, ballot=ballot, by=council, keys=KEYS)
    session.flush()
    return decision.proposal, ballot


def project_input(world, **overrides) -> services.ProjectInput:
    fields = dict(lead=world.users["council"], budget=Decimal("50000.00"),
                  funding_source=FundingSource.COMMUNITY_FUND, planned_start=START, planned_end=END)
    fields.update(overrides)
    return services.ProjectInput(**fields)


def project(session, world, *, proposal=None, **overrides):
    """A PLANNING project from a newly adopted proposal, created by the council member."""
    proposal = proposal or adopted_proposal(session, world)
    return services.create_project(session, proposal=proposal, by=world.users["council"],
                                   data=project_input(world, **overrides))


def under_way(session, world, **overrides):
    obj = project(session, world, **overrides)
    services.start(session, project=obj, by=world.users["council"])
    return obj


def fund(session, world, *, residents=12800, kind="city", year=None):
    return services.set_fund(session, community=world.community, year=year or utcnow().year, community_type=kind,
                             residents=residents, by=world.users["station"])


def second_supervisor(session, app, world, name="吴阿姨"):
    return factories.council_seat(session, app.config, world.compound, world.household, name,
                                  role_name=Role.SUPERVISOR)


def entry_input(kind=EntryKind.SPENDING, amount="1200.00", *, person=False, **overrides) -> services.EntryInput:
    fields = dict(kind=kind, amount=Decimal(amount), occurred_on=date(2026, 4, 2),
                  counterparty="王秀英" if person else "成都明亮照明有限公司", counterparty_is_person=person,
                  purpose="路灯两盏及安装")
    fields.update(overrides)
    return services.EntryInput(**fields)


def spend(session, world, project_obj, amount="1200.00", by=None, **overrides):
    return services.add_entry(session, project=project_obj, by=by or world.users["council"],
                              data=entry_input(EntryKind.SPENDING, amount, **overrides))


def accepted(session, world, *, title="3栋门口加装路灯"):
    """A project the council completed and the supervisor accepted: its rating window is open."""
    project = factories.project(session, world.compound, world.users["council"], started=True, title=title)
    services.complete(session, project=project, by=world.users["council"])
    services.accept(session, project=project, by=world.users["supervisor"], note="灯都亮了")
    session.flush()
    return project


def measure(count_queries, client, path) -> int:
    """The SQL statements of a second (warm) load of a page that must answer 200; printed when over the ceiling."""
    client.get(path)
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    if len(statements) > 12:
        print("\n".join(s[:150] for s in statements))
    return len(statements)
