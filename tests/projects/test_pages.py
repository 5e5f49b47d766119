"""The project pages: setting up a project from an adopted proposal, the two-person rule for spending, objections
pausing approval, masked private counterparties, forms that keep what was typed, and query counts that do not grow
with the ledger or the timeline."""
from __future__ import annotations

import html
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from neighbourhood.accounts.models import Role
from neighbourhood.projects import services
from neighbourhood.projects.models import (
    EntryKind, EntryStatus, LedgerEntry, Objection, Project, ProjectStatus,
)
from tests import factories
from tests.accounts.helpers import english, text as _text
from tests.projects.helpers import measure

CEILING = 12


def text(response) -> str:
    return html.unescape(_text(response))


def body(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def second_supervisor(session, config, world):
    return factories.council_seat(session, config, world.compound, world.household, "孙老师",
                                  role_name=Role.SUPERVISOR)


def spending(session, project, by, *, counterparty="五金店", person=False, amount="800.00"):
    return services.add_entry(session, project=project, by=by, data=services.EntryInput(
        kind=EntryKind.SPENDING, amount=Decimal(amount), occurred_on=date(2026, 11, 1), counterparty=counterparty,
        counterparty_is_person=person, purpose="灯具和线材"))


def test_the_council_sets_up_a_project_from_an_adopted_proposal(app, session, world, client_as):
    council = world.users["council"]
    proposal = factories.adopted_proposal(session, world.compound, council, title="二号楼加装扶手")
    session.commit()
    client = english(client_as("council"))

    listing = text(client.get(f"/projects/?compound={world.compound.id}"))
    assert "Adopted proposals waiting for a project" in listing and "二号楼加装扶手" in listing
    form = client.get(f"/projects/new?proposal={proposal.id}")
    assert form.status_code == 200 and "Set up the project" in text(form)

    response = client.post(f"/projects/new?proposal={proposal.id}", data={
        "lead": council.id, "budget": "12,000.50", "funding_source": "community_fund",
        "planned_start": "2026-12-01", "planned_end": "2027-01-15", "implementer_kind": "council"})
    project = session.scalar(select(Project).where(Project.proposal_id == proposal.id))
    assert response.status_code == 302 and response.location.endswith(f"/projects/{project.id}")
    assert project.budget == Decimal("12000.50") and project.status is ProjectStatus.PLANNING
    page = text(client.get(response.location))
    assert "二号楼加装扶手" in page and "¥12000.50" in page and "the council's decision" in page
    listing = body(client.get(f"/projects/?compound={world.compound.id}"))
    assert 'id="waiting"' not in listing and f'id="project-{project.id}"' in listing

    started = client.post(f"/projects/{project.id}/start")
    assert started.status_code == 302 and project.status is ProjectStatus.UNDER_WAY
    # A resident reads the project but has no council actions.
    resident_page = text(english(client_as("resident")).get(f"/projects/{project.id}"))
    assert "二号楼加装扶手" in resident_page and "Report it complete" not in resident_page
    assert "Report it complete" in text(client.get(f"/projects/{project.id}"))


def test_form_errors_keep_what_was_typed_and_change_nothing(app, session, world, client_as):
    council = world.users["council"]
    proposal = factories.adopted_proposal(session, world.compound, council)
    session.commit()
    client = english(client_as("council"))
    response = client.post(f"/projects/new?proposal={proposal.id}", data={
        "lead": council.id, "budget": "12000", "funding_source": "donation", "planned_start": "2026-12-01",
        "planned_end": "2026-11-01", "implementer_kind": "other", "implementer_name": "",
        "implementer_reason": "本地施工队报价最低"})
    assert response.status_code == 200
    assert "The planned end comes after the planned start." in text(response)
    assert "本地施工队报价最低" in body(response) and 'value="2026-11-01"' in body(response)
    assert session.scalar(select(func.count(Project.id))) == 0

    project = factories.project(session, world.compound, council, started=True)
    session.commit()
    # Spending without a receipt photo is refused, the typed counterparty kept.
    response = client.post(f"/projects/{project.id}/ledger", data={
        "kind": "spending", "amount": "300.00", "occurred_on": "2026-11-02", "counterparty": "建材市场老李",
        "purpose": "水泥"})
    assert response.status_code == 200 and "Add a photo of the receipt" in text(response)
    assert 'value="建材市场老李"' in body(response)
    response = client.post(f"/projects/{project.id}/ledger", data={
        "kind": "spending", "amount": "3.333", "occurred_on": "2026-11-02", "counterparty": "建材市场",
        "purpose": "水泥", "receipt": (io.BytesIO(factories.jpeg_bytes()), "r.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 200 and 'value="3.333"' in body(response)
    response = client.post(f"/projects/{project.id}/milestones", data={
        "title": "材料进场", "progress": "150", "reached_on": "2026-11-02"})
    assert response.status_code == 200 and 'value="材料进场"' in body(response)
    assert session.scalar(select(func.count(LedgerEntry.id))) == 0


def test_spending_with_its_receipt_and_the_two_person_rule(app, session, world, client_as):
    council, supervisor = world.users["council"], world.users["supervisor"]
    project = factories.project(session, world.compound, council, started=True)
    session.commit()
    # The supervisor holds a council seat too, so they can enter spending — and then cannot approve it.
    factories.role(session, supervisor, Role.COUNCIL_MEMBER, compound_obj=world.compound)
    other = second_supervisor(session, app.config, world)
    session.commit()
    client = english(client_as("supervisor"))
    response = client.post(f"/projects/{project.id}/ledger", data={
        "kind": "spending", "amount": "800.00", "occurred_on": "2026-11-01", "counterparty": "五金店",
        "purpose": "灯具", "receipt": (io.BytesIO(factories.jpeg_bytes()), "r.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    entry = session.scalar(select(LedgerEntry))
    assert entry.status is EntryStatus.PENDING
    page = text(client.get(f"/projects/{project.id}"))
    assert "Waiting for a supervisor" in page and "Receipt" in page and "Approve" not in page
    assert client.post(f"/projects/{project.id}/ledger/{entry.id}/approve").status_code == 403

    from tests.conftest import sign_in
    second = english(app.test_client())
    sign_in(app, second, other)
    assert "Approve" in text(second.get(f"/projects/{project.id}"))
    # Rejecting needs a reason; the page comes back with the form, nothing changed.
    refused = second.post(f"/projects/{project.id}/ledger/{entry.id}/reject", data={"text": ""})
    assert refused.status_code == 200 and "This field is required." in text(refused)
    assert second.post(f"/projects/{project.id}/ledger/{entry.id}/approve").status_code == 302
    session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED
    assert "¥800.00" in text(second.get(f"/projects/{project.id}")).split("Balance")[0]


def test_an_objection_pauses_approval_until_settled(app, session, world, client_as):
    council = world.users["council"]
    project = factories.project(session, world.compound, council, started=True)
    entry = spending(session, project, council)
    session.commit()
    supervisor = english(client_as("supervisor"))
    assert supervisor.post(f"/projects/{project.id}/objections", data={"text": "报价偏高，请说明"}).status_code == 302
    objection = session.scalar(select(Objection))
    page = text(supervisor.get(f"/projects/{project.id}"))
    assert "Spending paused by an objection" in page and "报价偏高，请说明" in page and "Approve" not in page
    assert "A supervisor objected." in page
    refused = supervisor.post(f"/projects/{project.id}/ledger/{entry.id}/approve")
    assert refused.status_code == 302
    session.refresh(entry)
    assert entry.status is EntryStatus.PENDING

    council_client = english(client_as("council"))
    assert council_client.post(f"/projects/{project.id}/objections/{objection.id}/answer",
                               data={"text": "已比较三家报价"}).status_code == 302
    assert supervisor.post(f"/projects/{project.id}/objections/{objection.id}/accept").status_code == 302
    page = text(supervisor.get(f"/projects/{project.id}"))
    assert "已比较三家报价" in page and "Settled: answer accepted" in page and "Approve" in page
    assert supervisor.post(f"/projects/{project.id}/ledger/{entry.id}/approve").status_code == 302
    session.refresh(entry)
    assert entry.status is EntryStatus.APPROVED


def test_a_private_counterparty_is_masked_for_residents_not_the_council(app, session, world, client_as):
    council = world.users["council"]
    project = factories.project(session, world.compound, council, started=True)
    spending(session, project, council, counterparty="王秀英", person=True)
    session.commit()
    assert "王**" in text(client_as("resident").get(f"/projects/{project.id}"))
    assert "王秀英" not in text(client_as("resident").get(f"/projects/{project.id}"))
    assert "王秀英" in text(client_as("council").get(f"/projects/{project.id}"))


def test_milestones_completion_and_acceptance(app, session, world, client_as):
    council = world.users["council"]
    project = factories.project(session, world.compound, council, started=True)
    session.commit()
    client = english(client_as("council"))
    response = client.post(f"/projects/{project.id}/milestones", data={
        "title": "灯杆安装完成", "progress": "60", "reached_on": "2026-11-10", "note": "",
        "photos": (io.BytesIO(factories.jpeg_bytes()), "m.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = text(client.get(f"/projects/{project.id}"))
    assert "灯杆安装完成" in page and "60 per cent" in page and "Photo 1 of the milestone" in body(
        client.get(f"/projects/{project.id}"))
    assert client.post(f"/projects/{project.id}/complete").status_code == 302
    supervisor = english(client_as("supervisor"))
    assert supervisor.post(f"/projects/{project.id}/accept", data={"text": ""}).status_code == 200
    assert supervisor.post(f"/projects/{project.id}/accept", data={"text": "现场查看灯已亮"}).status_code == 302
    session.refresh(project)
    assert project.status is ProjectStatus.ACCEPTED and "现场查看灯已亮" in text(client.get(f"/projects/{project.id}"))


def test_list_and_detail_queries_do_not_grow(app, session, world, client_as, count_queries):
    council = world.users["council"]
    other = factories.council_seat(session, app.config, world.compound, world.household, "钱先生")

    def build(n: int, title: str):
        project = factories.project(session, world.compound, council if n == 2 else other, started=True,
                                    title=title)
        for i in range(n):
            factories.photo(session, app.config, world.compound, subject_type="milestone",
                            subject_id=services.add_milestone(session, project=project, by=council, title=f"第{i}步",
                                                              progress_percent=10 * i,
                                                              reached_on=date(2026, 11, 1 + i)).id)
            entry = spending(session, project, council, counterparty=f"店{i}", person=bool(i % 2))
            factories.photo(session, app.config, world.compound, subject_type="ledger_entry", subject_id=entry.id)
        services.object_to(session, project=project, by=world.users["supervisor"], body="请说明")
        return project

    roles = ("resident", "council", "supervisor")
    clients = {role: client_as(role) for role in roles}
    small = build(2, "小项目")
    factories.adopted_proposal(session, world.compound, council)
    session.commit()
    listing = f"/projects/?compound={world.compound.id}"
    before = {role: (measure(count_queries, c, f"/projects/{small.id}"), measure(count_queries, c, listing))
              for role, c in clients.items()}
    large = build(6, "大项目")
    for n in range(4):
        factories.project(session, world.compound, other, title=f"另一个项目{n}")
        factories.adopted_proposal(session, world.compound, council, title=f"待立项{n}")
    session.commit()
    for role, c in clients.items():
        assert before[role][0] <= CEILING and before[role][1] <= CEILING, role
        assert measure(count_queries, c, f"/projects/{large.id}") == before[role][0], role
        assert measure(count_queries, c, listing) == before[role][1], role
    assert "大项目" in text(clients["council"].get(listing)) and "待立项3" in text(clients["council"].get(listing))


def test_a_busy_project_page_keeps_the_page_budget(app, session, world, client_as):
    from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight

    council = world.users["council"]
    project = factories.project(session, world.compound, council, started=True)
    for i in range(6):
        services.add_milestone(session, project=project, by=council, title=f"第{i}步", progress_percent=10 * i,
                               reached_on=date(2026, 11, 1 + i), note="施工队进场，材料已验收。")
        spending(session, project, council, counterparty=f"五金店{i}")
    services.object_to(session, project=project, by=world.users["supervisor"], body="请说明报价")
    session.commit()
    for role in ("council", "supervisor"):
        html_size, total, _page = page_weight(client_as(role), f"/projects/{project.id}")
        assert html_size <= HTML_BUDGET and total <= TOTAL_BUDGET, (role, html_size, total)


def test_an_adopted_proposal_links_to_its_project_or_offers_the_council_to_set_one_up(
        app, session, world, client_as, count_queries):
    council = world.users["council"]
    waiting = factories.adopted_proposal(session, world.compound, council, title="垃圾分类亭改造")
    carried = factories.adopted_proposal(session, world.compound, council, title="2栋屋顶防水")
    project = services.create_project(session, proposal=carried, by=council, data=services.ProjectInput(
        lead=council, budget=Decimal("12000.00"), funding_source=services.FundingSource.COMMON_INCOME,
        planned_start=date(2026, 12, 1), planned_end=date(2026, 12, 31)))
    session.commit()
    resident, council_client = client_as("resident"), client_as("council")
    page = text(resident.get(f"/proposals/{carried.id}"))
    assert "2栋屋顶防水" in page and f"/projects/{project.id}" in body(resident.get(f"/proposals/{carried.id}"))
    assert "/projects/new" not in body(council_client.get(f"/proposals/{carried.id}"))
    assert f"/projects/new?proposal={waiting.id}" in body(council_client.get(f"/proposals/{waiting.id}"))
    assert "/projects/new" not in body(resident.get(f"/proposals/{waiting.id}"))
    assert measure(count_queries, resident, f"/proposals/{carried.id}") <= CEILING


def test_the_station_finds_rectifications_and_residents_find_their_disclosure_board(client_as, world):
    assert "/projects/rectifications" in body(client_as("station").get("/station/"))
    board = f"/disclosure/{world.compound.id}"
    assert board in body(client_as("resident").get("/"))
    assert board not in body(client_as("unverified").get(f"/?compound={world.compound.id}"))
