"""The voting form's pieces, and the words the voters' pages use for a ballot's setup.

The choice is not a WTForms form: each method reads its own fields from the posted form (`Method.parse`), drawn
by its partial `voting/_partials/choice_<key>.html`; the posted form also carries `elector` (an elector id) when
the user may vote for several electors (a member of two households), and the CSRF token, which the app-wide
CSRFProtect checks."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from neighbourhood.voting.models import BallotStatus, Channel, ElectorateKind, ResultsVisibility, Secrecy
from neighbourhood.voting.statutory import MAJOR, ORDINARY


STATUS_LABELS = {
    BallotStatus.DRAFT: _l("Draft"),
    BallotStatus.SCHEDULED: _l("Upcoming"),
    BallotStatus.OPEN: _l("Open"),
    BallotStatus.CLOSED: _l("Closed"),
    BallotStatus.CANCELLED: _l("Cancelled"),
}

ELECTORATE_LABELS = {
    ElectorateKind.RESIDENTS: _l("Each verified adult resident"),
    ElectorateKind.HOUSEHOLDS: _l("One vote per household"),
    ElectorateKind.OWNERS: _l("Owners, by area and by headcount"),
}

SECRECY_LABELS = {
    Secrecy.PUBLIC: _l("Public: voters' names are published with their choices"),
    Secrecy.ANONYMOUS: _l("Anonymous: choices are kept apart from who voted; a vote cannot be changed"),
    Secrecy.SECRET: _l("Secret with receipt: choices are kept apart from who voted; you can change your vote "
                       "until close"),
}

RESULTS_LABELS = {
    ResultsVisibility.AFTER_CLOSE: _l("Hidden from everyone until the ballot closes"),
    ResultsVisibility.LIVE: _l("Shown live while voting goes on"),
}

CHANNEL_LABELS = {
    Channel.ONLINE: _l("Online"),
    Channel.PAPER: _l("Paper ballot, recorded by the convenor"),
    Channel.PROXY: _l("Written proxy, recorded by the convenor"),
}

# Civil Code Art. 278, paragraph 1 (DESIGN.md §8).
ITEM_LABELS = {
    1: _l("Make or amend the rules of procedure of the owners' assembly"),
    2: _l("Make or amend the management covenant"),
    3: _l("Elect or replace the owners' committee or its members"),
    4: _l("Hire or dismiss the property manager"),
    5: _l("Use the building maintenance fund"),
    6: _l("Raise the building maintenance fund"),
    7: _l("Rebuild or reconstruct buildings and their facilities"),
    8: _l("Change the use of common parts or run a business on them"),
    9: _l("Other major matters of the common parts"),
}

APPROVAL_WORDS = {
    MAJOR: _l("at least three quarters of the participating area and at least three quarters of the "
              "participating owners agree"),
    ORDINARY: _l("more than half of the participating area and more than half of the participating owners "
                 "agree"),
}
PARTICIPATION_WORDS = _l("owners holding at least two thirds of the area and at least two thirds of all owners "
                         "take part")
THRESHOLD_SHORT = {
    "participation": _l("at least 2/3"),
    MAJOR: _l("at least 3/4"),
    ORDINARY: _l("more than 1/2"),
}


def status_label(status: BallotStatus) -> str:
    return str(STATUS_LABELS[status])


def electorate_label(kind: ElectorateKind) -> str:
    return str(ELECTORATE_LABELS[kind])


def secrecy_label(secrecy: Secrecy) -> str:
    return str(SECRECY_LABELS[secrecy])


def results_label(visibility: ResultsVisibility) -> str:
    return str(RESULTS_LABELS[visibility])


def channel_label(channel: Channel) -> str:
    return str(CHANNEL_LABELS[channel])


def item_label(item: int | None) -> str:
    return str(ITEM_LABELS.get(item, "")) if item else ""
