from flask import Blueprint

bp = Blueprint("station", __name__)
