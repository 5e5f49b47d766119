"""The volunteer's own page (their record in the five categories, certificates and time coins), saving the
volunteer profile, giving time coins to a household member; the time bank of a compound (offering a service for
coins, paying for one, withdrawing one's offer); and the station's volunteer hours per compound per month."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from neighbourhood.accounts.models import Role, User
from neighbourhood.accounts.permissions import active_roles, compounds_of, is_admin
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Community, Compound
from neighbourhood.volunteering import mine, rules, services, timebank
from neighbourhood.volunteering.blueprint import bp
from neighbourhood.volunteering.me_forms import (
    CERTIFICATE_STATUS_LABELS, COIN_MOVEMENT_LABELS, OfferForm, ProfileForm, TransferForm,
)
from neighbourhood.volunteering.models import TimeBankOffer
from neighbourhood.volunteering.permissions import (
    can_read_volunteering, can_see_volunteer_statistics, can_use_time_bank, can_withdraw_offer,
)
from neighbourhood.web.actions import one_click, saved
from neighbourhood.web.display import public_name
from neighbourhood.web.rendering import chosen_compound, get_or_404, render, require


@bp.app_context_processor
def _coin_words():
    return {"coin_movement_label": COIN_MOVEMENT_LABELS.get, "certificate_status_label": CERTIFICATE_STATUS_LABELS.get}


# --- the volunteer's own page --------------------------------------------------------------------------------------

def _me_page(*, profile_form: ProfileForm | None = None, transfer_form: TransferForm | None = None):
    now = utcnow()
    page = mine.my_volunteering(db.session, current_user, now)
    transfer_form = transfer_form or TransferForm(formdata=None)
    transfer_form.recipient.choices = [SelectChoice(u.id, public_name(u)) for u in page.coins.members]
    return render("volunteering/me.html", record=page.record, coins=page.coins,
                  profile_form=profile_form or ProfileForm(formdata=None, obj=page.record.profile),
                  transfer_form=transfer_form, certificate_compounds=page.compounds,
                  may_cancel_online=lambda signup: rules.may_cancel(
                      signup.shift.starts_at, signup.activity.cancel_cutoff_hours, now))


@bp.get("/me/volunteering")
@login_required
def me():
    return _me_page()


@bp.post("/me/volunteering/profile")
@login_required
def update_profile():
    form = ProfileForm()
    numbers: list[str] = []   # the volunteer number (given on the first save), for the message

    def save() -> None:
        numbers.append(services.update_profile(
            db.session, user=current_user, skills=form.skills.data, available_times=form.available_times.data,
            emergency_contact=form.emergency_contact.data, emergency_phone=form.emergency_phone.data or "",
            on_honour_list=form.on_honour_list.data).number)

    if saved(form, save):
        flash(_("Your volunteer profile is saved. Your volunteer number is %(number)s.", number=numbers[0]),
              "success")
        return redirect(url_for("volunteering.me"))
    return _me_page(profile_form=form)


@bp.post("/me/volunteering/transfer")
@login_required
def transfer():
    form = TransferForm()
    messages: list[str] = []   # made before the commit, while the recipient is still loaded

    def give() -> None:
        recipient = db.session.get(User, form.recipient.data)
        if recipient is None:   # a forged id: say what the time bank says of a stranger
            raise DomainError(_("Time coins go only to a verified member of your own household."))
        timebank.transfer(db.session, sender=current_user, recipient=recipient, amount=form.amount.data,
                          note=form.note.data)
        messages.append(_("You gave %(amount)s time coins to %(name)s.", amount=form.amount.data,
                          name=public_name(recipient)))

    if saved(form, give):
        flash(messages[0], "success")
        return redirect(url_for("volunteering.me", _anchor="coins"))
    return _me_page(transfer_form=form)


# --- the time bank -------------------------------------------------------------------------------------------------

def _time_bank_page(compound: Compound | None, *, offer_form: OfferForm | None = None):
    require(can_read_volunteering(current_user))
    return render("volunteering/time_bank.html", compound=compound, compounds=compounds_of(current_user),
                  offers=mine.offers_of(db.session, compound) if compound else [],
                  balance=timebank.balance_of(db.session, current_user),
                  offer_form=offer_form or OfferForm(formdata=None))


def _time_bank_url(compound_id: int) -> str:
    return url_for("volunteering.time_bank", compound=compound_id)


@bp.get("/volunteering/time-bank")
@login_required
def time_bank():
    return _time_bank_page(chosen_compound())


@bp.post("/volunteering/time-bank/offers")
@login_required
def offer_service():
    compound = chosen_compound(taking_part=True)
    require(can_use_time_bank(current_user, compound))
    form = OfferForm()
    if saved(form, lambda: timebank.offer_service(db.session, compound=compound, by=current_user,
                                                  title=form.title.data, price=form.price.data,
                                                  description=form.description.data)):
        flash(_("Your service is offered. Neighbours pay for it in time coins."), "success")
        return redirect(_time_bank_url(compound.id))
    return _time_bank_page(compound, offer_form=form)


def _offer(offer_id: int) -> tuple[TimeBankOffer, Compound]:
    offer = get_or_404(TimeBankOffer, offer_id)
    return offer, db.session.get(Compound, offer.compound_id)


@bp.post("/volunteering/time-bank/offers/<int:offer_id>/spend")
@login_required
def spend(offer_id: int):
    offer, compound = _offer(offer_id)
    require(can_use_time_bank(current_user, compound))
    return one_click(lambda: timebank.spend(db.session, offer=offer, by=current_user),
                     _("You paid %(amount)s time coins to %(name)s for “%(title)s”. They are told.",
                       amount=offer.price, name=public_name(offer.offered_by), title=offer.title),
                     _time_bank_url(compound.id))


@bp.post("/volunteering/time-bank/offers/<int:offer_id>/withdraw")
@login_required
def withdraw_offer(offer_id: int):
    offer, compound = _offer(offer_id)
    require(can_withdraw_offer(current_user, offer))
    return one_click(lambda: timebank.withdraw_offer(db.session, offer=offer, by=current_user),
                     _("Your offer is withdrawn."), _time_bank_url(compound.id))


# --- the station's figures -----------------------------------------------------------------------------------------

def _own_community_id() -> int | None:
    """The community a station staff member serves; for an administrator, the first community."""
    served = [r.community_id for r in active_roles(current_user)
              if r.role is Role.STATION_STAFF and r.community_id is not None]
    if served:
        return served[0]
    if is_admin(current_user):
        return db.session.scalar(select(Community.id).order_by(Community.id).limit(1))
    return None


@bp.get("/volunteering/station")
@login_required
def station():
    community_id = request.args.get("community", type=int) or _own_community_id()
    require(community_id is not None)
    community = get_or_404(Community, community_id)
    require(can_see_volunteer_statistics(current_user, community.id))
    table = mine.hours_table(db.session, community.id, mine.local_today())
    return render("volunteering/station.html", community=community, table=table, bars=mine.monthly_bars(table),
                  chart_height=mine.CHART_HEIGHT, bar_width=mine.BAR_WIDTH, bar_step=mine.BAR_STEP)
