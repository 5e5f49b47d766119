"""The records page of the council and the station: volunteers with their hours, training and awards recorded
(and refused for outsiders), the export for the national volunteer system, and the page's query count."""
from __future__ import annotations

import csv
import html
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError
from neighbourhood.volunteering import records, services
from neighbourhood.volunteering.models import Award, Evaluation, Training
from tests.accounts.helpers import english
from tests.projects.helpers import measure
from tests.volunteering.helpers import activity, served

CEILING = 12


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def volunteer_with_hours(session, world, *, title="周末楼道清洁", hours=2, who="resident"):
    made = activity(session, world.compound, world.users["council"], title=title, days_ahead=-10)
    signup = served(session, made.shifts[0], world.users[who], world.users["council"], hours=hours)
    session.commit()
    return signup


def test_records_page_lists_volunteers_with_hours(session, world, client_as):
    volunteer_with_hours(session, world, hours=3)
    page = page_text(english(client_as("council")).get(f"/volunteering/records?compound={world.compound.id}"))
    number = services.profile_of(session, world.users["resident"]).number
    assert 'id="volunteer-' in page and number in page
    # The council may see the real name beside the public one.
    assert "3栋 李阿姨" in page and "王秀英" in page
    assert "Confirmed service: 3.0 hours" in page
    assert 'id="certificate-requests"' in page and "No certificate request is waiting." in page


def test_council_records_a_training_and_an_award(session, world, client_as):
    volunteer_with_hours(session, world)
    resident = world.users["resident"]
    client = english(client_as("council"))
    url = f"/volunteering/records?compound={world.compound.id}"
    response = client.post(f"/volunteering/records/training?compound={world.compound.id}", data={
        "volunteer": resident.id, "title": "急救知识培训", "organiser_name": "武侯区红十字会",
        "held_on": "2026-03-01", "hours": "2.5"})
    assert response.status_code == 302 and url in response.headers["Location"]
    training = session.scalar(select(Training))
    assert training.hours == Decimal("2.5") and training.user_id == resident.id
    assert training.recorded_by_id == world.users["council"].id

    response = client.post(f"/volunteering/records/awards?compound={world.compound.id}", data={
        "volunteer": resident.id, "title": "优秀志愿者", "issuer": "玉林街道办事处", "awarded_on": "2026-01-15"})
    assert response.status_code == 302
    page = page_text(client.get(url))
    assert "急救知识培训 (武侯区红十字会" in page and "2.5 h" in page
    assert "优秀志愿者 (玉林街道办事处" in page
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"volunteering.training_recorded", "volunteering.award_recorded"} <= actions


def test_a_bad_training_comes_back_filled_in(session, world, client_as):
    resident = world.users["resident"]
    services.ensure_profile(session, resident)
    session.commit()
    client = english(client_as("station"))
    response = client.post(f"/volunteering/records/training?compound={world.compound.id}", data={
        "volunteer": resident.id, "title": "急救知识培训", "organiser_name": "红十字会", "held_on": "2026-03-01",
        "hours": "lots"})
    page = page_text(response)
    assert response.status_code == 200 and session.scalar(select(func.count(Training.id))) == 0
    assert "Give the hours as a number" in page and 'value="急救知识培训"' in page and "<details open>" in page
    future = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(f"/volunteering/records/awards?compound={world.compound.id}", data={
        "volunteer": resident.id, "title": "优秀志愿者", "issuer": "街道", "awarded_on": future})
    assert response.status_code == 200 and "cannot be in the future" in page_text(response)
    assert session.scalar(select(func.count(Award.id))) == 0


def test_records_are_refused_for_outsiders(session, world, client_as):
    """Someone who neither lives in the compound nor served there gets no record in it."""
    outsider = world.users["other_council"]
    with pytest.raises(DomainError):
        records.record_training(session, compound=world.compound, by=world.users["council"], user=outsider,
                                title="培训", organiser_name="议事会", held_on=date(2026, 3, 1), hours="1")
    with pytest.raises(DomainError):
        records.record_award(session, compound=world.compound, by=world.users["council"],
                             user=world.users["enterprise"], title="奖", issuer="街道", awarded_on=date(2026, 3, 1))
    client = english(client_as("council"))
    response = client.post(f"/volunteering/records/awards?compound={world.compound.id}", data={
        "volunteer": outsider.id, "title": "优秀志愿者", "issuer": "街道", "awarded_on": "2026-01-15"})
    assert response.status_code == 200 and "Records are kept for residents of this compound" in page_text(response)
    assert session.scalar(select(func.count(Award.id))) == 0
    # A resident and the other compound's council cannot keep our records at all.
    for role in ("resident", "other_council", "supervisor"):
        assert client_as(role).get(f"/volunteering/records?compound={world.compound.id}").status_code == 403


