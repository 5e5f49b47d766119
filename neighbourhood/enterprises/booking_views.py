"""Booking a service, the booking page with each side's actions (accept, decline, complete, cancel, review), the
enterprise's reply to a review, the resident's bookings (/me/bookings) and the enterprise dashboard (/enterprise/)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from neighbourhood.db import DomainError, utcnow
from neighbourhood.enterprises import bookings, dashboard as boards, reviews, rules
from neighbourhood.enterprises.blueprint import bp
from neighbourhood.enterprises.booking_forms import BookingForm, ReasonForm, ReplyForm, ReviewForm
from neighbourhood.enterprises.labels import BOOKING_STATUS_LABELS, PRICE_KIND_LABELS
from neighbourhood.enterprises.models import Booking, Review, ServiceListing, ServiceSlot
from neighbourhood.enterprises.permissions import (
    can_answer_booking, can_book, can_cancel_booking, can_reply, can_review, can_see_booking, can_use_dashboard,
    operates,
)
from neighbourhood.extensions import db
from neighbourhood.web.actions import one_click, saved
from neighbourhood.web.rendering import get_or_404, render, require

# Where a reply form may send the operator back to, besides the enterprise profile.
DASHBOARD_PATH = "/enterprise/"


@bp.app_context_processor
def _booking_words():
    return {"booking_status_label": BOOKING_STATUS_LABELS.get, "price_kind_label": PRICE_KIND_LABELS.get}


def _booking_url(booking_id: int) -> str:
    return url_for("enterprises.booking", booking_id=booking_id)


# --- requesting ------------------------------------------------------------------------------------------------------

@bp.post("/services/<int:listing_id>/book")
@login_required
def book(listing_id: int):
    listing = get_or_404(ServiceListing, listing_id)
    if not listing.published or not listing.enterprise.on_circle:
        abort(404)
    require(can_book(current_user, listing.enterprise))
    form = BookingForm()
    made: list[Booking] = []   # the new booking, for the redirect to its page

    def request_it() -> None:
        slot = db.session.get(ServiceSlot, form.slot.data) if form.slot.data is not None else None
        if form.slot.data is not None and slot is None:
            raise DomainError(_("This time is no longer open. Choose another."))
        made.append(bookings.request(db.session, listing=listing, user=current_user, slot=slot,
                                     message=form.message.data or ""))

    if saved(form, request_it):
        flash(_("Your request is sent. %(enterprise)s will answer here and in your inbox.",
                enterprise=listing.enterprise.name), "success")
        return redirect(_booking_url(made[0].id))
    from neighbourhood.enterprises.circle_views import listing_page

    return listing_page(listing_id, booking_form=form)


# --- one booking -----------------------------------------------------------------------------------------------------

def _load_booking(booking_id: int) -> Booking:
    return get_or_404(Booking, booking_id, joinedload(Booking.listing), joinedload(Booking.enterprise),
                      joinedload(Booking.slot), joinedload(Booking.user))


def booking_page(booking: Booking, *, review_form: ReviewForm | None = None):
    """The booking page, or again with the resident's failed review form filled in."""
    review = db.session.scalar(select(Review).where(Review.booking_id == booking.id))
    boards.with_homes(db.session, [booking.user])
    now = utcnow()
    slot_starts = booking.slot.starts_at if booking.slot else None
    return render("enterprises/booking.html", partial="enterprises/_partials/booking_actions.html",
                  booking=booking, review=review, now=now,
                  is_resident=booking.user_id == current_user.id,
                  resident_may_cancel=rules.resident_may_cancel(booking.status, slot_starts, now),
                  reason_form=ReasonForm(formdata=None),
                  review_form=review_form or ReviewForm(formdata=None))


@bp.get("/bookings/<int:booking_id>")
@login_required
def booking(booking_id: int):
    found = _load_booking(booking_id)
    require(can_see_booking(current_user, found))
    return booking_page(found)


def _answer(booking_id: int, act, message: str):
    found = _load_booking(booking_id)
    require(can_answer_booking(current_user, found))
    return one_click(lambda: act(found), message, _back_to(_booking_url(found.id)))


