"""(being written)"""
from neighbourhood.volunteering.blueprint import bp  # noqa: F401
