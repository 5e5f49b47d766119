"""The compound's disclosure board (公开栏)."""
from flask import Blueprint

bp = Blueprint("disclosure", __name__)
