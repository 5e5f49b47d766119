"""Tally methods: interchangeable rule classes behind one registry (the shape of CTFd's CHALLENGE_CLASSES).

Everything here is pure — no database, no request. A method knows how to check a ballot's setup, turn a
submitted form into a normalised choice (JSON-able), check a stored choice, and count a list of casts. The
voting services store choices and call `tally`; the views render `Method.form_partial` and `Result`."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l

from neighbourhood.db import DomainError
from neighbourhood.voting import budget as budget_rules, statutory


class InvalidChoice(DomainError):
    """What the voter submitted is not a valid choice on this ballot (message shown to the voter)."""


class InvalidSetup(DomainError):
    """The convenor's setup cannot make a fair ballot for this method (message shown to the convenor)."""


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    cost: Decimal | None = None      # participatory budget: the project's cost in yuan


@dataclass(frozen=True)
class Setup:
    """What the convenor fixed when drafting; never changes once the ballot opens."""
    options: tuple[Option, ...] = ()
    max_choices: int | None = None    # multiple choice, approval: how many a voter may choose
    seats: int = 1                    # approval winners; council election seats
    pass_rule: str = "cast"           # yes/no: "cast" (ballots cast) or "electorate"
    quorum_percent: int | None = None  # share of the electorate that must take part, 0–100
    budget: Decimal | None = None     # participatory budget cap
    min_spend_percent: int | None = None  # participatory budget: each voter must spend at least this share
    matter: str | None = None         # statutory: "major" or "ordinary"

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    @property
    def keys(self) -> list[str]:
        return [o.key for o in self.options]


@dataclass(frozen=True)
class Cast:
    choice: Any
    weight: Decimal = Decimal(1)      # statutory ballots: the owner's area


@dataclass(frozen=True)
class Electorate:
    size: int                          # electors on the frozen roll
    area: Decimal = Decimal(0)         # owners' roll: total exclusive-part area


@dataclass
class Row:
    key: str
    value: Any                         # int count, or Decimal for areas, scores and money


@dataclass
class Result:
    """The count, ready to store as JSON, chart and export. `rows` are in display order."""
    method: str
    rows: list[Row]
    turnout: int
    winners: list[str] = field(default_factory=list)
    passed: bool | None = None         # yes/no and statutory ballots; None where the method elects
    quorum_met: bool | None = None     # None when the ballot has no quorum
    tie: bool = False                  # no single winner could be named by the documented rules
    unfilled_seats: int = 0            # council election: seats left for a run-off
    figures: dict = field(default_factory=dict)   # method-specific extras (budget spent, statutory shares)
    rounds: list[dict] = field(default_factory=list)  # ranked choice: the count in each round

    def to_json(self) -> dict:
        return _jsonable(asdict(self))

    @classmethod
    def from_json(cls, data: dict) -> Result:
        data = dict(data)
        data["rows"] = [Row(**row) for row in data["rows"]]
        return cls(**data)


def _jsonable(value):
    """Decimals become strings so a stored result reads back exactly."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _check_quorum(setup: Setup) -> None:
    quorum = setup.quorum_percent
    if quorum is not None and (not _is_int(quorum) or not 0 <= quorum <= 100):
        raise InvalidSetup(_l("The quorum is a share of the electorate from 0 to 100 per cent."))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def quorum_met(setup: Setup, turnout: int, electorate: Electorate) -> bool | None:
    """At least `quorum_percent` % of the electorate took part (boundary included)."""
    if not setup.quorum_percent:
        return None
    return turnout * 100 >= electorate.size * setup.quorum_percent


class Method:
    key: ClassVar[str]
    label: ClassVar[Any]
    # The voting form's fields, rendered inside the ballot page's form.
    form_partial: ClassVar[str]
    # Whether the convenor lists options (yes/no and statutory ballots have fixed answers).
    has_options: ClassVar[bool] = True
    # Whether results rank options (so the chart shows winners) or decide a motion (passed / not passed).
    decides_motion: ClassVar[bool] = False

    def check_setup(self, setup: Setup) -> None:
        """Raise InvalidSetup when the convenor's setup cannot make a fair ballot."""

    def parse(self, setup: Setup, form) -> Any:
        """A submitted form (a MultiDict) → a normalised choice, or InvalidChoice."""
        raise NotImplementedError

    def validate(self, setup: Setup, choice: Any) -> Any:
        """A stored or parsed choice → the same choice normalised, or InvalidChoice."""
        raise NotImplementedError

    def tally(self, setup: Setup, casts: list[Cast], electorate: Electorate) -> Result:
        raise NotImplementedError

    def describe(self, setup: Setup, choice: Any) -> str:
        """The choice in words, for published lists and CSV exports."""
        raise NotImplementedError

    def row_label(self, setup: Setup, key: str) -> str:
        """A result row's label in the reader's language (rows store only keys)."""
        option = setup.option(key)
        return option.label if option else key


