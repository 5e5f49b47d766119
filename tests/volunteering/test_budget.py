"""DESIGN.md §6 on the volunteering pages of the demo compound, which is as busy as a real one gets in a season:
each page within the page weight budget (HTML ≤ 14 KB gzip, with CSS and JS ≤ 60 KB) and at most 12 SQL
statements."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from neighbourhood.volunteering.models import Activity, Certificate, CertificateStatus, Signup
from tests.demo_accounts import client_of, seed
from tests.projects.helpers import measure
from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight

CEILING = 12


@pytest.fixture
def demo(app):
    seed(app)


def _pages(session) -> dict[str, list[str]]:
    """The pages each demo account opens, at their busiest: the shift with the most volunteers, the activity with
    the most shifts, the issued certificate."""
    busiest_shift = session.scalar(select(Signup.shift_id).group_by(Signup.shift_id)
                                   .order_by(func.count().desc(), Signup.shift_id).limit(1))
    shifts_of = {a.id: len(a.shifts) for a in session.scalars(select(Activity))}
    busiest_activity = max(shifts_of, key=shifts_of.get)
    certificate = session.scalar(select(Certificate).where(Certificate.status == CertificateStatus.ISSUED))
    compound = certificate.compound_id
    return {
        "resident": ["/volunteering/", f"/volunteering/{busiest_activity}", "/me/volunteering",
                     f"/volunteering/time-bank?compound={compound}",
                     f"/volunteering/certificates/{certificate.id}/print"],
        "council": [f"/volunteering/shifts/{busiest_shift}/roster", f"/volunteering/records?compound={compound}",
                    f"/volunteering/new?compound={compound}"],
        "station": ["/volunteering/station"],
        "anonymous": [f"/volunteering/certificates/{certificate.number}", "/volunteering/certificates/"],
    }


def test_every_volunteering_page_keeps_the_budgets(app, session, demo, count_queries):
    for role, paths in _pages(session).items():
        client = client_of(app, session, role)
        for path in paths:
            html_size, total, _page = page_weight(client, path)
            assert html_size <= HTML_BUDGET and total <= TOTAL_BUDGET, (role, path, html_size, total)
            assert measure(count_queries, client, path) <= CEILING, (role, path)
