"""Who may do what with evaluation, as pure predicates (also Jinja globals through projects.permissions)."""
from __future__ import annotations

PREDICATES: dict = {}