METHODS: dict[str, type[Method]] = {}


def register(method: type[Method]) -> type[Method]:
    METHODS[method.key] = method
    return method


def get(key: str) -> Method:
    return METHODS[key]()


YES, NO, ABSTAIN = "yes", "no", "abstain"
PASS_RULES = ("cast", "electorate")


@register
class YesNoAbstain(Method):
    """Passes with more yes than half the ballots cast (abstentions count as cast), or than half the
    electorate, as drafted; and only if the quorum, when set, is met."""
    key = "yes_no"
    label = _l("Yes / no / abstain")
    form_partial = "voting/_partials/choice_yes_no.html"
    has_options = False
    decides_motion = True
    answers = {YES: _l("Yes"), NO: _l("No"), ABSTAIN: _l("Abstain")}

    def check_setup(self, setup: Setup) -> None:
        if setup.pass_rule not in PASS_RULES:
            raise InvalidSetup(_l("Choose how the motion passes."))
        _check_quorum(setup)

    def parse(self, setup: Setup, form) -> str:
        return self.validate(setup, form.get("choice", ""))

    def validate(self, setup: Setup, choice: Any) -> str:
        if choice not in self.answers:
            raise InvalidChoice(_l("Choose yes, no or abstain."))
        return choice

    def tally(self, setup: Setup, casts: list[Cast], electorate: Electorate) -> Result:
        counts = {answer: 0 for answer in self.answers}
        for cast in casts:
            counts[self.validate(setup, cast.choice)] += 1
        turnout = len(casts)
        base = turnout if setup.pass_rule == "cast" else electorate.size
        quorum = quorum_met(setup, turnout, electorate)
        passed = base > 0 and 2 * counts[YES] > base and quorum is not False
        return Result(
            method=self.key,
            rows=[Row(key, counts[key]) for key in self.answers],
            turnout=turnout, passed=passed, quorum_met=quorum,
            winners=[YES] if passed else [],
        )

    def describe(self, setup: Setup, choice: Any) -> str:
        return str(self.answers.get(choice, choice))

    def row_label(self, setup: Setup, key: str) -> str:
        return self.describe(setup, key)



# ---------------------------------------------------------------------------------------------------------------
# Shared pieces for the methods where the convenor lists options.

SEPARATOR = "、"


def _check_options(setup: Setup) -> None:
    if len(setup.options) < 2:
        raise InvalidSetup(_l("List at least two options."))
    keys = setup.keys
    if any(not isinstance(key, str) or not key for key in keys) or len(set(keys)) != len(keys):
        raise InvalidSetup(_l("Every option needs a key of its own."))
    if any(not str(option.label).strip() for option in setup.options):
        raise InvalidSetup(_l("Every option needs a label."))


def _check_max_choices(setup: Setup) -> None:
    """`max_choices` None means a voter may choose every option."""
    most = setup.max_choices
    if most is not None and (not _is_int(most) or not 1 <= most <= len(setup.options)):
        raise InvalidSetup(_l("A voter may choose from 1 to %(count)s options, as many as the ballot lists.",
                              count=len(setup.options)))


def _check_seats(setup: Setup) -> None:
    if not _is_int(setup.seats) or not 1 <= setup.seats <= len(setup.options):
        raise InvalidSetup(_l("The number of seats must be from 1 to %(count)s, the number of options.",
                              count=len(setup.options)))


def _most_choices(setup: Setup) -> int:
    return len(setup.options) if setup.max_choices is None else setup.max_choices


