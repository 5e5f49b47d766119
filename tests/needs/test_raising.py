"""A verified resident raises a need: what they fill in, where it is, photos, and refusals."""
import io
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.media.models import Photo
from neighbourhood.needs.models import EventKind, Need, NeedEvent, NeedStatus
from tests import factories
from tests.accounts.helpers import english, form_errors, page
from tests.needs.helpers import need_form, phone_photo, shown


def count(session, model):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_resident_raises_a_need_at_a_common_area(session, world, client_as):
    client = english(client_as("resident"))
    response = client.post("/needs/new", data=need_form())
    assert response.status_code == 302
    need = session.scalars(select(Need)).one()
    assert response.headers["Location"].endswith(f"/needs/{need.id}")
    assert (need.title, need.place, need.building_id, need.status) == ("3栋门口路灯坏了", "东门", None,
                                                                     NeedStatus.OPEN)
    assert (need.compound_id, need.community_id, need.author_id) == (world.compound.id, world.community.id,
                                                                     world.users["resident"].id)
    [event] = session.scalars(select(NeedEvent)).all()
    assert event.kind is EventKind.RAISED
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "need.raised")).one()
    assert entry.subject_id == need.id and entry.data["title"] == "3栋门口路灯坏了"
    detail = shown(client.get(f"/needs/{need.id}"))
    assert "Your need is posted" in detail and "东门" in detail and "Waiting for triage" in detail
    assert "3栋 李阿姨" in detail


def test_the_building_select_offers_only_our_buildings(session, world, client_as):
    factories.building(session, world.compound, "5栋")
    session.commit()
    client = english(client_as("resident"))
    body = shown(client.get("/needs/new"))
    assert "3栋" in body and "5栋" in body and "1栋" not in body  # 1栋 is the other compound's
    response = client.post("/needs/new", data=need_form(building=str(world.building.id), place="东门"))
    need = session.scalars(select(Need)).one()
    assert response.status_code == 302 and need.building_id == world.building.id and need.place == ""
    other_building = world.other_household.building_id
    response = client.post("/needs/new", data=need_form(building=str(other_building)))
    assert response.status_code == 200 and "Choose a building of this compound" in shown(response)
    assert count(session, Need) == 1


def test_bad_input_comes_back_filled_in_and_nothing_is_stored(session, world, client_as):
    client = english(client_as("resident"))
    response = client.post("/needs/new", data=need_form(place="", description="楼道灯坏了很久了"))
    assert response.status_code == 200
    assert "Say where it is" in shown(response)
    values = page(response).values
    assert values["title"] == "3栋门口路灯坏了" and values["description"].strip() == "楼道灯坏了很久了"
    assert values["category"] == "repairs"
    response = client.post("/needs/new", data=need_form(title="x" * 81))
    assert response.status_code == 200 and "between 4 and 80" in shown(response)
    assert count(session, Need) == 0 and count(session, AuditEntry) == 0


def test_photos_are_shrunk_and_lose_their_location(app, session, world, client_as):
    client = english(client_as("resident"))
    data = need_form(photos=[(io.BytesIO(phone_photo()), "IMG_0001.jpg"),
                             (io.BytesIO(factories.jpeg_bytes()), "small.jpg")])
    response = client.post("/needs/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    photos = session.scalars(select(Photo).order_by(Photo.position)).all()
    assert [p.subject_type for p in photos] == ["need", "need"]
    stored = Path(app.config["UPLOAD_DIR"]) / photos[0].filename
    with Image.open(stored) as image:
        assert max(image.size) <= 1280 and image.size == (1280, 853)
        assert not image.getexif().get_ifd(0x8825) and 0x0110 not in image.getexif()
    detail = client.get(f"/needs/{photos[0].subject_id}")
    assert f'src="/media/{photos[0].token}.jpg" width="1280" height="853" loading="lazy"' in shown(detail)
    served = client.get(f"/media/{photos[0].token}.jpg")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()


@pytest.mark.parametrize("app_overrides", [{"MAX_PHOTO_BYTES": 1024 * 1024}])
def test_a_photo_too_big_changes_nothing_and_keeps_the_form(session, world, client_as):
    client = english(client_as("resident"))
    big = FileStorage(io.BytesIO(b"\xff\xd8" + b"0" * (1024 * 1024 + 10)), "huge.jpg", content_type="image/jpeg")
    # Encoded in memory: the test client would otherwise spool a body this size to a file it never closes.
    boundary, body = encode_multipart(MultiDict({**need_form(), "photos": big}))
    response = client.post("/needs/new", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    assert "smaller than 1 MB" in form_errors(response)
    assert page(response).values["title"] == "3栋门口路灯坏了"
    assert count(session, Need) == 0 and count(session, Photo) == 0 and count(session, AuditEntry) == 0


def test_a_text_file_named_jpg_is_refused(session, world, client_as):
    client = english(client_as("resident"))
    data = need_form(photos=[(io.BytesIO(factories.jpeg_bytes()), "ok.jpg"),
                             (io.BytesIO(b"just some text, not a photo"), "notes.jpg")])
    response = client.post("/needs/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "not a photo we can read" in form_errors(response)
    assert count(session, Need) == 0 and count(session, Photo) == 0


def test_four_photos_are_too_many(session, world, client_as):
    client = english(client_as("resident"))
    data = need_form(photos=[(io.BytesIO(factories.jpeg_bytes()), f"{i}.jpg") for i in range(4)])
    response = client.post("/needs/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and "at most 3 photos" in form_errors(response)
    assert count(session, Need) == 0


def test_unverified_users_read_but_cannot_raise(session, world, client_as):
    client = english(client_as("unverified"))
    assert client.get("/needs/new").status_code == 403
    assert client.post("/needs/new", data=need_form()).status_code == 403
    assert client.get(f"/needs/?compound={world.compound.id}").status_code == 200
    assert "Raise a need" not in shown(client.get(f"/needs/?compound={world.compound.id}"))
    assert count(session, Need) == 0


def test_residents_of_several_compounds_choose_where(session, world, client_as):
    factories.membership(session, world.users["resident"], world.other_household)
    session.commit()
    client = english(client_as("resident"))
    response = client.post(f"/needs/new?compound={world.other_compound.id}", data=need_form())
    assert response.status_code == 302
    assert session.scalars(select(Need)).one().compound_id == world.other_compound.id
    # A compound they do not live in: no.
    other_council = english(client_as("other_council"))
    assert other_council.get(f"/needs/new?compound={world.compound.id}").status_code == 403
    assert client.get("/needs/new?compound=999999").status_code == 404
