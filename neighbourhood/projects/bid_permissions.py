"""Who may do what with bid, as pure predicates (also Jinja globals through projects.permissions)."""
from __future__ import annotations

PREDICATES: dict = {}