def _chosen_keys(setup: Setup, choice: Any, *, least: int, most: int) -> list[str]:
    """A list of option keys, each once, between `least` (0 or 1) and `most` long → in the setup's order."""
    if not isinstance(choice, (list, tuple)) or not all(isinstance(key, str) for key in choice):
        raise InvalidChoice(_l("That is not a choice on this ballot."))
    known = setup.keys
    if any(key not in known for key in choice):
        raise InvalidChoice(_l("Choose only from the options on this ballot."))
    if len(set(choice)) != len(choice):
        raise InvalidChoice(_l("Choose each option only once."))
    if len(choice) < least:
        raise InvalidChoice(_l("Choose at least one option."))
    if len(choice) > most:
        raise InvalidChoice(_l("Choose at most %(most)s of the options; you chose %(chosen)s.",
                               most=most, chosen=len(choice)))
    chosen = set(choice)
    return [key for key in known if key in chosen]


def _form_keys(form) -> list[str]:
    return [value for value in form.getlist("choice") if value != ""]


def _whole_number(raw: str) -> int | None:
    """A typed number (ASCII or full-width digits) → int; anything else → None."""
    raw = raw.strip()
    return int(raw) if raw.isdecimal() else None


def _count(setup: Setup, ballots) -> dict[str, int]:
    """Votes per option, in the setup's order, from ballots that are each a list of keys."""
    counts = {key: 0 for key in setup.keys}
    for keys in ballots:
        for key in keys:
            counts[key] += 1
    return counts


def _top(setup: Setup, counts: dict, seats: int) -> tuple[list[str], list[str]]:
    """The options within the top `seats` by count, most first (level ones in the setup's order), and the group
    tied across the last seat, who are left out (empty when no tie crosses it)."""
    elected: list[str] = []
    for value in sorted(set(counts.values()), reverse=True):
        group = [key for key in setup.keys if counts[key] == value]
        if len(elected) + len(group) > seats:
            return elected, group if len(elected) < seats else []
        elected += group
    return elected, []


def _labels(setup: Setup, keys) -> str:
    return SEPARATOR.join(str(setup.option(key).label) if setup.option(key) else str(key) for key in keys)


def _rows(setup: Setup, counts: dict) -> list[Row]:
    return [Row(key, counts[key]) for key in setup.keys]


NOTHING_CHOSEN = _l("No option chosen")


@register
class SingleChoice(Method):
    """One option each. The option with the most votes wins; a tie for first names no winner (`tie`)."""
    key = "single"
    label = _l("Single choice")
    form_partial = "voting/_partials/choice_single.html"

    def check_setup(self, setup: Setup) -> None:
        _check_options(setup)

    def parse(self, setup: Setup, form) -> str:
        return self.validate(setup, form.get("choice", ""))

    def validate(self, setup: Setup, choice: Any) -> str:
        if not isinstance(choice, str) or choice not in setup.keys:
            raise InvalidChoice(_l("Choose one of the options."))
        return choice

    def tally(self, setup: Setup, casts: list[Cast], electorate: Electorate) -> Result:
        counts = _count(setup, ([self.validate(setup, cast.choice)] for cast in casts))
        first, tied = _top(setup, counts, 1)
        return Result(method=self.key, rows=_rows(setup, counts), turnout=len(casts),
                      winners=[key for key in first if counts[key] > 0],
                      tie=any(counts[key] > 0 for key in tied))

    def describe(self, setup: Setup, choice: Any) -> str:
        return _labels(setup, [choice])


@register
class MultipleChoice(Method):
    """A poll: from one to `max_choices` options each (every option when it is not set). The options with the
    most votes are shown as winners — all of them when several share the top (`tie` then says so)."""
    key = "multiple"
    label = _l("Multiple choice")
    form_partial = "voting/_partials/choice_multiple.html"

    def check_setup(self, setup: Setup) -> None:
        _check_options(setup)
        _check_max_choices(setup)

    def parse(self, setup: Setup, form) -> list[str]:
        return self.validate(setup, _form_keys(form))

    def validate(self, setup: Setup, choice: Any) -> list[str]:
        return _chosen_keys(setup, choice, least=1, most=_most_choices(setup))

    def tally(self, setup: Setup, casts: list[Cast], electorate: Electorate) -> Result:
        counts = _count(setup, (self.validate(setup, cast.choice) for cast in casts))
        top = max(counts.values())
        winners = [key for key in setup.keys if top > 0 and counts[key] == top]
        return Result(method=self.key, rows=_rows(setup, counts), turnout=len(casts),
                      winners=winners, tie=len(winners) > 1)

    def describe(self, setup: Setup, choice: Any) -> str:
        return _labels(setup, choice) if choice else str(NOTHING_CHOSEN)


