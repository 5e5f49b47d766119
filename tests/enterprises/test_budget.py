"""DESIGN.md §6 on the pages of the 15-minute circle in the demo community (nine enterprises, their listings,
slots, bookings and reviews, the public-service directory): each within the page weight budget (HTML ≤ 14 KB
gzip, with CSS and JS ≤ 60 KB) and at most 12 SQL statements."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from neighbourhood.accounts.models import User
from neighbourhood.demo import DEMO_ACCOUNTS
from neighbourhood.enterprises.models import Booking, Enterprise, EnterpriseOperator, ServiceListing
from tests.demo_accounts import client_of, seed
from tests.projects.helpers import measure
from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight

CEILING = 12


@pytest.fixture
def demo(app):
    seed(app)


def _pages(session) -> dict[str, list[str]]:
    """The pages each demo account opens: the operator's enterprise (the busiest: most listings and reviews), its
    first listing and booking."""
    operator = session.scalar(select(User).where(User.phone == DEMO_ACCOUNTS["enterprise"].phone))
    busiest = session.scalar(select(EnterpriseOperator.enterprise_id).where(EnterpriseOperator.user_id == operator.id))
    listing = session.scalar(select(ServiceListing.id).where(ServiceListing.enterprise_id == busiest)
                             .order_by(ServiceListing.id).limit(1))
    booking = session.scalar(select(Booking.id).where(Booking.enterprise_id == busiest).order_by(Booking.id).limit(1))
    community = session.scalar(select(Enterprise.community_id).where(Enterprise.id == busiest))
    return {
        "resident": ["/services/", "/services/?category=meals&within=1000", "/services/?q=午餐&within=0",
                     f"/enterprises/{busiest}", f"/services/{listing}", "/me/bookings"],
        "enterprise": ["/enterprise/", f"/bookings/{booking}", f"/enterprise/listings/{listing}/edit"],
        "station": [f"/enterprises/review?community={community}", f"/services/directory?community={community}"],
    }


def test_every_circle_page_keeps_the_budgets(app, session, demo, count_queries):
    for role, paths in _pages(session).items():
        client = client_of(app, session, role)
        for path in paths:
            html_size, total, _page = page_weight(client, path)
            assert html_size <= HTML_BUDGET and total <= TOTAL_BUDGET, (role, path, html_size, total)
            assert measure(count_queries, client, path) <= CEILING, (role, path)