def test_someone_who_served_here_gets_records_after_moving_away(session, world):
    """Served in the compound without living there (the service record holds): training may still be recorded."""
    other = world.users["other_council"]
    volunteer_with_hours(session, world, who="other_council")
    made = records.record_training(session, compound=world.compound, by=world.users["council"], user=other,
                                   title="消防培训", organiser_name="消防站", held_on=date(2026, 3, 1), hours="1")
    assert made.user_id == other.id


def _export(client, world, year=None):
    suffix = f"&year={year}" if year else ""
    return client.get(f"/volunteering/records.csv?compound={world.compound.id}{suffix}")


def test_export_has_the_documented_columns_and_a_row_per_service(session, world, client_as):
    signup = volunteer_with_hours(session, world, hours=2)
    services.evaluate(session, signup=signup, by=world.users["council"], evaluation=Evaluation.EXCELLENT,
                      note="认真负责")
    # Not confirmed: not exported.
    other = activity(session, world.compound, world.users["council"], title="未确认的活动", days_ahead=-5)
    pending = services.sign_up(session, shift=other.shifts[0], user=world.users["owner"],
                               now=other.shifts[0].starts_at - timedelta(days=1))
    services.check_in(session, signup=pending, by=world.users["council"], at=other.shifts[0].starts_at)
    session.commit()

    response = _export(english(client_as("station")), world)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == records.EXPORT_COLUMNS == [
        "志愿者编号", "姓名", "身份核验方式", "活动名称", "服务内容", "服务类别", "服务地点", "开始时间", "结束时间",
        "服务时长(小时)", "组织单位", "评价", "记录人", "记录日期"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1]))
    resident = world.users["resident"]
    assert row["志愿者编号"] == services.profile_of(session, resident).number
    assert row["姓名"] == "王秀英" and row["身份核验方式"] == f"平台实名核验 · 手机尾号{resident.phone[-4:]}"
    assert row["活动名称"] == "周末楼道清洁" and row["服务类别"] == "环境整治" and row["服务地点"] == "3栋楼下"
    assert row["服务时长(小时)"] == "2.0" and row["评价"] == "优秀（认真负责）"
    assert row["组织单位"] == f"{world.compound.name}议事会"
    start = signup.checked_in_at + timedelta(hours=8)   # Beijing time
    assert row["开始时间"] == start.strftime("%Y-%m-%d %H:%M")
    assert row["记录人"] == "王秀英" and len(row["记录日期"]) == 10

    this_year = records.local_date_of(signup.shift.starts_at).year
    assert len(list(csv.reader(io.StringIO(_export(client_as("station"), world, this_year - 3)
                                           .get_data().decode("utf-8-sig"))))) == 1


def test_export_guards_against_formula_injection(session, world, client_as):
    made = activity(session, world.compound, world.users["council"], title="=HYPERLINK(\"http://x\")",
                    days_ahead=-3)
    served(session, made.shifts[0], world.users["resident"], world.users["council"])
    world.users["resident"].real_name = "+王秀英"
    session.commit()
    rows = list(csv.reader(io.StringIO(_export(client_as("council"), world).get_data().decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1]))
    assert row["活动名称"] == "'=HYPERLINK(\"http://x\")" and row["姓名"] == "'+王秀英"
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in rows[1])


def test_export_is_refused_to_residents_and_the_other_council(session, world, client_as):
    for role in ("resident", "other_council", "enterprise"):
        assert _export(client_as(role), world).status_code == 403


def test_records_page_query_count_does_not_grow(session, world, client_as, count_queries):
    client = client_as("council")
    url = f"/volunteering/records?compound={world.compound.id}"
    volunteer_with_hours(session, world)
    records.request_certificate(session, compound=world.compound, user=world.users["resident"])
    session.commit()
    before = measure(count_queries, client, url)
    assert before <= CEILING
    for who in ("owner", "supervisor"):
        volunteer_with_hours(session, world, who=who, title=f"{who}的活动")
        records.request_certificate(session, compound=world.compound, user=world.users[who])
        records.record_award(session, compound=world.compound, by=world.users["council"], user=world.users[who],
                             title="优秀志愿者", issuer="街道", awarded_on=date(2026, 1, 1))
    session.commit()
    assert measure(count_queries, client, url) == before


def test_htmx_gets_the_certificate_requests_fragment(session, world, client_as):
    volunteer_with_hours(session, world)
    records.request_certificate(session, compound=world.compound, user=world.users["resident"])
    session.commit()
    response = english(client_as("council")).get(f"/volunteering/records?compound={world.compound.id}",
                                                 headers={"HX-Request": "true"})
    fragment = page_text(response).strip()
    assert fragment.startswith('<section class="card" id="certificate-requests">') and "<html" not in fragment
    assert "3栋 李阿姨" in fragment and "Issue the certificate" in fragment
