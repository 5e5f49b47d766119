"""The activity pages as residents and organisers use them: the list and an activity, organising one through the
form (a bad one comes back filled in), signing up and the waitlist, cancelling (promotion, the cutoff), the risk
note, the organiser's shifts and cancellation, and query counts that do not grow with rows."""
from __future__ import annotations

import html
from datetime import datetime, timedelta

from sqlalchemy import func, select

from neighbourhood.db import utcnow
from neighbourhood.notifications.models import Notification
from neighbourhood.voting.manage_forms import to_local
from neighbourhood.volunteering import services
from neighbourhood.volunteering.models import Activity, ActivityStatus, OrganiserKind, Shift, Signup, SignupStatus
from tests import factories
from tests.accounts.helpers import english
from tests.projects.helpers import measure
from tests.volunteering.helpers import activity as make_activity, page_text as text, planned, served

CEILING = 12




def local(value: datetime) -> str:
    return to_local(value).strftime("%Y-%m-%dT%H:%M")


def activity_form(world, **changes) -> dict:
    starts = (utcnow() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    form = {"title": "重阳节陪老人包饺子", "category": "elderly", "place": "院落活动室",
            "description": "陪独居老人包饺子、聊天。", "starts_at": local(starts),
            "ends_at": local(starts + timedelta(hours=3)), "capacity": "6", "shift_label": "",
            "requirements": "会包饺子更好", "risk_note": "", "cancel_cutoff_hours": "12",
            "organiser_kind": "council", "organiser_name": ""}
    form.update(changes)
    return form


def kinds_of(session, user, *kinds) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                           Notification.kind.in_(kinds))))


def test_the_list_and_an_activity_show_its_data_in_chinese_by_default(session, world, client_as):
    coming = planned(session, world, title="周末楼道清洁", capacity=3)
    past = make_activity(session, world.compound, world.users["council"], title="上月植树", days_ahead=-30)
    called_off = make_activity(session, world.compound, world.users["council"], title="取消的义诊", days_ahead=2)
    services.cancel_activity(session, activity=called_off, by=world.users["council"], reason="下雨")
    theirs = make_activity(session, world.other_compound, world.users["other_council"], title="芳草街活动")
    session.commit()
    resident = client_as("resident")

    listing = resident.get("/volunteering/")
    page = text(listing)
    assert listing.status_code == 200 and 'lang="zh-Hans"' in page
    assert "周末楼道清洁" in page and "3栋楼下" in page and "上月植树" in page and "芳草街活动" not in page
    assert f'id="activity-{called_off.id}"' in page and 'id="honour-list"' in page
    assert page.index("周末楼道清洁") < page.index("上月植树")

    detail = text(resident.get(f"/volunteering/{coming.id}"))
    assert "周末楼道清洁" in detail and "清理楼道杂物，擦洗扶手。" in detail and "自备手套" in detail
    assert f"{world.compound.name}议事会" in detail and 'id="shifts"' in detail and "第1班" in detail
    assert f'action="/volunteering/shifts/{coming.shifts[0].id}/sign-up"' in detail
    assert "下雨" in text(resident.get(f"/volunteering/{called_off.id}"))
    # Everyone signed in reads the other compound's activities; only its residents sign up there.
    their_page = text(resident.get(f"/volunteering/{theirs.id}"))
    assert "芳草街活动" in their_page and "/sign-up" not in their_page
    assert past.id


def test_the_list_names_what_each_person_may_do(session, world, client_as):
    planned(session, world)
    resident = text(english(client_as("resident")).get("/volunteering/"))
    assert "Organise an activity" not in resident and "My volunteering" in resident and "Time bank" in resident
    assert "Records and certificates" not in resident and "Hours by compound" not in resident
    council = text(english(client_as("council")).get("/volunteering/"))
    assert "Organise an activity" in council and "Records and certificates" in council
    station = text(english(client_as("station")).get(f"/volunteering/?compound={world.compound.id}"))
    assert "Hours by compound" in station and "Organise an activity" in station
    unverified = english(client_as("unverified")).get("/volunteering/")
    assert unverified.status_code == 200 and "Once your household is verified" in text(unverified)


