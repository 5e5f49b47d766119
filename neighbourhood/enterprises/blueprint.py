"""The enterprises blueprint, shared by the enterprise profiles and the station's certification
(enterprise_views.py), the 15-minute circle, listings and the directory (circle_views.py), bookings, reviews and the
enterprise dashboard (booking_views.py)."""
from flask import Blueprint

bp = Blueprint("enterprises", __name__)
