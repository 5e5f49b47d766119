"""Home shows the open ballots closing soonest, and whether the resident's vote is in, in one more query."""
from tests.voting.helpers import KEYS, opened
from neighbourhood.voting import services


def test_home_lists_open_ballots_and_says_whether_i_voted(app, session, world, client_as, count_queries):
    first = opened(session, world.compound, world.users["council"], title="是否同意加装路灯")
    session.commit()
    client = client_as("owner")
    with count_queries() as few:
        page = client.get("/").get_data(as_text=True)
    assert "是否同意加装路灯" in page and f"/ballots/{first.id}" in page and 'status-qualified' in page
    services.cast(session, ballot=first, user=world.users["owner"], choice="yes", keys=KEYS)
    for n in range(5):
        opened(session, world.compound, world.users["council"], title=f"表决{n}")
    session.commit()
    with count_queries() as many:
        page = client.get("/").get_data(as_text=True)
    assert len(few) == len(many) <= 12
    assert page.count('class="row ballot-row"') == 3 and "status-adopted" in page
