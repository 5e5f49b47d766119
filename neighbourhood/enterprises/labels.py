"""Words for the codes of this domain, in the reader's language: statuses, categories, price kinds."""
from flask_babel import lazy_gettext as _l

from neighbourhood.enterprises.models import BookingStatus, EnterpriseStatus, PriceKind, ServiceCategory

STATUS_LABELS = {
    EnterpriseStatus.PENDING: _l("Waiting for the station"),
    EnterpriseStatus.CERTIFIED: _l("Certified community social enterprise"),
    EnterpriseStatus.LISTED: _l("Listed provider"),
    EnterpriseStatus.SUSPENDED: _l("Suspended"),
}
CATEGORY_LABELS = {
    ServiceCategory.ELDERLY_CARE: _l("Elderly care"),
    ServiceCategory.MEALS: _l("Meals"),
    ServiceCategory.CHILDCARE: _l("Childcare"),
    ServiceCategory.REPAIRS: _l("Repairs"),
    ServiceCategory.HOUSEKEEPING: _l("Housekeeping"),
    ServiceCategory.HEALTH: _l("Health"),
    ServiceCategory.EDUCATION: _l("Education"),
    ServiceCategory.CULTURE: _l("Culture"),
    ServiceCategory.OTHER: _l("Other"),
}
PRICE_KIND_LABELS = {
    PriceKind.YUAN: _l("Yuan"),
    PriceKind.FREE: _l("Free"),
    PriceKind.TIME_COINS: _l("Time coins"),
}
BOOKING_STATUS_LABELS = {
    BookingStatus.REQUESTED: _l("Waiting for the enterprise"),
    BookingStatus.ACCEPTED: _l("Accepted by the enterprise"),
    BookingStatus.DECLINED: _l("Declined"),
    BookingStatus.COMPLETED: _l("Completed"),
    BookingStatus.CANCELLED: _l("Cancelled"),
}
