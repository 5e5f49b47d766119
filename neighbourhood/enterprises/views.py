"""The enterprises domain's routes, on one blueprint (see blueprint.py for which module holds which)."""
from neighbourhood.enterprises import booking_views, circle_views, enterprise_views  # noqa: F401  (routes on bp)
from neighbourhood.enterprises.blueprint import bp
from neighbourhood.enterprises.models import Enterprise  # noqa: F401  (migrations see the models)

__all__ = ["bp"]
