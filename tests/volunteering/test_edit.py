"""Correcting an activity after publishing: the organiser's form comes prefilled, a new place or risk reaches
everyone signed up or waiting (once each, never the organiser, never those who cancelled), other corrections reach no
one, bad input comes back filled in with nothing saved, and a cancelled activity or someone else's is refused."""
from __future__ import annotations


from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import services
from neighbourhood.volunteering.models import Activity, ActivityCategory
from tests.accounts.helpers import english, page
from tests.projects.helpers import measure
from tests.volunteering.helpers import activity as make_activity, page_text as text, planned

CEILING = 12




def details(act: Activity, **changes) -> dict:
    """The edit form as a GET shows it for `act`, with `changes` typed over it."""
    form = {"title": act.title, "category": act.category.value, "place": act.place, "description": act.description,
            "requirements": act.requirements, "risk_note": act.risk_note,
            "cancel_cutoff_hours": str(act.cancel_cutoff_hours)}
    if act.insurance_required:
        form["insurance_required"] = "y"
    form.update(changes)
    return form


def filled_in(response) -> dict:
    """The edit form's fields as the page shows them (times live in the shifts: the form has none)."""
    values = page(response).values
    values.pop("csrf_token", None)
    return {name: value.strip() if value else value for name, value in values.items()}


def changed_notices(session) -> dict[int, int]:
    """volunteering.changed notifications per user id."""
    return dict(session.execute(select(Notification.user_id, func.count(Notification.id))
                                .where(Notification.kind == "volunteering.changed")
                                .group_by(Notification.user_id)).all())


def updates(session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "volunteering.activity_updated")))


def test_the_organiser_finds_the_form_prefilled(session, world, client_as):
    act = planned(session, world, insurance_required=True)
    council = english(client_as("council"))
    assert f'href="/volunteering/{act.id}/edit"' in text(council.get(f"/volunteering/{act.id}"))
    response = council.get(f"/volunteering/{act.id}/edit")
    shown = filled_in(response)
    assert shown == {"title": "周末楼道清洁", "category": "environment", "place": "3栋楼下",
                     "description": "清理楼道杂物，擦洗扶手。", "requirements": "自备手套",
                     "risk_note": "高处作业需系安全带", "insurance_required": "y", "cancel_cutoff_hours": "12"}
    assert "Nothing was saved" not in text(response)


def test_a_new_place_reaches_everyone_signed_up_or_waiting_once(session, world, client_as):
    act = planned(session, world, capacity=1, shifts=2)
    first, second = act.shifts
    users = world.users
    services.sign_up(session, shift=first, user=users["resident"])
    services.sign_up(session, shift=second, user=users["resident"])
    services.sign_up(session, shift=first, user=users["owner"])            # waiting for the first shift
    services.sign_up(session, shift=second, user=users["council"])          # the organiser volunteers too
    gone = services.sign_up(session, shift=first, user=users["supervisor"])
    services.cancel_signup(session, signup=gone, by=users["supervisor"])
    session.commit()
    council = english(client_as("council"))

    response = council.post(f"/volunteering/{act.id}/edit", data=details(act, place="5栋架空层"))
    assert response.status_code == 302 and response.location.endswith(f"/volunteering/{act.id}")
    page = text(council.get(response.location))
    assert "The details are saved. Everyone signed up is told." in page and "5栋架空层" in page
    session.refresh(act)
    assert act.place == "5栋架空层" and act.title == "周末楼道清洁"
    [entry] = updates(session)
    assert entry.data["changed"] == ["place"] and entry.actor_id == users["council"].id
    assert changed_notices(session) == {users["resident"].id: 1, users["owner"].id: 1}


def test_a_new_risk_note_is_told_and_other_corrections_are_not(session, world, client_as):
    act = planned(session, world)
    services.sign_up(session, shift=act.shifts[0], user=world.users["resident"])
    session.commit()
    station = english(client_as("station"))

    quiet = station.post(f"/volunteering/{act.id}/edit",
                         data=details(act, description="清理楼道杂物。", title="周末楼道大扫除", category="safety",
                                      cancel_cutoff_hours="24"))
    assert quiet.status_code == 302
    page = text(station.get(quiet.location))
    assert "The details are saved." in page and "Everyone signed up is told." not in page
    session.refresh(act)
    assert (act.title, act.description, act.category, act.cancel_cutoff_hours) == (
        "周末楼道大扫除", "清理楼道杂物。", ActivityCategory.SAFETY, 24)
    assert updates(session)[0].data["changed"] == ["title", "category", "description", "cancel_cutoff_hours"]
    assert changed_notices(session) == {}

    risky = station.post(f"/volunteering/{act.id}/edit",
                         data=details(act, risk_note="需登梯清理灯罩", insurance_required="y"))
    assert risky.status_code == 302
    assert "Everyone signed up is told." in text(station.get(risky.location))
    session.refresh(act)
    assert act.insurance_required and act.risk_note == "需登梯清理灯罩"
    assert changed_notices(session) == {world.users["resident"].id: 1}