def test_the_good_neighbour_list_shows_volunteers_who_opted_in(session, world, client_as):
    done = make_activity(session, world.compound, world.users["council"], days_ahead=0)
    shift = done.shifts[0]
    for role, hours in (("resident", 3), ("owner", 2)):
        served(session, shift, world.users[role], world.users["council"], hours=hours)
    services.update_profile(session, user=world.users["resident"], skills="", available_times="",
                            emergency_contact="", emergency_phone="", on_honour_list=True)
    session.commit()
    page = text(english(client_as("supervisor")).get("/volunteering/"))
    honours = page[page.index('id="honour-list"'):]
    assert "李阿姨" in honours and "3.0 h" in honours and "王先生" not in honours


def test_the_council_organises_an_activity_through_the_form(session, world, client_as):
    client = english(client_as("council"))
    page = text(client.get(f"/volunteering/new?compound={world.compound.id}"))
    assert "Compound council" in page and "Social enterprise" not in page and "Micro-project" not in page
    form = activity_form(world)
    response = client.post(f"/volunteering/new?compound={world.compound.id}", data=form)
    made = session.scalar(select(Activity))
    assert response.status_code == 302 and response.location.endswith(f"/volunteering/{made.id}")
    assert made.title == "重阳节陪老人包饺子" and made.organiser_kind is OrganiserKind.COUNCIL
    assert made.organiser_name == f"{world.compound.name} council" and made.project_id is None
    assert local(made.starts_at) == form["starts_at"] and made.cancel_cutoff_hours == 12
    [shift] = made.shifts
    assert shift.capacity == 6 and (shift.starts_at, shift.ends_at) == (made.starts_at, made.ends_at)
    assert "The activity is published" in text(client.get(response.location))


def test_a_bad_activity_comes_back_filled_in_and_nothing_is_saved(session, world, client_as):
    client = english(client_as("council"))
    url = f"/volunteering/new?compound={world.compound.id}"
    form = activity_form(world)
    backwards = client.post(url, data={**form, "ends_at": form["starts_at"], "capacity": "0"})
    page = text(backwards)
    assert backwards.status_code == 200 and session.scalar(select(func.count(Activity.id))) == 0
    assert "Nothing was saved" in page and "The end must come after the start." in page
    assert 'value="重阳节陪老人包饺子"' in page and "陪独居老人包饺子、聊天。" in page

    risky = client.post(url, data={**form, "insurance_required": "y"})
    assert risky.status_code == 200 and "Describe the risk when the work needs insurance." in text(risky)
    assert session.scalar(select(func.count(Activity.id))) == 0

    forged = client.post(url, data={**form, "organiser_kind": "enterprise", "organiser_name": "别家"})
    assert forged.status_code == 200 and session.scalar(select(func.count(Activity.id))) == 0


def test_an_operator_names_the_enterprise_and_a_micro_project_organises(session, world, client_as):
    operator = english(client_as("enterprise"))
    url = f"/volunteering/new?compound={world.compound.id}"
    nameless = operator.post(url, data=activity_form(world, organiser_kind="enterprise"))
    assert nameless.status_code == 200 and "who organises it" in text(nameless)
    named = operator.post(url, data=activity_form(world, organiser_kind="enterprise", organiser_name="锦江社区服务社"))
    assert named.status_code == 302
    assert session.scalar(select(Activity)).organiser_name == "锦江社区服务社"

    project = factories.project(session, world.compound, world.users["council"], title="3栋门口加装路灯")
    session.commit()
    council = english(client_as("council"))
    assert "3栋门口加装路灯" in text(council.get(url))
    unchosen = council.post(url, data=activity_form(world, organiser_kind="project", project="0"))
    assert unchosen.status_code == 200 and "Choose the micro-project" in text(unchosen)
    response = council.post(url, data=activity_form(world, title="路灯安装志愿者", organiser_kind="project",
                                                     project=str(project.id)))
    made = session.scalar(select(Activity).where(Activity.title == "路灯安装志愿者"))
    assert response.status_code == 302 and made.project_id == project.id
    assert made.organiser_kind is OrganiserKind.PROJECT
    assert f'href="/projects/{project.id}"' in text(council.get(f"/volunteering/{made.id}"))