@register
class Approval(Method):
    """Approve up to `max_choices` options (every option when it is not set); a blank ballot counts for turnout.
    The `seats` options with the most approvals win. When options tie across the last seat, none of those tied
    is elected and `tie` is set; an option nobody approved never wins."""
    key = "approval"
    label = _l("Approval (choose up to N)")
    form_partial = "voting/_partials/choice_approval.html"

    def check_setup(self, setup: Setup) -> None:
        _check_options(setup)
        _check_max_choices(setup)
        _check_seats(setup)

    def parse(self, setup: Setup, form) -> list[str]:
        return self.validate(setup, _form_keys(form))

    def validate(self, setup: Setup, choice: Any) -> list[str]:
        return _chosen_keys(setup, choice, least=0, most=_most_choices(setup))

    def tally(self, setup: Setup, casts: list[Cast], electorate: Electorate) -> Result:
        counts = _count(setup, (self.validate(setup, cast.choice) for cast in casts))
        elected, tied = _top(setup, counts, setup.seats)
        return Result(method=self.key, rows=_rows(setup, counts), turnout=len(casts),
                      winners=[key for key in elected if counts[key] > 0],
                      tie=any(counts[key] > 0 for key in tied))

    def describe(self, setup: Setup, choice: Any) -> str:
        return _labels(setup, choice) if choice else str(NOTHING_CHOSEN)


@register
class Ranked(Method):
    """Instant runoff for one winner. Voters number the options 1, 2, 3… (they may stop early).

    Each round, every ballot counts for its highest-ranked option still in the count; a ballot with none left is
    exhausted. An option with more than half of the ballots not exhausted wins. Otherwise the option with the
    fewest votes is eliminated and the count goes on.

    Tie rules, when several options share the fewest votes:
    1. Look back through the earlier rounds, latest first. In each, keep only those of the tied options that had
       the fewest votes among them in that round; stop when one is left, and eliminate it. (With two tied, this
       eliminates the one that had fewer in the most recent round where they differed.)
    2. If they were level in every round, eliminate the one listed later in the ballot's option order. That order
       is fixed before the ballot opens and stands for the drawing of lots.
    3. But when only two options are left and they were level in this round and every earlier one, nobody wins:
       the result says `tie` and names no winner.

    `rows` are the first preferences; `rounds` hold each round's count, the option it eliminated (None in the
    last round) and the number of exhausted ballots."""
    key = "ranked"
    label = _l("Ranked choice (instant runoff)")
    form_partial = "voting/_partials/choice_ranked.html"

    def check_setup(self, setup: Setup) -> None:
        _check_options(setup)

    def parse(self, setup: Setup, form) -> list[str]:
        size = len(setup.options)
        ranks: dict[str, int] = {}
        for key in setup.keys:
            raw = form.get(f"rank-{key}", "").strip()
            if not raw:
                continue
            rank = _whole_number(raw)
            if rank is None or not 1 <= rank <= size:
                raise InvalidChoice(_l("A rank is a whole number from 1 to %(count)s.", count=size))
            ranks[key] = rank
        if not ranks:
            raise InvalidChoice(_l("Rank at least one option."))
        given = sorted(ranks.values())
        if len(set(given)) != len(given):
            raise InvalidChoice(_l("Give each rank to one option only."))
        if given != list(range(1, len(given) + 1)):
            raise InvalidChoice(_l("Number your choices 1, 2, 3 and so on, without leaving a number out."))
        return self.validate(setup, sorted(ranks, key=ranks.__getitem__))

    def validate(self, setup: Setup, choice: Any) -> list[str]:
        if not isinstance(choice, (list, tuple)) or not all(isinstance(key, str) for key in choice):
            raise InvalidChoice(_l("That is not a choice on this ballot."))
        if not choice:
            raise InvalidChoice(_l("Rank at least one option."))
        if any(key not in setup.keys for key in choice):
            raise InvalidChoice(_l("Rank only the options on this ballot."))
        if len(set(choice)) != len(choice):
            raise InvalidChoice(_l("Rank each option only once."))
        return list(choice)

    def tally(self, setup: Setup, casts: list[Cast], electorate: Electorate) -> Result:
        ballots = [self.validate(setup, cast.choice) for cast in casts]
        first = _count(setup, ([ballot[0]] for ballot in ballots))
        result = Result(method=self.key, rows=_rows(setup, first), turnout=len(ballots))
        if not ballots:
            return result
        continuing = list(setup.keys)
        history: list[dict[str, int]] = []
        while True:
            counts = {key: 0 for key in continuing}
            exhausted = 0
            for ballot in ballots:
                top = next((key for key in ballot if key in counts), None)
                if top is None:
                    exhausted += 1
                else:
                    counts[top] += 1
            active = len(ballots) - exhausted
            leader = max(continuing, key=counts.__getitem__)
            if 2 * counts[leader] > active:
                result.winners = [leader]
                eliminated = None
            else:
                eliminated = self._eliminate(counts, history)
                result.tie = eliminated is None
            result.rounds.append({"counts": counts, "eliminated": eliminated, "exhausted": exhausted})
            if eliminated is None:
                return result
            history.append(counts)
            continuing.remove(eliminated)

    @staticmethod
    def _eliminate(counts: dict[str, int], history: list[dict[str, int]]) -> str | None:
        """The option to eliminate this round by the documented tie rules, or None for a tie between the last two.
        `counts` are in the setup's order."""
        fewest = min(counts.values())
        tied = [key for key in counts if counts[key] == fewest]
        for earlier in reversed(history):
            if len(tied) == 1:
                break
            low = min(earlier[key] for key in tied)
            tied = [key for key in tied if earlier[key] == low]
        if len(tied) == 1:
            return tied[0]
        if len(counts) <= 2:
            return None
        return tied[-1]

    def describe(self, setup: Setup, choice: Any) -> str:
        return "  ".join(f"{rank}. {_labels(setup, [key])}" for rank, key in enumerate(choice, start=1))


