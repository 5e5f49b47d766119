def test_home_for_anonymous_invites_to_register(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/register"' in response.get_data(as_text=True)


def test_resident_home_shows_their_compound(world, client_as):
    page = client_as("resident").get("/").get_data(as_text=True)
    assert world.compound.name in page
    assert 'id="needs"' in page


def test_station_staff_home_shows_each_compound_of_their_community(world, client_as):
    client = client_as("station")
    page = client.get("/").get_data(as_text=True)
    assert world.compound.name in page and 'id="needs"' in page
    assert f"/?compound={world.other_compound.id}" in page
    other = client.get(f"/?compound={world.other_compound.id}").get_data(as_text=True)
    assert f"<h1>{world.other_compound.name}</h1>" in other


def test_unverified_user_is_invited_to_join_a_household(world, client_as):
    page = client_as("unverified").get("/").get_data(as_text=True)
    assert 'href="/households/join"' in page and 'id="needs"' not in page


def test_resident_cannot_switch_to_a_compound_they_do_not_belong_to(world, client_as):
    page = client_as("resident").get(f"/?compound={world.other_compound.id}").get_data(as_text=True)
    assert f"<h1>{world.compound.name}</h1>" in page
