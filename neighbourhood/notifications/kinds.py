"""Every kind of notification, with its message. Messages are rendered when read, in the reader's language.

Domains add their kinds here; `params` given to notify() fill the message's %(placeholders)s."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    label: object      # what the preferences page calls this kind
    message: object    # lazy message with %(placeholders)s from params
    # Optional: turns stored params (codes) into words in the reader's language just before rendering.
    prepare: Callable[[dict], dict] | None = None


def _hidden_params(params: dict) -> dict:
    from neighbourhood.moderation.reasons import kind_label, reason_label

    return {**params, "what": kind_label(params.get("what", "")), "reason": reason_label(params.get("reason"))}


def _need_status_params(params: dict) -> dict:
    from neighbourhood.needs.labels import notification_params

    return notification_params(params)


def _decision_params(params: dict) -> dict:
    from neighbourhood.council.forms import outcome_name

    return {**params, "outcome": outcome_name(params.get("outcome", ""))}


def _enterprise_status(params: dict) -> dict:
    from neighbourhood.enterprises.labels import STATUS_LABELS

    return {**params, "status": STATUS_LABELS.get(params.get("status", ""), params.get("status", ""))}


def _local_time(key: str) -> Callable[[dict], dict]:
    """A date or a UTC time stored with the notice as ISO text, shown as the reader's language writes dates and in
    the community's time zone (a ballot closing at 10:00 UTC closes at 18:00 in Chengdu)."""
    def prepare(params: dict) -> dict:
        from datetime import date, datetime

        from neighbourhood.web.display import local_date, local_datetime

        value = params.get(key, "")
        try:
            shown = local_date(date.fromisoformat(value)) if len(value) == 10 else \
                local_datetime(datetime.fromisoformat(value), "short")
        except (TypeError, ValueError):
            return params
        return {**params, key: shown}
    return prepare


