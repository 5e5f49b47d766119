"""A council of five in our compound (the world's council member and four more), the world's supervisor,
and a helper that posts the meeting form as a browser does."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests import factories

YESTERDAY = date.today() - timedelta(days=1)


@dataclass
class Council:
    compound: object
    members: list          # five council members, world.users["council"] first
    supervisor: object
    author: object         # a resident who writes proposals
    supporters: list


@pytest.fixture
def council(app, session, world) -> Council:
    members = [world.users["council"]]
    for n, name in enumerate(["刘阿姨", "孙先生", "吴老师", "郑大爷"]):
        household = factories.household(session, world.building, "1", f"{n + 1}01")
        members.append(factories.council_seat(session, app.config, world.compound, household, name))
    author = world.users["owner"]
    supporters = [world.users["resident"]]
    session.commit()
    return Council(world.compound, members, world.users["supervisor"], author, supporters)


def meeting_form(*, present, supervisors=(), decisions=None, held_on=YESTERDAY, place="党群服务站会议室",
                 minutes="讨论了路灯和停车。", **extra) -> dict:
    """decisions: {proposal_id: {"outcome": ..., "votes_for": ..., ...}} — as the form's fields."""
    data = {"held_on": held_on.isoformat() if isinstance(held_on, date) else held_on, "place": place,
            "minutes": minutes, "present": [str(u.id) for u in present],
            "supervisors": [str(u.id) for u in supervisors], **extra}
    for index, (proposal_id, fields) in enumerate((decisions or {}).items()):
        data[f"items-{index}-proposal_id"] = str(proposal_id)
        for name in ("outcome", "merge_into", "reason", "votes_for", "votes_against", "votes_abstain"):
            value = fields.get(name, "")
            data[f"items-{index}-{name}"] = "" if value is None else str(value)
    return data


def decide(outcome, votes_for=4, against=1, abstain=0, **more) -> dict:
    return {"outcome": outcome, "votes_for": votes_for, "votes_against": against, "votes_abstain": abstain,
            **more}

