"""Photos: anyone may see a visible photo."""
from tests.access import EVERYONE, Case
from tests.factories import photo


def objects(session, config, world) -> dict:
    return {"photo_token": photo(session, config, world.compound, subject_type="need_resolution").token}


CASES = [
    Case("media.photo", "GET", lambda o: f"/media/{o['photo_token']}.jpg", EVERYONE),
]