KINDS: dict[str, Kind] = {
    "need.status": Kind(_l("A need I raised or supported changes"),
                        _l("“%(title)s”: %(status)s"), _need_status_params),
    "need.overdue": Kind(_l("Needs waiting too long for triage"),
                         _l("“%(title)s” has waited %(days)s days for triage")),
    "need.escalated": Kind(_l("Needs escalated to the station"),
                           _l("%(compound)s escalated “%(title)s” to the station")),
    "need.station_reply": Kind(_l("The station replies to a need"),
                               _l("The station replied to “%(title)s”")),
    "proposal.threshold": Kind(_l("My proposal reaches the council agenda"),
                               _l("“%(title)s” has enough support and is on the council's agenda")),
    "proposal.decision": Kind(_l("A council decision on a proposal I follow"),
                              _l("The council decided on “%(title)s”: %(outcome)s"), _decision_params),
    "comment.reply": Kind(_l("Replies to my comments"),
                          _l("%(name)s replied to your comment on “%(title)s”")),
    "content.hidden": Kind(_l("My content is hidden by moderation"),
                           _l("Your %(what)s “%(title)s” was hidden: %(reason)s"), _hidden_params),
    "decision.objection": Kind(_l("A supervisor objects to a council decision"),
                               _l("A supervisor objected to the decision on “%(title)s”")),
    "ballot.opened": Kind(_l("A ballot I can vote in opens"),
                          _l("Voting has opened: “%(title)s”")),
    "ballot.reminder": Kind(_l("A day before a ballot I have not voted in closes"),
                            _l("“%(title)s” closes at %(time)s and you have not voted yet"), _local_time("time")),
    "ballot.extended": Kind(_l("A ballot I can vote in is extended"),
                            _l("“%(title)s” has been extended until %(until)s"), _local_time("until")),
    "ballot.closed": Kind(_l("Results of a ballot I could vote in"),
                          _l("“%(title)s” has closed: see the result and check your receipt")),
    "ballot.paper_recorded": Kind(_l("A paper ballot or proxy is recorded for me"),
                                  _l("The convenor recorded a paper ballot for you in “%(title)s”")),
    "ballot.voided": Kind(_l("A ballot I cast is set aside"),
                          _l("Your ballot in “%(title)s” was set aside: %(reason)s")),
    "project.funding": Kind(_l("The station decides on my project's funding"),
                            _l("The station decided on the funding of “%(title)s”")),
    "ledger.pending": Kind(_l("Project spending waits for my approval"),
                           _l("Spending of %(amount)s yuan on “%(title)s” waits for a supervisor's approval")),
    "project.objection": Kind(_l("A supervisor objects to a project"),
                              _l("A supervisor objected to “%(title)s”: spending is paused")),
    "project.objection_answered": Kind(_l("The council answers my objection"),
                                       _l("The council answered your objection to “%(title)s”")),
    "project.completed": Kind(_l("A project waits for acceptance"),
                              _l("“%(title)s” is completed and waits for the supervisors' acceptance")),
    "project.bid": Kind(_l("An implementer bids on a project my council runs"),
                        _l("%(bidder)s bid on “%(title)s”")),
    "project.implementer": Kind(_l("The implementer of a project I bid on or run is chosen"),
                                _l("%(name)s will carry out “%(title)s”")),
    "project.implementer_undecided": Kind(_l("The residents' ballot on bids names no single winner"),
                                          _l("The residents' ballot “%(title)s” named no single winner: the "
                                             "council chooses the implementer")),
    "project.rate": Kind(_l("An accepted project in my compound asks for my rating"),
                         _l("“%(title)s” is finished: rate it by %(until)s"), _local_time("until")),
    "project.rectification": Kind(_l("A project is flagged for rectification"),
                                  _l("Residents rated “%(title)s” %(average)s of 5: it is flagged for rectification")),
    "project.rectification_update": Kind(_l("News on a rectification I follow"),
                                         _l("There is news on the rectification of “%(title)s”")),
    "volunteering.reminder": Kind(_l("Tomorrow's volunteer shift"),
                                  _l("Reminder: “%(title)s” starts %(starts)s at %(place)s"), _local_time("starts")),
    "volunteering.promoted": Kind(_l("A place frees up for me on a volunteer shift"),
                                  _l("A place freed up: you are now volunteering at “%(title)s”")),
    "volunteering.removed": Kind(_l("An organiser takes me off a volunteer shift"),
                                 _l("The organiser took you off “%(title)s”")),
    "volunteering.cancelled": Kind(_l("An activity I signed up for is cancelled"),
                                   _l("“%(title)s” is cancelled: %(reason)s")),
    "volunteering.changed": Kind(_l("The place or the risk of an activity I signed up for changes"),
                                 _l("The organiser changed the place or the risk note of “%(title)s”: please read it "
                                    "again")),
    "volunteering.hours": Kind(_l("My volunteer hours are confirmed"),
                               _l("%(hours)s hours at “%(title)s” are confirmed and credited as time coins")),
    "volunteering.certificate_issued": Kind(_l("My volunteer certificate is issued"),
                                            _l("Your volunteer certificate %(number)s is issued")),
    "volunteering.certificate_declined": Kind(_l("My volunteer certificate request is declined"),
                                              _l("Your volunteer certificate request is declined: %(reason)s")),
    "volunteering.certificate_requested": Kind(_l("A volunteer asks for a certificate"),
                                               _l("%(name)s asks for a volunteer certificate")),
    "timebank.received": Kind(_l("A household member gives me time coins"),
                              _l("You received %(amount)s time coins from your household")),
    "timebank.paid": Kind(_l("A neighbour pays time coins for my service"),
                          _l("A neighbour paid %(amount)s time coins for “%(title)s”")),
    "booking.requested": Kind(_l("A resident books a service of my enterprise"),
                              _l("A new booking request for “%(title)s”")),
    "booking.accepted": Kind(_l("My booking is accepted"),
                             _l("%(enterprise)s accepted your booking of “%(title)s”")),
    "booking.declined": Kind(_l("My booking is declined"),
                             _l("%(enterprise)s declined your booking of “%(title)s”: %(reason)s")),
    "booking.completed": Kind(_l("A service I booked is completed"),
                              _l("“%(title)s” is completed: you can rate it now")),
    "booking.cancelled": Kind(_l("A booking is cancelled"),
                              _l("The booking of “%(title)s” is cancelled")),
    "review.replied": Kind(_l("An enterprise replies to my review"),
                           _l("%(enterprise)s replied to your review of “%(title)s”")),
    "enterprise.decided": Kind(_l("The station decides on an enterprise I run"),
                               _l("The station decided on %(enterprise)s: %(status)s"), _enterprise_status),
    "oversight.report": Kind(_l("The supervisory committee publishes a report"),
                             _l("The supervisory committee published “%(title)s”")),
}


def render(kind: str, params: dict) -> str:
    """The message in the current language. A kind no longer known, or params that do not fit, give a
    plain fallback instead of breaking the inbox."""
    entry = KINDS.get(kind)
    if entry is None:
        return str(_l("A notification"))
    params = dict(params or {})
    if entry.prepare is not None:
        params = entry.prepare(params)
    try:
        return str(entry.message) % params
    except (KeyError, TypeError, ValueError):
        return str(entry.label)
