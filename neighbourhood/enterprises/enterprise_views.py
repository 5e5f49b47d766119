"""(being written)"""
from neighbourhood.enterprises.blueprint import bp  # noqa: F401
