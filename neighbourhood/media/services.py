"""Storing photos for content and finding them again."""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Callable, Iterable, Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from neighbourhood.db import DomainError
from neighbourhood.media.images import NotAPhoto, clean_photo
from neighbourhood.media.models import Photo


def read_uploads(files: Iterable, *, max_bytes: int, max_count: int) -> list[bytes]:
    """The bytes of each chosen file (empty file inputs skipped), or a DomainError users can read."""
    chosen = [f for f in files if f is not None and getattr(f, "filename", "")]
    if len(chosen) > max_count:
        raise DomainError(_l("Choose at most %(count)s photos.", count=max_count))
    blobs = []
    for upload in chosen:
        data = upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise DomainError(_l("Each photo must be smaller than %(mb)s MB.", mb=max_bytes // (1024 * 1024)))
        blobs.append(data)
    return blobs


def check_photos(blobs: Sequence[bytes]) -> list:
    """Decode every photo before anything is saved, so one bad file changes nothing."""
    try:
        return [clean_photo(blob) for blob in blobs]
    except NotAPhoto as error:
        raise DomainError(_l("One of the files is not a photo we can read (JPEG, PNG, WebP or GIF).")) from error


def attach_photos(
    session: Session, *, upload_dir: str, cleaned: Sequence, subject_type: str, subject_id: int,
    compound_id: int, uploader, first_position: int = 0,
) -> list[Photo]:
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    photos = []
    for offset, photo in enumerate(cleaned):
        row = Photo(token=secrets.token_urlsafe(16), compound_id=compound_id,
                    uploader_id=getattr(uploader, "id", None), subject_type=subject_type,
                    subject_id=subject_id, position=first_position + offset,
                    width=photo.width, height=photo.height, size_bytes=len(photo.data))
        (folder / row.filename).write_bytes(photo.data)
        photos.append(row)
    session.add_all(photos)
    return photos


def save_photos(
    session: Session, *, config, files: Iterable, subject_type: str, subject_id: int, compound_id: int,
    uploader, already: int = 0,
) -> list[Photo]:
    """Read, check and store uploaded photos for one subject; raises DomainError before storing anything."""
    blobs = read_uploads(files, max_bytes=config["MAX_PHOTO_BYTES"],
                         max_count=config["MAX_PHOTOS"] - already)
    cleaned = check_photos(blobs)
    return attach_photos(session, upload_dir=config["UPLOAD_DIR"], cleaned=cleaned,
                         subject_type=subject_type, subject_id=subject_id, compound_id=compound_id,
                         uploader=uploader, first_position=already)


def photos_for(session: Session, subject_type: str, subject_ids: Iterable[int]) -> dict[int, list[Photo]]:
    """Photos of many subjects in one query, by subject id, in their order."""
    return photos_of_kinds(session, {subject_type: subject_ids})[subject_type]


def photos_of_kinds(session: Session, wanted: dict[str, Iterable[int]]) -> dict[str, dict[int, list[Photo]]]:
    """Photos of subjects of several kinds (a project's receipts and milestones) in one query."""
    found = {kind: {i: [] for i in ids} for kind, ids in wanted.items()}
    conditions = [and_(Photo.subject_type == kind, Photo.subject_id.in_(ids)) for kind, ids in found.items() if ids]
    if not conditions:
        return found
    for photo in session.scalars(select(Photo).where(or_(*conditions)).order_by(Photo.subject_id, Photo.position)):
        found[photo.subject_type][photo.subject_id].append(photo)
    return found


# Photos that are records, not content (a signed paper ballot): served only to whom their domain allows.
_PRIVATE: dict[str, Callable[[object, int], bool]] = {}


def register_private(subject_type: str, may_see: Callable[[object, int], bool]) -> None:
    _PRIVATE[subject_type] = may_see


def private_rule(subject_type: str) -> Callable[[object, int], bool] | None:
    return _PRIVATE.get(subject_type)


def photo_by_token(session: Session, token: str) -> Photo | None:
    return session.scalar(select(Photo).where(Photo.token == token))

