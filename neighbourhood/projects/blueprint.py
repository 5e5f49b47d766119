"""The projects blueprint, shared by the project pages (views.py), funding (funding_views.py) and the
supervisors' dashboard (oversight.py)."""
from flask import Blueprint

bp = Blueprint("projects", __name__)