SCORES = range(0, 6)
CENTS = Decimal("0.01")


@register
class Score(Method):
    """Each option gets a score from 0 to 5 (left empty = 0). The highest total wins; a tie for the highest total
    names no winner (`tie`). `figures["average"]` is each option's mean score over the ballots cast."""
    key = "score"
    label = _l("Score (0–5)")
    form_partial = "voting/_partials/choice_score.html"

    def check_setup(self, setup: Setup) -> None:
        _check_options(setup)

    def parse(self, setup: Setup, form) -> dict[str, int]:
        choice = {}
        for key in setup.keys:
            raw = form.get(f"score-{key}", "").strip()
            score = _whole_number(raw) if raw else 0
            if score is None or score not in SCORES:
                raise InvalidChoice(_l("Give each option a score from 0 to 5."))
            choice[key] = score
        return self.validate(setup, choice)

    def validate(self, setup: Setup, choice: Any) -> dict[str, int]:
        if not isinstance(choice, dict) or any(key not in setup.keys for key in choice):
            raise InvalidChoice(_l("Score only the options on this ballot."))
        if any(not _is_int(score) or score not in SCORES for score in choice.values()):
            raise InvalidChoice(_l("Give each option a score from 0 to 5."))
        return {key: choice.get(key, 0) for key in setup.keys}

    def tally(self, setup: Setup, casts: list[Cast], electorate: Electorate) -> Result:
        totals = {key: 0 for key in setup.keys}
        for cast in casts:
            for key, score in self.validate(setup, cast.choice).items():
                totals[key] += score
        turnout = len(casts)
        first, tied = _top(setup, totals, 1)
        average = {
            key: str((Decimal(totals[key]) / turnout if turnout else Decimal(0)).quantize(CENTS, ROUND_HALF_UP))
            for key in setup.keys
        }
        return Result(method=self.key, rows=_rows(setup, totals), turnout=turnout,
                      winners=[key for key in first if totals[key] > 0],
                      tie=any(totals[key] > 0 for key in tied), figures={"average": average})

    def describe(self, setup: Setup, choice: Any) -> str:
        return SEPARATOR.join(f"{_labels(setup, [key])}: {score}" for key, score in choice.items())