def test_signing_up_then_the_waitlist_with_positions(session, world, client_as):
    act = planned(session, world, capacity=1)
    shift = act.shifts[0]
    resident = english(client_as("resident"))
    response = resident.post(f"/volunteering/shifts/{shift.id}/sign-up")
    assert response.status_code == 302 and response.location.endswith(f"/volunteering/{act.id}")
    page = text(resident.get(response.location))
    assert "You are signed up. We will remind you the day before." in page
    assert "You are signed up: confirmed" in page and "1 of 1 places taken" in page and "Cancel my place" in page

    owner = english(client_as("owner"))
    assert "Join the waitlist" in text(owner.get(f"/volunteering/{act.id}"))
    owner.post(f"/volunteering/shifts/{shift.id}/sign-up")
    supervisor = english(client_as("supervisor"))
    supervisor.post(f"/volunteering/shifts/{shift.id}/sign-up")
    assert "On the waitlist: number 1 in line" in text(owner.get(f"/volunteering/{act.id}"))
    page = text(supervisor.get(f"/volunteering/{act.id}"))
    assert "On the waitlist: number 2 in line" in page and "2 waiting" in page
    statuses = dict(session.execute(select(Signup.user_id, Signup.status)).all())
    assert statuses == {world.users["resident"].id: SignupStatus.CONFIRMED,
                        world.users["owner"].id: SignupStatus.WAITLISTED,
                        world.users["supervisor"].id: SignupStatus.WAITLISTED}
    session.refresh(shift)
    assert shift.taken == 1

    again = resident.post(f"/volunteering/shifts/{shift.id}/sign-up")
    assert again.status_code == 302
    assert "You have signed up for this shift already." in text(resident.get(f"/volunteering/{act.id}"))


def test_cancelling_promotes_the_first_on_the_waitlist(session, world, client_as):
    act = planned(session, world, capacity=1)
    shift = act.shifts[0]
    first = services.sign_up(session, shift=shift, user=world.users["resident"])
    services.sign_up(session, shift=shift, user=world.users["owner"])
    session.commit()
    resident = english(client_as("resident"))
    response = resident.post(f"/volunteering/signups/{first.id}/cancel")
    assert response.status_code == 302 and response.location.endswith(f"/volunteering/{act.id}")
    page = text(resident.get(response.location))
    # The freed place went to the waitlist; who got it is not the volunteer's business.
    assert "Cancelled." in page and "王先生" not in page and "Join the waitlist" in page
    statuses = dict(session.execute(select(Signup.user_id, Signup.status)).all())
    assert statuses[world.users["owner"].id] is SignupStatus.CONFIRMED
    assert statuses[world.users["resident"].id] is SignupStatus.CANCELLED
    assert len(kinds_of(session, world.users["owner"], "volunteering.promoted")) == 1
    assert "You are signed up: confirmed" in text(english(client_as("owner")).get(f"/volunteering/{act.id}"))


def test_cancelling_goes_back_only_to_a_volunteering_page(session, world, client_as):
    act = planned(session, world, capacity=3)
    shift = act.shifts[0]
    mine = services.sign_up(session, shift=shift, user=world.users["resident"])
    theirs = services.sign_up(session, shift=shift, user=world.users["owner"])
    session.commit()
    resident = client_as("resident")
    back = resident.post(f"/volunteering/signups/{mine.id}/cancel", data={"next": "/me/volunteering"})
    assert back.status_code == 302 and back.location.endswith("/me/volunteering")
    owner = client_as("owner")
    away = owner.post(f"/volunteering/signups/{theirs.id}/cancel", data={"next": "https://example.com/me/volunteering"})
    assert away.status_code == 302 and away.location.endswith(f"/volunteering/{act.id}")
    assert {s.status for s in session.scalars(select(Signup))} == {SignupStatus.CANCELLED}


def test_cancelling_after_the_cutoff_is_refused(session, world, client_as):
    act = planned(session, world, days_ahead=1, cancel_cutoff_hours=48)
    signup = services.sign_up(session, shift=act.shifts[0], user=world.users["resident"])
    session.commit()
    resident = english(client_as("resident"))
    page = text(resident.get(f"/volunteering/{act.id}"))
    assert "It is too late to cancel here: please tell the organiser." in page and "Cancel my place" not in page
    response = resident.post(f"/volunteering/signups/{signup.id}/cancel")
    assert response.status_code == 302
    assert "It is too late to cancel here (48 hours before the shift)" in text(resident.get(response.location))
    session.refresh(signup)
    assert signup.status is SignupStatus.CONFIRMED

    on_time = planned(session, world, title="下周活动", days_ahead=7, cancel_cutoff_hours=12)
    services.sign_up(session, shift=on_time.shifts[0], user=world.users["resident"])
    session.commit()
    page = text(resident.get(f"/volunteering/{on_time.id}"))
    assert "You can cancel here until" in page and "Cancel my place" in page


