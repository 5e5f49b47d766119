"""The four lists: station staff add, change and retire entries of their own community; all audited."""
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.station import services
from neighbourhood.station.models import FourListEntry, ListKind
from tests import factories
from tests.accounts.helpers import english, page
from tests.needs.helpers import shown


def test_staff_add_entries_to_each_list(session, world, client_as):
    client = english(client_as("station"))
    path = f"/station/communities/{world.community.id}/lists"
    body = shown(client.get(path))
    for label in ("Self-governance matters", "Matters assisting government", "Purchasable services", "Negative list"):
        assert label in body
    response = client.post(path, data={"kind": "negative", "name": "个人物业费", "description": "私人费用不得使用公共资金"})
    assert response.status_code == 302
    entry = session.scalars(select(FourListEntry)).one()
    assert (entry.kind, entry.name, entry.community_id, entry.active) == (ListKind.NEGATIVE, "个人物业费",
                                                                          world.community.id, True)
    assert "个人物业费" in shown(client.get(path))
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "four_list.entry_added")).one()
    assert audit.community_id == world.community.id and audit.data == {"kind": "negative", "name": "个人物业费"}


def test_bad_input_comes_back_filled_in(session, world, client_as):
    client = english(client_as("station"))
    path = f"/station/communities/{world.community.id}/lists"
    response = client.post(path, data={"kind": "negative", "name": "", "description": "说明"})
    assert response.status_code == 200 and "This field is required." in shown(response)
    assert page(response).values["description"].strip() == "说明"
    response = client.post(path, data={"kind": "nonsense", "name": "x"})
    assert response.status_code == 200
    assert session.scalar(select(func.count()).select_from(FourListEntry)) == 0


def test_staff_change_and_retire_an_entry(session, world, client_as):
    entry = factories.four_list_entry(session, world.community)
    need = factories.need(session, world.compound, world.users["resident"], list_entry_id=entry.id)
    session.commit()
    client = english(client_as("station"))
    response = client.post(f"/station/lists/{entry.id}", data={
        "kind": "self_governance", "name": "公共设施维护", "description": "", "sort_order": "5"})
    assert response.status_code == 302
    session.expire_all()
    assert (entry.name, entry.active, entry.sort_order) == ("公共设施维护", False, 5)
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "four_list.entry_changed")).one()
    assert audit.data["active"] == [True, False] and audit.data["name"] == ["公共设施小修小补", "公共设施维护"]
    assert "Retired" in shown(client.get(f"/station/communities/{world.community.id}/lists"))
    # Retired entries are no longer offered at triage, but the need classified under it keeps it.
    assert services.list_entries(session, community_id=world.community.id, active_only=True) == []
    assert need.list_entry_id == entry.id


def test_staff_of_another_community_cannot_keep_our_lists(session, world, client_as):
    far = factories.community(session, name="芳草社区")
    far_entry = factories.four_list_entry(session, far)
    session.commit()
    client = client_as("station")
    assert client.get(f"/station/communities/{far.id}/lists").status_code == 403
    assert client.post(f"/station/lists/{far_entry.id}", data={"kind": "negative", "name": "x"}).status_code == 403
    assert client_as("council").get(f"/station/communities/{world.community.id}/lists").status_code == 403


def test_entries_are_kept_in_list_order(session, world):
    station = world.users["station"]
    services.add_list_entry(session, community=world.community, by=station, kind="negative", name="乙")
    services.add_list_entry(session, community=world.community, by=station, kind="self_governance", name="甲")
    services.add_list_entry(session, community=world.community, by=station, kind="negative", name="丙")
    names = [e.name for e in services.list_entries(session, community_id=world.community.id)]
    assert names == ["甲", "乙", "丙"]