def _yuan(amount: Decimal, rounding: str = ROUND_HALF_UP) -> str:
    """Money for a message: 100,000 or 1,234.50 (the unit, yuan, is in the message)."""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return f"{amount.quantize(Decimal(1)):,}"
    return f"{amount.quantize(CENTS, rounding):,}"


def _is_money(value) -> bool:
    return isinstance(value, Decimal) and value.is_finite() or _is_int(value)


@register
class ParticipatoryBudget(Method):
    """Each voter chooses projects whose costs add up to no more than the budget (and to at least
    `min_spend_percent` % of it when that is set, the boundary included). Projects are ranked by the number of
    voters who chose them (ties: lower cost first, then earlier submitted, i.e. earlier in the option order) and
    funded in that order, skipping any that no longer fits, until nothing more fits (`budget.allocate`)."""
    key = "budget"
    label = _l("Participatory budget")
    form_partial = "voting/_partials/choice_budget.html"

    def check_setup(self, setup: Setup) -> None:
        _check_options(setup)
        if not _is_money(setup.budget) or setup.budget <= 0:
            raise InvalidSetup(_l("Set a budget of more than 0 yuan."))
        for option in setup.options:
            if not _is_money(option.cost) or option.cost < 0:
                raise InvalidSetup(_l("Give every project a cost of 0 yuan or more."))
            if option.cost > setup.budget:
                raise InvalidSetup(_l("“%(project)s” costs %(cost)s yuan, more than the whole budget of "
                                      "%(budget)s yuan.", project=option.label, cost=_yuan(option.cost),
                                      budget=_yuan(setup.budget)))
        share = setup.min_spend_percent
        if share is not None:
            if not _is_int(share) or not 0 <= share <= 100:
                raise InvalidSetup(_l("The least a voter must spend is a share of the budget from 0 to 100 "
                                      "per cent."))
            if self._total(setup, setup.keys) * 100 < setup.budget * share:
                raise InvalidSetup(_l("All the projects together cost less than the least a voter must spend."))

    @staticmethod
    def _total(setup: Setup, keys) -> Decimal:
        return sum((Decimal(setup.option(key).cost) for key in keys), Decimal(0))

    def parse(self, setup: Setup, form) -> list[str]:
        return self.validate(setup, _form_keys(form))

    def validate(self, setup: Setup, choice: Any) -> list[str]:
        keys = _chosen_keys(setup, choice, least=1, most=len(setup.options))
        total = self._total(setup, keys)
        if total > setup.budget:
            raise InvalidChoice(_l("The projects you chose cost %(total)s yuan, more than the budget of "
                                   "%(budget)s yuan.", total=_yuan(total), budget=_yuan(setup.budget)))
        share = setup.min_spend_percent
        if share and total * 100 < setup.budget * share:
            raise InvalidChoice(_l("Choose projects costing at least %(minimum)s yuan (%(percent)s%% of the "
                                   "budget of %(budget)s yuan); yours cost %(total)s yuan.",
                                   minimum=_yuan(setup.budget * share / 100, ROUND_CEILING), percent=share,
                                   budget=_yuan(setup.budget), total=_yuan(total)))
        return keys

    def tally(self, setup: Setup, casts: list[Cast], electorate: Electorate) -> Result:
        ballots = [set(self.validate(setup, cast.choice)) for cast in casts]
        projects = [budget_rules.Project(option.key, option.cost) for option in setup.options]
        votes = budget_rules.votes_per_project(projects, ballots)
        funded = budget_rules.allocate(budget=setup.budget, projects=projects, ballots=ballots)
        return Result(method=self.key, rows=[Row(key, votes[key]) for key in setup.keys], turnout=len(casts),
                      winners=funded,
                      figures={"budget": str(setup.budget), "spent": str(budget_rules.spent(projects, funded))})

    def describe(self, setup: Setup, choice: Any) -> str:
        return _labels(setup, choice)