def test_risky_work_needs_the_risk_note_accepted(session, world, client_as):
    act = planned(session, world, insurance_required=True)
    shift = act.shifts[0]
    resident = english(client_as("resident"))
    page = text(resident.get(f"/volunteering/{act.id}"))
    assert "高处作业需系安全带" in page and "Accident insurance is required for this work." in page
    assert 'name="accepted_risk"' in page
    refused = resident.post(f"/volunteering/shifts/{shift.id}/sign-up")
    assert refused.status_code == 302 and session.scalar(select(func.count(Signup.id))) == 0
    assert "read the risk note and confirm you accept it" in text(resident.get(refused.location))
    accepted = resident.post(f"/volunteering/shifts/{shift.id}/sign-up", data={"accepted_risk": "y"})
    assert accepted.status_code == 302 and session.scalar(select(Signup)).status is SignupStatus.CONFIRMED


def test_only_residents_of_the_compound_sign_up(session, world, client_as):
    act = planned(session, world)
    shift = act.shifts[0]
    for role in ("other_council", "enterprise", "station", "unverified"):
        assert client_as(role).post(f"/volunteering/shifts/{shift.id}/sign-up").status_code == 403, role
    assert session.scalar(select(func.count(Signup.id))) == 0


def test_the_other_compounds_council_cannot_manage_ours(session, world, client_as):
    act = planned(session, world)
    signup = services.sign_up(session, shift=act.shifts[0], user=world.users["resident"])
    session.commit()
    other = client_as("other_council")
    assert other.get(f"/volunteering/new?compound={world.compound.id}").status_code == 403
    starts, ends = local(act.starts_at), local(act.ends_at)
    assert other.post(f"/volunteering/{act.id}/shifts",
                      data={"starts_at": starts, "ends_at": ends, "capacity": "3"}).status_code == 403
    assert other.post(f"/volunteering/{act.id}/cancel", data={"reason": "不办了"}).status_code == 403
    assert other.post(f"/volunteering/signups/{signup.id}/cancel").status_code == 403
    page = text(english(other).get(f"/volunteering/{act.id}"))
    assert "For the organiser" not in page and "Roster and check-in" not in page
    session.refresh(act)
    assert act.status is ActivityStatus.PUBLISHED and len(act.shifts) == 1


def test_the_organiser_adds_a_shift(session, world, client_as):
    act = planned(session, world, shifts=2)
    council = english(client_as("council"))
    page = text(council.get(f"/volunteering/{act.id}"))
    assert "For the organiser" in page and "Roster and check-in" in page
    outside = council.post(f"/volunteering/{act.id}/shifts", data={
        "starts_at": local(act.ends_at), "ends_at": local(act.ends_at + timedelta(hours=2)), "capacity": "3",
        "label": "加班"})
    page = text(outside)
    assert outside.status_code == 200 and "A shift must lie within the activity's start and end." in page
    assert 'value="加班"' in page and "<details open>" in page
    assert session.scalar(select(func.count(Shift.id))) == 2
    added = council.post(f"/volunteering/{act.id}/shifts", data={
        "starts_at": local(act.starts_at), "ends_at": local(act.starts_at + timedelta(hours=1)), "capacity": "4",
        "label": "早班"})
    assert added.status_code == 302
    assert "早班" in text(council.get(f"/volunteering/{act.id}"))
    assert session.scalar(select(func.count(Shift.id))) == 3


def test_cancelling_the_activity_tells_the_volunteers(session, world, client_as):
    act = planned(session, world, capacity=1)
    shift = act.shifts[0]
    services.sign_up(session, shift=shift, user=world.users["resident"])
    services.sign_up(session, shift=shift, user=world.users["owner"])
    session.commit()
    council = english(client_as("council"))
    reasonless = council.post(f"/volunteering/{act.id}/cancel", data={"reason": "  "})
    assert reasonless.status_code == 200 and "This field is required." in text(reasonless)
    session.refresh(act)
    assert act.status is ActivityStatus.PUBLISHED
    response = council.post(f"/volunteering/{act.id}/cancel", data={"reason": "暴雨预警，改期再办"})
    assert response.status_code == 302
    session.refresh(act)
    assert act.status is ActivityStatus.CANCELLED and act.cancel_reason == "暴雨预警，改期再办"
    for role in ("resident", "owner"):
        assert len(kinds_of(session, world.users[role], "volunteering.cancelled")) == 1, role
    page = text(english(client_as("resident")).get(f"/volunteering/{act.id}"))
    assert "This activity is cancelled: 暴雨预警，改期再办" in page and "/sign-up" not in page
    assert "Cancelled" in text(english(client_as("resident")).get("/volunteering/"))


