"""Certificates: the volunteer asks, the council is told and issues (what it certifies frozen, hours summed from
confirmed service here in the period), the holder is told; declining with a reason; revoking; the printable
certificate with its QR code; the public check (genuine, revoked, unknown) that shows a masked name only."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from neighbourhood.db import DomainError
from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import records, services
from neighbourhood.volunteering.models import Certificate, CertificateStatus
from tests.accounts.helpers import english
from tests.projects.helpers import measure
from tests.volunteering.helpers import activity, served

CEILING = 12


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def serve(session, world, *, who="resident", title="周末楼道清洁", hours=2, days_ahead=-10, compound=None,
          organiser="council"):
    made = activity(session, compound or world.compound, world.users[organiser], title=title,
                    days_ahead=days_ahead)
    return served(session, made.shifts[0], world.users[who], world.users[organiser], hours=hours)


def notifications(session, user, kind):
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                           Notification.kind == kind)))


def issued(session, world, **kwargs):
    request = records.request_certificate(session, compound=world.compound, user=world.users["resident"])
    made = records.issue_certificate(session, certificate=request, by=world.users["council"],
                                     person_in_charge="刘主任", contact="028-85550000", **kwargs)
    session.commit()
    return made


def test_request_issue_and_notifications(session, world, client_as):
    serve(session, world)
    session.commit()
    resident = english(client_as("resident"))
    response = resident.post("/me/volunteering/certificates", data={"compound": world.compound.id,
                                                                    "purpose": "入学申请"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/volunteering")
    request = session.scalar(select(Certificate))
    assert request.status is CertificateStatus.REQUESTED and request.purpose == "入学申请"
    told = notifications(session, world.users["council"], "volunteering.certificate_requested")
    assert len(told) == 1 and told[0].params == {"name": "3栋 李阿姨"}
    # One open request at a time.
    again = resident.post("/me/volunteering/certificates", data={"compound": world.compound.id})
    assert again.status_code == 302 and len(session.scalars(select(Certificate)).all()) == 1

    council = english(client_as("council"))
    page = page_text(council.get(f"/volunteering/records?compound={world.compound.id}"))
    assert f'id="certificate-request-{request.id}"' in page and "For: 入学申请" in page
    response = council.post(f"/volunteering/certificates/{request.id}/issue", data={
        f"issue-{request.id}-person_in_charge": "刘主任", f"issue-{request.id}-contact": "028-85550000"})
    assert response.status_code == 302
    session.expire_all()
    made = session.get(Certificate, request.id)
    assert made.status is CertificateStatus.ISSUED
    assert re.fullmatch(r"ZY\d{4}-[2-9A-HJKMNP-Z]{8}", made.number)
    told = notifications(session, world.users["resident"], "volunteering.certificate_issued")
    assert len(told) == 1 and told[0].params == {"number": made.number}
    assert made.handler_name == "王秀英" and made.issuer == f"{world.community.name}居民委员会"


def test_issue_freezes_the_fields_and_sums_only_confirmed_hours_here(session, world):
    resident, council = world.users["resident"], world.users["council"]
    first = serve(session, world, hours=2, days_ahead=-20, title="楼道清洁")
    adjusted = serve(session, world, hours=1, days_ahead=-10, title="助老探访")
    services.adjust_hours(session, signup=adjusted, by=council, hours="3.5", reason="陪同就医延长")
    # Not confirmed: checked in and out, never confirmed.
    open_one = activity(session, world.compound, council, title="未确认", days_ahead=-5)
    signup = services.sign_up(session, shift=open_one.shifts[0], user=resident,
                              now=open_one.shifts[0].starts_at - timedelta(days=1))
    services.check_in(session, signup=signup, by=council, at=open_one.shifts[0].starts_at)
    services.check_out(session, signup=signup, by=council, at=open_one.shifts[0].ends_at)
    # Served in the other compound: not this compound's to certify.
    serve(session, world, hours=4, compound=world.other_compound, organiser="other_council", title="芳草街活动")
    made = issued(session, world)
    number = services.profile_of(session, resident).number
    assert made.hours == Decimal("5.5")
    assert made.holder_name == "王秀英" and made.volunteer_number == number
    assert made.identity_reference == f"平台实名核验 · 手机尾号{resident.phone[-4:]}"
    assert "楼道清洁" in made.service_content and "助老探访" in made.service_content
    assert "3.5小时" in made.service_content and "芳草街活动" not in made.service_content
    assert "未确认" not in made.service_content
    assert made.period_from == records.local_date_of(first.shift.starts_at)
    assert made.period_to == records.local_date_of(adjusted.shift.starts_at)
    assert made.person_in_charge == "刘主任" and made.contact == "028-85550000"
    # Frozen: a later change of name does not change the issued certificate.
    resident.real_name = "王改名"
    session.commit()
    session.expire_all()
    assert session.get(Certificate, made.id).holder_name == "王秀英"


def test_the_period_limits_the_hours(session, world):
    early = serve(session, world, hours=2, days_ahead=-40, title="早的活动")
    serve(session, world, hours=3, days_ahead=-5, title="晚的活动")
    cut = records.local_date_of(early.shift.starts_at) + timedelta(days=1)
    made = issued(session, world, period_from=cut)
    assert made.hours == Decimal("3.0") and "早的活动" not in made.service_content
    assert made.period_from == cut


def test_requests_are_refused_without_hours_here(session, world, client_as):
    with pytest.raises(DomainError):
        records.request_certificate(session, compound=world.compound, user=world.users["owner"])
    response = english(client_as("owner")).post("/me/volunteering/certificates",
                                                data={"compound": world.compound.id})
    assert response.status_code == 302 and session.scalar(select(Certificate)) is None
    # The other compound's council lives elsewhere: it may not ask our compound.
    assert client_as("other_council").post("/me/volunteering/certificates",
                                           data={"compound": world.compound.id}).status_code == 403


def test_a_bad_issue_form_comes_back_with_errors(session, world, client_as):
    serve(session, world)
    request = records.request_certificate(session, compound=world.compound, user=world.users["resident"])
    session.commit()
    key = f"issue-{request.id}"
    response = english(client_as("station")).post(f"/volunteering/certificates/{request.id}/issue", data={
        f"{key}-person_in_charge": "刘主任", f"{key}-contact": "028", f"{key}-period_from": "2026-05-01",
        f"{key}-period_to": "2026-04-01"})
    page = page_text(response)
    assert response.status_code == 200 and "The period must end on or after the day it starts." in page
    assert 'value="刘主任"' in page
    session.expire_all()
    assert session.get(Certificate, request.id).status is CertificateStatus.REQUESTED


def test_decline_with_a_reason(session, world, client_as):
    serve(session, world)
    request = records.request_certificate(session, compound=world.compound, user=world.users["resident"])
    session.commit()
    council = english(client_as("council"))
    empty = council.post(f"/volunteering/certificates/{request.id}/decline", data={})
    assert empty.status_code == 200 and "Nothing was saved" in page_text(empty)
    response = council.post(f"/volunteering/certificates/{request.id}/decline",
                            data={f"decline-{request.id}-reason": "服务记录尚在核对"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Certificate, request.id).status is CertificateStatus.DECLINED
    told = notifications(session, world.users["resident"], "volunteering.certificate_declined")
    assert len(told) == 1 and told[0].params == {"reason": "服务记录尚在核对"}
    # Answered: a second answer is refused with the reason, and the volunteer may ask again.
    with pytest.raises(DomainError):
        records.decline_certificate(session, certificate=session.get(Certificate, request.id),
                                    by=world.users["council"], reason="再次")
    assert records.request_certificate(session, compound=world.compound, user=world.users["resident"]).id


def test_print_page_has_the_required_fields_and_the_qr(session, world, client_as):
    serve(session, world, hours=2)
    made = issued(session, world)
    response = english(client_as("resident")).get(f"/volunteering/certificates/{made.id}/print")
    page = page_text(response)
    assert response.status_code == 200
    for shown in ("志愿服务证明", made.number, "王秀英", made.identity_reference, made.volunteer_number,
                  "2.0 hours", made.service_content, made.issuer, "刘主任", "028-85550000", "(Seal)",
                  "Handled by", "Person in charge", "Service period"):
        assert shown in page, shown
    assert "<svg" in page and 'class="qr"' in page
    assert f"http://localhost/volunteering/certificates/{made.number}" in page
    # Not the other compound's council, and a request not yet issued has no certificate to print.
    assert client_as("other_council").get(f"/volunteering/certificates/{made.id}/print").status_code == 403
    pending = records.request_certificate(session, compound=world.compound, user=world.users["resident"])
    session.commit()
    assert client_as("council").get(f"/volunteering/certificates/{pending.id}/print").status_code == 404


def test_public_check_of_a_genuine_certificate(session, world, client):
    serve(session, world, hours=2)
    made = issued(session, world)
    english(client)
    response = client.get(f"/volunteering/certificates/{made.number}")
    page = page_text(response)
    assert response.status_code == 200 and f"Certificate {made.number} is genuine" in page
    assert "王*英" in page and "王秀英" not in page
    assert made.volunteer_number in page and "2.0 hours" in page and made.issuer in page
    resident = world.users["resident"]
    assert resident.phone not in page and resident.phone[-4:] not in page and "李阿姨" not in page
    assert "刘主任" not in page and made.service_content not in page
    # Typed in lower case with spaces, it is found all the same.
    assert client.get(f"/volunteering/certificates/%20{made.number.lower()}").status_code == 200


def test_revoked_certificate_says_so(session, world, client_as, client):
    serve(session, world)
    made = issued(session, world)
    council = english(client_as("council"))
    response = council.post(f"/volunteering/certificates/{made.id}/revoke",
                            data={f"revoke-{made.id}-reason": "服务记录有误"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Certificate, made.id).status is CertificateStatus.REVOKED
    page = page_text(english(client).get(f"/volunteering/certificates/{made.number}"))
    assert "was revoked" in page and "certifies nothing" in page and 'id="verify-revoked"' in page
    printed = page_text(english(client_as("resident")).get(f"/volunteering/certificates/{made.id}/print"))
    assert 'id="certificate-revoked"' in printed


def test_unknown_numbers_and_the_lookup_form(session, world, client):
    english(client)
    response = client.get("/volunteering/certificates/ZY2026-22222222")
    assert response.status_code == 404 and "No such certificate" in page_text(response)
    # A request not yet issued has a number of None and is never found.
    form = client.get("/volunteering/certificates/")
    assert form.status_code == 200 and 'name="number"' in page_text(form)
    garbage = client.get("/volunteering/certificates/?number=hello")
    assert garbage.status_code == 200 and "looks like ZY2026-7KQ4M9XT" in page_text(garbage)
    found = client.get("/volunteering/certificates/?number=+zy2026-7kq4m9xt+")
    assert found.status_code == 302 and found.headers["Location"].endswith("/volunteering/certificates/ZY2026-7KQ4M9XT")


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_CERTIFICATE_CHECK": "3 per minute"}])
def test_the_public_check_is_rate_limited(session, world, client):
    for _ in range(3):
        assert client.get("/volunteering/certificates/ZY2026-22222222").status_code == 404
    assert client.get("/volunteering/certificates/ZY2026-22222222").status_code == 429


def test_print_page_query_count(session, world, client_as, count_queries):
    serve(session, world)
    made = issued(session, world)
    client = client_as("resident")
    url = f"/volunteering/certificates/{made.id}/print"
    assert measure(count_queries, client, url) <= CEILING
    before = measure(count_queries, client, url)
    for i in range(3):
        serve(session, world, title=f"活动{i}", days_ahead=-3 - i)
    session.commit()
    assert measure(count_queries, client, url) == before
    assert measure(count_queries, client, f"/volunteering/certificates/{made.number}") <= CEILING


def test_period_needs_service(session, world):
    serve(session, world)
    request = records.request_certificate(session, compound=world.compound, user=world.users["resident"])
    with pytest.raises(DomainError):
        records.issue_certificate(session, certificate=request, by=world.users["council"], person_in_charge="刘",
                                  contact="028", period_from=date(2001, 1, 1), period_to=date(2001, 12, 31))


def test_mask_name():
    assert [records.mask_name(n) for n in ("王秀英", "王英", "王", "欧阳小明", "")] == [
        "王*英", "王*", "王", "欧**明", ""]