def _back_to(default: str) -> str:
    """The dashboard when the form came from there (its inline answers), else `default`."""
    return DASHBOARD_PATH + _query_of_next() if _next_is_dashboard() else default


def _next_is_dashboard() -> bool:
    return (request.form.get("next") or "").startswith(DASHBOARD_PATH)


def _query_of_next() -> str:
    """Keep ?enterprise=<id> of the dashboard the operator came from, and nothing else."""
    chosen = (request.form.get("next") or "").removeprefix(DASHBOARD_PATH)
    return chosen if chosen.startswith("?enterprise=") and chosen[len("?enterprise="):].isdigit() else ""


@bp.post("/bookings/<int:booking_id>/accept")
@login_required
def accept_booking(booking_id: int):
    return _answer(booking_id, lambda b: bookings.accept(db.session, booking=b, by=current_user),
                   _("The booking is accepted. The resident is told."))


@bp.post("/bookings/<int:booking_id>/decline")
@login_required
def decline_booking(booking_id: int):
    form = ReasonForm()
    return _answer(booking_id, lambda b: bookings.decline(db.session, booking=b, by=current_user,
                                                          reason=form.reason.data or ""),
                   _("The booking is declined. The resident reads your reason."))


@bp.post("/bookings/<int:booking_id>/complete")
@login_required
def complete_booking(booking_id: int):
    return _answer(booking_id, lambda b: bookings.complete(db.session, booking=b, by=current_user),
                   _("The booking is marked as completed. The resident may now rate it."))


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id: int):
    found = _load_booking(booking_id)
    require(can_cancel_booking(current_user, found))
    form = ReasonForm()
    other_side = found.enterprise.name if found.user_id == current_user.id else _("The resident")
    return one_click(lambda: bookings.cancel(db.session, booking=found, by=current_user,
                                             reason=form.reason.data or ""),
                     _("The booking is cancelled. %(who)s is told.", who=other_side), _booking_url(found.id))


@bp.post("/bookings/<int:booking_id>/review")
@login_required
def review_booking(booking_id: int):
    found = _load_booking(booking_id)
    require(can_review(current_user, found))
    form = ReviewForm()
    if saved(form, lambda: reviews.review(db.session, booking=found, by=current_user, rating=form.rating.data,
                                          body=form.body.data or "")):
        flash(_("Thank you: your rating is published on the service's page."), "success")
        return redirect(_booking_url(found.id) + "#booking-review")
    return booking_page(found, review_form=form)


@bp.post("/reviews/<int:review_id>/reply")
@login_required
def reply_review(review_id: int):
    found = get_or_404(Review, review_id)
    require(can_reply(current_user, found))
    form = ReplyForm()
    back = _back_to(url_for("enterprises.profile", enterprise_id=found.enterprise_id, _anchor=f"review-{found.id}"))
    if not form.validate_on_submit():
        flash(" ".join(str(error) for error in form.text.errors) or _("Write a reply."), "error")
        return redirect(back)
    return one_click(lambda: reviews.reply(db.session, review_obj=found, by=current_user, text=form.text.data),
                     _("Your reply is published under the review."), back)


# --- the resident's bookings -----------------------------------------------------------------------------------------

@bp.get("/me/bookings")
@login_required
def my_bookings():
    return render("enterprises/my_bookings.html", page=boards.my_bookings(db.session, current_user))


# --- the enterprise dashboard ----------------------------------------------------------------------------------------

@bp.get("/enterprise/")
@login_required
def dashboard():
    require(can_use_dashboard(current_user))
    chosen_id = request.args.get("enterprise", type=int)
    if chosen_id is not None:
        require(operates(current_user, chosen_id))
    enterprises = boards.operated_enterprises(db.session, current_user)
    chosen = next((e for e in enterprises if e.id == chosen_id), enterprises[0]) if chosen_id else enterprises[0]
    board = boards.dashboard(db.session, chosen, utcnow())
    here = url_for("enterprises.dashboard", enterprise=chosen.id)
    return render("enterprises/dashboard.html", board=board, enterprises=enterprises, here=here,
                  reply_form=ReplyForm(formdata=None))

