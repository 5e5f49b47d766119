"""The photo of a signed paper ballot is a private record: the roll's readers and the owner see it, nobody else."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from neighbourhood.voting import services
from neighbourhood.voting.models import Elector, ElectorateKind, Secrecy
from tests import factories
from tests.voting.helpers import KEYS, opened


@pytest.fixture
def paper_photo(app, session, world):
    world.free_household.area = Decimal("90.00")
    ballot = opened(session, world.compound, world.users["station"], method="statutory", statutory_item=5,
                    electorate=ElectorateKind.OWNERS, secrecy=Secrecy.PUBLIC)
    elector = session.scalar(select(Elector).where(Elector.ballot_id == ballot.id,
                                                   Elector.key == f"h:{world.household.id}"))
    made = services.record_paper(session, ballot=ballot, by=world.users["station"], elector=elector,
                                 choice="agree", keys=KEYS)
    photo = factories.photo(session, app.config, world.compound, subject_type=services.PAPER_PHOTO,
                            subject_id=made.participation.id, uploader=world.users["station"])
    session.commit()
    return f"/media/{photo.token}.jpg"


@pytest.mark.parametrize("role, status", [
    ("owner", 200), ("council", 200), ("supervisor", 200), ("station", 200),
    ("resident", 404), ("unverified", 404), ("other_council", 404), ("anonymous", 404),
])
def test_only_the_roll_readers_and_the_owner_see_a_paper_ballot_photo(client_as, paper_photo, role, status):
    response = client_as(role).get(paper_photo)
    response.close()
    assert response.status_code == status