@register
class CouncilElection(Method):
    """Choose up to `seats` candidates (a blank ballot counts for turnout). Elected are the top `seats` by votes
    who also have more than half of the ballots cast. When candidates tie across the last seat, none of those
    tied is elected (`tie` is set when that cost a candidate with a majority the seat). Seats left over go to a
    run-off: `figures["runoff_candidates"]` are the candidates not elected with the most votes, two per unfilled
    seat — more when several are level at the cut, fewer when fewer remain — most votes first."""
    key = "election"
    label = _l("Council election")
    form_partial = "voting/_partials/choice_election.html"

    def check_setup(self, setup: Setup) -> None:
        _check_options(setup)
        _check_seats(setup)

    def parse(self, setup: Setup, form) -> list[str]:
        return self.validate(setup, _form_keys(form))

    def validate(self, setup: Setup, choice: Any) -> list[str]:
        return _chosen_keys(setup, choice, least=0, most=setup.seats)

    def tally(self, setup: Setup, casts: list[Cast], electorate: Electorate) -> Result:
        counts = _count(setup, (self.validate(setup, cast.choice) for cast in casts))
        turnout = len(casts)

        def majority(key: str) -> bool:
            return 2 * counts[key] > turnout

        top, tied = _top(setup, counts, setup.seats)
        elected = [key for key in top if majority(key)]
        unfilled = setup.seats - len(elected)
        others = sorted((key for key in setup.keys if key not in elected), key=lambda key: -counts[key])
        runoff = others[:2 * unfilled]
        if runoff and len(runoff) < len(others):
            cut = counts[runoff[-1]]
            runoff += [key for key in others[len(runoff):] if counts[key] == cut]
        return Result(method=self.key, rows=_rows(setup, counts), turnout=turnout, winners=elected,
                      tie=any(majority(key) for key in tied), unfilled_seats=unfilled,
                      figures={"runoff_candidates": runoff})

    def describe(self, setup: Setup, choice: Any) -> str:
        return _labels(setup, choice) if choice else str(NOTHING_CHOSEN)


@register
class StatutoryDecision(Method):
    """Owners' decision under Civil Code Art. 278 (`statutory.decide`): each owner agrees, disagrees or abstains,
    weighted by area (`Cast.weight`) and counted by head. `setup.matter` ("major" for items 6–8, else
    "ordinary") fixes the approval threshold. `quorum_met` reports the 2/3 participation rule."""
    key = "statutory"
    label = _l("Owners' decision (Civil Code Art. 278)")
    form_partial = "voting/_partials/choice_statutory.html"
    has_options = False
    decides_motion = True
    answers = {statutory.AGREE: _l("Agree"), statutory.DISAGREE: _l("Disagree"), statutory.ABSTAIN: _l("Abstain")}

    def check_setup(self, setup: Setup) -> None:
        if setup.matter not in statutory.APPROVAL:
            raise InvalidSetup(_l("Choose the Civil Code Art. 278 item this decision is about."))

    def parse(self, setup: Setup, form) -> str:
        return self.validate(setup, form.get("choice", ""))

    def validate(self, setup: Setup, choice: Any) -> str:
        if not isinstance(choice, str) or choice not in self.answers:
            raise InvalidChoice(_l("Choose agree, disagree or abstain."))
        return choice

    def tally(self, setup: Setup, casts: list[Cast], electorate: Electorate) -> Result:
        choices = [self.validate(setup, cast.choice) for cast in casts]
        decision = statutory.decide(
            matter=setup.matter, total_area=electorate.area, total_owners=electorate.size,
            ballots=[statutory.OwnerBallot(area=cast.weight, choice=choice) for cast, choice in zip(casts, choices)],
        )
        counts = {answer: choices.count(answer) for answer in self.answers}
        figures = {
            "participating_area": str(decision.participating_area),
            "participating_owners": decision.participating_owners,
            "agree_area": str(decision.agree_area),
            "agree_owners": decision.agree_owners,
            "total_area": str(decision.total_area),
            "total_owners": decision.total_owners,
            "participation_met": decision.participation_met,
            "approval_met": decision.approval_met,
        }
        return Result(method=self.key, rows=[Row(answer, counts[answer]) for answer in self.answers],
                      turnout=len(casts), passed=decision.passed, quorum_met=decision.participation_met,
                      winners=[statutory.AGREE] if decision.passed else [], figures=figures)

    def describe(self, setup: Setup, choice: Any) -> str:
        return str(self.answers.get(choice, choice))

    def row_label(self, setup: Setup, key: str) -> str:
        return self.describe(setup, key)
