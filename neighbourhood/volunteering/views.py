"""(being written)"""
from neighbourhood.volunteering import me_views, record_views, roster_views  # noqa: F401  (routes on bp)
from neighbourhood.volunteering.blueprint import bp
from neighbourhood.volunteering.models import Activity  # noqa: F401  (migrations see the models)

__all__ = ["bp"]