def test_saving_the_same_details_changes_nothing(session, world, client_as):
    act = planned(session, world)
    services.sign_up(session, shift=act.shifts[0], user=world.users["resident"])
    session.commit()
    council = english(client_as("council"))
    response = council.post(f"/volunteering/{act.id}/edit", data=details(act))
    assert response.status_code == 302
    assert "Nothing changed." in text(council.get(response.location))
    assert updates(session) == [] and changed_notices(session) == {}


def test_bad_input_comes_back_filled_in_and_nothing_is_saved(session, world, client_as):
    act = planned(session, world)
    services.sign_up(session, shift=act.shifts[0], user=world.users["resident"])
    session.commit()
    council = english(client_as("council"))
    url = f"/volunteering/{act.id}/edit"

    untitled = council.post(url, data=details(act, title="  ", place="5栋架空层", description="改了说明"))
    shown = text(untitled)
    assert untitled.status_code == 200 and "Nothing was saved" in shown and "This field is required." in shown
    assert filled_in(untitled)["place"] == "5栋架空层" and filled_in(untitled)["description"] == "改了说明"

    uninsured = council.post(url, data=details(act, place="河边步道", insurance_required="y", risk_note=""))
    assert uninsured.status_code == 200 and "Describe the risk when the work needs insurance." in text(uninsured)
    assert filled_in(uninsured)["place"] == "河边步道" and filled_in(uninsured)["insurance_required"] == "y"

    too_late = council.post(url, data=details(act, cancel_cutoff_hours="100"))
    assert too_late.status_code == 200 and filled_in(too_late)["cancel_cutoff_hours"] == "100"

    session.refresh(act)
    assert act.place == "3栋楼下" and act.description == "清理楼道杂物，擦洗扶手。" and not act.insurance_required
    assert act.cancel_cutoff_hours == 12
    assert updates(session) == [] and changed_notices(session) == {}


def test_volunteers_and_the_other_compounds_council_may_not_edit(session, world, client_as):
    act = planned(session, world)
    theirs = make_activity(session, world.other_compound, world.users["other_council"], title="芳草街清洁")
    session.commit()
    for role in ("resident", "owner", "supervisor", "other_council"):
        client = client_as(role)
        assert client.get(f"/volunteering/{act.id}/edit").status_code == 403, role
        assert client.post(f"/volunteering/{act.id}/edit",
                           data=details(act, place="别处")).status_code == 403, role
        assert f"/volunteering/{act.id}/edit" not in text(client.get(f"/volunteering/{act.id}")), role
    council = client_as("council")
    assert council.post(f"/volunteering/{theirs.id}/edit", data=details(theirs, place="别处")).status_code == 403
    assert client_as("resident").get("/volunteering/999999/edit").status_code == 404
    session.refresh(act)
    session.refresh(theirs)
    assert act.place == "3栋楼下" and theirs.place == "3栋楼下" and updates(session) == []


def test_a_cancelled_activity_is_not_edited(session, world, client_as):
    act = planned(session, world)
    services.cancel_activity(session, activity=act, by=world.users["council"], reason="下雨")
    session.commit()
    council = english(client_as("council"))
    shown = council.get(f"/volunteering/{act.id}/edit")
    assert shown.status_code == 302 and shown.location.endswith(f"/volunteering/{act.id}")
    page = text(council.get(shown.location))
    assert "This activity is cancelled." in page and f"/volunteering/{act.id}/edit" not in page
    posted = council.post(f"/volunteering/{act.id}/edit", data=details(act, place="5栋架空层"))
    assert posted.status_code == 302
    session.refresh(act)
    assert act.place == "3栋楼下" and updates(session) == []


def test_the_edit_page_query_count_does_not_grow_with_rows(session, world, client_as, count_queries):
    act = planned(session, world, capacity=1)
    council = client_as("council")
    path = f"/volunteering/{act.id}/edit"
    before = measure(count_queries, council, path)
    for n in range(3):
        services.add_shift(session, activity=act, by=world.users["council"],
                           plan=services.ShiftPlan(act.starts_at, act.ends_at, 1, f"加班{n}"))
    session.flush()
    session.expire(act)
    for shift in act.shifts:
        for role in ("resident", "owner", "supervisor"):
            services.sign_up(session, shift=shift, user=world.users[role])
    make_activity(session, world.compound, world.users["council"], title="另一个活动", shifts=3)
    session.commit()
    after = measure(count_queries, council, path)
    assert after == before and after <= CEILING
