"""What the four lists are called, translated when shown."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from neighbourhood.station.models import ListKind

LIST_KIND_LABELS = {
    ListKind.SELF_GOVERNANCE: _l("Self-governance matters"),
    ListKind.ASSISTING_GOVERNMENT: _l("Matters assisting government"),
    ListKind.PURCHASABLE_SERVICES: _l("Purchasable services"),
    ListKind.NEGATIVE: _l("Negative list"),
}

LIST_KIND_HELP = {
    ListKind.SELF_GOVERNANCE: _l("Residents decide and do these themselves, through the council."),
    ListKind.ASSISTING_GOVERNMENT: _l("The compound helps the government with these; the station coordinates."),
    ListKind.PURCHASABLE_SERVICES: _l("Services bought from property management, social enterprises or others."),
    ListKind.NEGATIVE: _l("What the compound's own funds and decisions may not cover."),
}


def list_kind_label(kind: ListKind | str) -> str:
    return str(LIST_KIND_LABELS[ListKind(kind)])
