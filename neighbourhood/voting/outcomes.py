"""A closed ballot's result in a word or two, as the ballot list and the disclosure board word it."""
from __future__ import annotations

from flask_babel import gettext as _

from neighbourhood.voting import methods
from neighbourhood.voting.models import Ballot


def _names(ballot: Ballot, keys: list[str], most: int = 3) -> str:
    method, setup = ballot.tally_method(), ballot.setup()
    names = [str(method.row_label(setup, key)) for key in keys]
    return "、".join(names[:most]) + ("…" if len(names) > most else "")


def outcome_in_words(ballot: Ballot) -> str:
    if not ballot.result:
        return ""
    result = methods.Result.from_json(ballot.result)
    if result.passed is not None:
        return _("Passed") if result.passed else _("Not passed")
    if result.winners:
        names = _names(ballot, result.winners)
        if ballot.method == "budget":
            return _("Funded: %(names)s", names=names)
        if ballot.method == "election":
            return _("Elected: %(names)s", names=names)
        return _("Won: %(names)s", names=names)
    if result.tie:
        return _("Tie: no winner")
    return _("No winner")
