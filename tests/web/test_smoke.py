def test_home_for_anonymous_invites_to_register(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/register"' in response.get_data(as_text=True)


def test_resident_home_shows_their_compound(world, client_as):
    page = client_as("resident").get("/").get_data(as_text=True)
    assert world.compound.name in page
    assert 'id="needs"' in page