def test_query_counts_do_not_grow_with_rows(session, world, client_as, count_queries):
    first = planned(session, world, capacity=1, shifts=2)
    services.sign_up(session, shift=first.shifts[0], user=world.users["council"])
    services.sign_up(session, shift=first.shifts[0], user=world.users["resident"])
    services.sign_up(session, shift=first.shifts[1], user=world.users["resident"])
    services.sign_up(session, shift=first.shifts[1], user=world.users["council"])
    session.commit()
    resident = client_as("resident")
    council = client_as("council")
    pages = {"index": (resident, "/volunteering/"), "detail": (resident, f"/volunteering/{first.id}"),
             "organiser": (council, f"/volunteering/{first.id}")}
    before = {name: measure(count_queries, client, path) for name, (client, path) in pages.items()}

    for n in range(4):
        planned(session, world, title=f"活动{n}", shifts=3)
        make_activity(session, world.compound, world.users["council"], title=f"往期{n}", days_ahead=-5 - n)
    for _ in range(3):
        services.add_shift(session, activity=first, by=world.users["council"],
                           plan=services.ShiftPlan(first.starts_at, first.ends_at, 1))
    session.flush()
    session.expire(first)
    for shift in first.shifts[1:]:
        for role in ("owner", "supervisor", "council", "resident"):
            if not session.scalar(select(Signup).where(Signup.shift_id == shift.id,
                                                       Signup.user_id == world.users[role].id)):
                services.sign_up(session, shift=shift, user=world.users[role])
    session.commit()
    after = {name: measure(count_queries, client, path) for name, (client, path) in pages.items()}
    assert after == before and max(after.values()) <= CEILING
    page = text(english(resident).get(f"/volunteering/{first.id}"))
    assert "On the waitlist: number 1 in line" in page and "On the waitlist: number 3 in line" in page
    assert "3 waiting" in page


def test_home_lists_the_next_activities_and_not_cancelled_or_finished_ones(session, world, client_as):
    planned(session, world, title="周末楼道清洁")
    planned(session, world, title="上周的义诊", days_ahead=-7)
    called_off = planned(session, world, title="取消了的巡逻")
    services.cancel_activity(session, activity=called_off, by=world.users["council"], reason="暴雨")
    session.commit()
    page = text(client_as("resident").get(f"/?compound={world.compound.id}"))
    assert "周末楼道清洁" in page and "上周的义诊" not in page and "取消了的巡逻" not in page


def test_a_micro_projects_page_links_to_its_volunteer_activities(session, world, client_as):
    project = factories.project(session, world.compound, world.users["council"], started=True, title="四点半课堂")
    for_project = planned(session, world, title="课堂作业辅导")
    for_project.project_id = project.id
    planned(session, world, title="楼道清洁")
    session.commit()
    client = client_as("resident")
    page = text(client.get(f"/projects/{project.id}"))
    link = f"/volunteering/?compound={world.compound.id}&amp;project={project.id}"
    assert 'id="project-volunteering"' in page and html.unescape(link) in page
    listed = text(client.get(html.unescape(link)))
    assert "课堂作业辅导" in listed and "楼道清洁" not in listed and "四点半课堂" in listed
    assert "楼道清洁" in text(client.get(f"/volunteering/?compound={world.compound.id}"))


def test_a_social_enterprise_posts_a_public_benefit_activity_from_its_dashboard_link(session, world, client_as):
    from tests.enterprises.helpers import enterprise as make_enterprise

    ours = make_enterprise(session, world.compound, world.users["enterprise"])
    session.commit()
    operator = client_as("enterprise")
    url = f"/volunteering/new?compound={world.compound.id}&enterprise={ours.id}"
    page = text(operator.get(url))
    assert 'value="玉林邻里食堂"' in page and 'name="organiser_kind" value="enterprise"' in page
    response = operator.post(url, data=activity_form(world, organiser_kind="enterprise", organiser_name=""))
    assert response.status_code == 302
    made = session.scalar(select(Activity).where(Activity.enterprise_id == ours.id))
    assert made is not None and made.organiser_kind is OrganiserKind.ENTERPRISE and made.organiser_name == "玉林邻里食堂"
    # Someone who does not run it cannot post in its name.
    assert client_as("council").get(url).status_code == 404
