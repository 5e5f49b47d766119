"""What a need or proposal is about. One list for both, so a need converts into a proposal unchanged."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Category(enum.StrEnum):
    REPAIRS = "repairs"
    SANITATION = "sanitation"
    GREENERY = "greenery"
    SAFETY = "safety"
    PARKING = "parking"
    ELDERLY = "elderly"
    CHILDREN = "children"
    CULTURE = "culture"
    NEIGHBOURS = "neighbours"
    PROPERTY = "property"
    OTHER = "other"


CATEGORY_LABELS = {
    Category.REPAIRS: _l("Repairs and facilities"),
    Category.SANITATION: _l("Cleanliness and rubbish"),
    Category.GREENERY: _l("Greenery"),
    Category.SAFETY: _l("Safety"),
    Category.PARKING: _l("Parking and traffic"),
    Category.ELDERLY: _l("Elderly care"),
    Category.CHILDREN: _l("Children"),
    Category.CULTURE: _l("Culture and sport"),
    Category.NEIGHBOURS: _l("Neighbourly relations"),
    Category.PROPERTY: _l("Property management"),
    Category.OTHER: _l("Other"),
}


def category_label(category: Category | str) -> str:
    return str(CATEGORY_LABELS[Category(category)])
