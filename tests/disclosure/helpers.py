"""Filling every section of a compound's disclosure board through the real services (and the models where no
service writes yet: ratings, rectifications, oversight reports)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from neighbourhood.db import utcnow
from neighbourhood.projects import services
from neighbourhood.projects.models import (
    EntryKind, OversightReport, ProjectRating, Rectification, RectificationStatus,
)
from neighbourhood.voting import services as voting
from tests import factories
from tests.voting.helpers import KEYS, ballot_input


def income(session, project, by, amount="5000.00"):
    return services.add_entry(session, project=project, by=by, data=services.EntryInput(
        kind=EntryKind.INCOME, amount=Decimal(amount), occurred_on=date(2026, 4, 1), counterparty="社区服务站",
        counterparty_is_person=False, purpose="社区保障资金拨付"))


def spending(session, project, by, supervisor, amount="1200.00"):
    entry = services.add_entry(session, project=project, by=by, data=services.EntryInput(
        kind=EntryKind.SPENDING, amount=Decimal(amount), occurred_on=date(2026, 4, 2),
        counterparty="成都明亮照明有限公司", counterparty_is_person=False, purpose="路灯两盏及安装"))
    services.decide_entry(session, entry=entry, by=supervisor, approve=True)
    return entry


def closed_ballot(session, compound, council, voter, *, title, passed=True):
    decision = factories.ballot_decision(session, compound, council, title=f"{title}的提议")
    ballot = voting.draft_ballot(session, compound=compound, by=council, data=ballot_input(title=title),
                                 decision=decision)
    voting.open_ballot(session, ballot=ballot, by=council)
    voting.cast(session, ballot=ballot, user=voter, choice="yes" if passed else "no", keys=KEYS)
    voting.close_early(session, ballot=ballot, by=council, keys=KEYS)
    return ballot


def accepted_and_rated(session, compound, council, supervisor, raters, *, title, scores):
    """An accepted project rated by `raters` with `scores`; a rectification opened when the mean is below 3."""
    project = factories.project(session, compound, council, started=True, title=title)
    services.complete(session, project=project, by=council)
    services.accept(session, project=project, by=supervisor, note="现场查看，灯已亮")
    for rater, score in zip(raters, scores):
        session.add(ProjectRating(project_id=project.id, compound_id=compound.id, user_id=rater.id, score=score))
    rectification = None
    if sum(scores) / len(scores) < 3:
        rectification = Rectification(project_id=project.id, compound_id=compound.id,
                                      community_id=compound.community_id, average=Decimal("2.00"),
                                      responses=len(scores), status=RectificationStatus.OPEN)
        session.add(rectification)
    session.flush()
    return project, rectification


def report(session, compound, author, *, title, body="本季度**三笔**支出均有票据。", period="2026年第三季度"):
    obj = OversightReport(compound_id=compound.id, community_id=compound.community_id, title=title, period=period,
                          body=body, published_by_id=author.id, published_at=utcnow())
    session.add(obj)
    session.flush()
    return obj
