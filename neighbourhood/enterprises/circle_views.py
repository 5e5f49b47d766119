"""The 15-minute circle (/services/: services by category, walking distance and search, with the public-service
directory), one listing with its free times and the booking form, the operator's listing and slot pages, and the
station's directory."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_babel import format_decimal, gettext as _, ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from neighbourhood.accounts.models import HouseholdMembership, User
from neighbourhood.accounts.permissions import compounds_of, is_station_staff
from neighbourhood.db import utcnow
from neighbourhood.enterprises import circle, directory, listings, reviews
from neighbourhood.enterprises.blueprint import bp
from neighbourhood.enterprises.booking_forms import BookingForm
from neighbourhood.enterprises.circle_forms import (
    ListingForm, NewListingForm, PublicServiceForm, SlotsForm, circle_filters, distance_options,
)
from neighbourhood.enterprises.labels import CATEGORY_LABELS, PRICE_KIND_LABELS, STATUS_LABELS
from neighbourhood.enterprises.models import (
    Enterprise, EnterpriseStatus, PriceKind, PublicService, Review, ServiceListing, ServiceSlot,
)
from neighbourhood.enterprises.permissions import (
    can_book, can_browse_services, can_keep_directory, can_run_enterprise, operates,
)
from neighbourhood.extensions import db
from neighbourhood.places.models import Community, Compound, Household
from neighbourhood.web.actions import one_click, saved
from neighbourhood.web.rendering import get_or_404, render, require

RESULTS_SHOWN = 60
SLOTS_SHOWN = 30
REVIEWS_SHOWN = 20


# --- words every enterprise page may use ---------------------------------------------------------------------------

def _amount(value: Decimal) -> str:
    """12.00 → 12, 12.50 → 12.50: whole prices without decimals, others to the fen."""
    return format_decimal(value, format="#,##0" if value == value.to_integral_value() else "#,##0.00")


def service_price(kind: PriceKind, price: Decimal | None, unit: str = "") -> str:
    """免费 / ¥12 每餐 / 2 时间币 每次: a listing's (or a booking's frozen) price as residents read it."""
    if kind is PriceKind.FREE or price is None:
        return _("Free")
    if kind is PriceKind.YUAN:
        text = f"¥{_amount(price)}"
    else:
        text = ngettext("%(amount)s time coin", "%(amount)s time coins", 1 if price == 1 else 2, amount=_amount(price))
    return f"{text} {unit}".strip()


def walking_distance(metres: int | None, minutes: int | None) -> str:
    """约 400 米 · 步行 6 分钟: metres to the nearest ten under a kilometre, then kilometres to one decimal."""
    if metres is None:
        return ""
    stated = circle.stated_m(metres)
    if stated < 1000:
        return _("about %(metres)s m · %(minutes)s min walk", metres=stated, minutes=minutes)
    return _("about %(km)s km · %(minutes)s min walk", km=format_decimal(Decimal(stated) / 1000, format="0.0"),
             minutes=minutes)


@bp.app_context_processor
def _circle_words():
    return {"service_price": service_price, "walking_distance": walking_distance,
            "service_category_label": CATEGORY_LABELS.get}


# --- the 15-minute circle ------------------------------------------------------------------------------------------

def _origin(compound: Compound | None):
    if compound is None or compound.latitude is None or compound.longitude is None:
        return None
    return compound.latitude, compound.longitude


@bp.get("/services/", endpoint="circle")
@login_required
def show_circle():
    """Measured from ?compound=<id>, else the viewer's first compound (a verified home first)."""
    require(can_browse_services(current_user))
    compounds = compounds_of(current_user)
    chosen = request.args.get("compound", type=int)
    compound = get_or_404(Compound, chosen) if chosen is not None else (compounds[0] if compounds else None)
    filters = circle_filters(request.args)
    if compound is None:
        return render("enterprises/circle.html", compound=None, filters=filters)
    origin = _origin(compound)
    within = filters.within_m or None
    rows = circle.find(db.session, community_id=compound.community_id, origin=origin, category=filters.category,
                       within_m=within, query=filters.query, limit=RESULTS_SHOWN + 1)
    entries = circle.public_services(db.session, community_id=compound.community_id, origin=origin,
                                     category=filters.category, within_m=within, query=filters.query)
    return render("enterprises/circle.html", partial="enterprises/_partials/service_rows.html", compound=compound,
                  compounds=compounds, filters=filters, origin=origin, rows=rows[:RESULTS_SHOWN],
                  more=len(rows) > RESULTS_SHOWN, entries=entries, distances=distance_options(filters.within_m),
                  categories=CATEGORY_LABELS, certified=EnterpriseStatus.CERTIFIED)


# --- one listing ---------------------------------------------------------------------------------------------------

def _load_listing(listing_id: int) -> ServiceListing:
    return get_or_404(ServiceListing, listing_id, joinedload(ServiceListing.enterprise))


def _may_see_listing(listing: ServiceListing) -> bool:
    """Residents see it while it is published and its enterprise is on the circle; its operators and the station
    always (to check it before publishing)."""
    enterprise = listing.enterprise
    return (listing.published and enterprise.on_circle) or operates(current_user, enterprise) \
        or is_station_staff(current_user, enterprise.community_id)


def listing_page(listing_id: int, booking_form: BookingForm | None = None):
    """The listing page; again with a failed booking form filled in and its error (the booking view calls this)."""
    require(can_browse_services(current_user))
    listing = _load_listing(listing_id)
    if not _may_see_listing(listing):
        abort(404)
    enterprise = listing.enterprise
    slots = list(db.session.scalars(select(ServiceSlot).where(ServiceSlot.listing_id == listing.id,
                                                              ServiceSlot.withdrawn_at.is_(None),
                                                              ServiceSlot.starts_at > utcnow())
                                    .order_by(ServiceSlot.starts_at, ServiceSlot.id).limit(SLOTS_SHOWN)))
    shown_reviews = list(db.session.scalars(
        select(Review).where(Review.listing_id == listing.id, Review.hidden_at.is_(None))
        .order_by(Review.created_at.desc(), Review.id.desc()).limit(REVIEWS_SHOWN)
        .options(joinedload(Review.author).selectinload(User.memberships)
                 .joinedload(HouseholdMembership.household).joinedload(Household.building))))
    compounds = compounds_of(current_user)
    origin = _origin(compounds[0]) if compounds else None
    metres, minutes = circle.distance_between(origin, enterprise.latitude, enterprise.longitude)
    return render("enterprises/listing.html", partial="enterprises/_partials/slots.html", listing=listing,
                  enterprise=enterprise, slots=slots, reviews=shown_reviews,
                  rating=reviews.ratings_of_listings(db.session, [listing.id]).get(listing.id),
                  bookable=listing.published and can_book(current_user, enterprise),
                  booking_form=booking_form or BookingForm(formdata=None), metres=metres, minutes=minutes,
                  status_labels=STATUS_LABELS, certified=EnterpriseStatus.CERTIFIED)


@bp.get("/services/<int:listing_id>")
@login_required
def listing(listing_id: int):
    return listing_page(listing_id)


# --- the operator's listings and times -----------------------------------------------------------------------------

def _edit_url(listing: ServiceListing) -> str:
    return url_for("enterprises.edit_listing", listing_id=listing.id)


def _operated_listing(listing_id: int) -> ServiceListing:
    listing = _load_listing(listing_id)
    require(can_run_enterprise(current_user, listing.enterprise))
    return listing


@bp.route("/enterprise/listings/new", methods=["GET", "POST"])
@login_required
def new_listing():
    enterprise = get_or_404(Enterprise, request.args.get("enterprise", type=int) or 0)
    require(can_run_enterprise(current_user, enterprise))
    form = NewListingForm()
    created: list[ServiceListing] = []

    def create() -> None:
        created.append(listings.create_listing(db.session, enterprise=enterprise, by=current_user,
                                               published=form.published.data, **form.values()))

    if request.method == "POST" and saved(form, create):
        flash(_("The service is saved. Add the times residents can book."), "success")
        return redirect(_edit_url(created[0]))
    return render("enterprises/listing_form.html", form=form, enterprise=enterprise, listing=None,
                  price_kinds=PRICE_KIND_LABELS)


def edit_page(listing: ServiceListing, *, form: ListingForm | None = None, slots_form: SlotsForm | None = None):
    """The listing's edit page with its times; again with a failed form filled in."""
    slots = list(db.session.scalars(select(ServiceSlot).where(ServiceSlot.listing_id == listing.id,
                                                              ServiceSlot.withdrawn_at.is_(None),
                                                              ServiceSlot.ends_at > utcnow())
                                    .order_by(ServiceSlot.starts_at, ServiceSlot.id)))
    return render("enterprises/listing_form.html", listing=listing, enterprise=listing.enterprise,
                  form=form or ListingForm(formdata=None, obj=listing, price_kind=listing.price_kind.value,
                                           category=listing.category.value),
                  slots=slots, slots_form=slots_form or SlotsForm(formdata=None), slots_failed=slots_form is not None,
                  price_kinds=PRICE_KIND_LABELS)


@bp.route("/enterprise/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@login_required
def edit_listing(listing_id: int):
    listing = _operated_listing(listing_id)
    if request.method == "GET":
        return edit_page(listing)
    form = ListingForm()
    changed: list[str] = []

    def update() -> None:
        changed.extend(listings.update_listing(db.session, listing=listing, by=current_user, **form.values()))

    if saved(form, update):
        flash(_("The service is saved.") if changed else _("Nothing had changed."), "success")
        return redirect(_edit_url(listing))
    return edit_page(_load_listing(listing_id), form=form)


def _set_published(listing_id: int, published: bool, message: str):
    listing = _operated_listing(listing_id)
    return one_click(lambda: listings.set_published(db.session, listing=listing, by=current_user,
                                                    published=published), message, _edit_url(listing))


@bp.post("/enterprise/listings/<int:listing_id>/publish")
@login_required
def publish_listing(listing_id: int):
    return _set_published(listing_id, True, _("The service is published."))


@bp.post("/enterprise/listings/<int:listing_id>/unpublish")
@login_required
def unpublish_listing(listing_id: int):
    return _set_published(listing_id, False, _("The service is hidden from residents. Bookings made go on."))


@bp.post("/enterprise/listings/<int:listing_id>/slots")
@login_required
def add_slots(listing_id: int):
    listing = _operated_listing(listing_id)
    form = SlotsForm()
    added: list[ServiceSlot] = []

    def add() -> None:
        added.extend(listings.add_slots(db.session, listing=listing, by=current_user, starts_at=form.starts_at.data,
                                        ends_at=form.ends_at.data, capacity=form.capacity.data,
                                        repeat_days=form.repeat_days.data))

    if saved(form, add):
        flash(ngettext("%(num)d time added.", "%(num)d times added.", len(added)), "success")
        return redirect(_edit_url(listing) + "#times")
    return edit_page(_load_listing(listing_id), slots_form=form)


@bp.post("/enterprise/slots/<int:slot_id>/remove")
@login_required
def remove_slot(slot_id: int):
    slot = get_or_404(ServiceSlot, slot_id)
    listing = _operated_listing(slot.listing_id)
    return one_click(lambda: listings.remove_slot(db.session, slot=slot, by=current_user), _("The time is removed."),
                     _edit_url(listing) + "#times")


# --- the station's directory ---------------------------------------------------------------------------------------

def _directory_community() -> Community:
    """?community=<id>, else the community of the viewer's first compound."""
    chosen = request.args.get("community", type=int)
    if chosen is None:
        compounds = compounds_of(current_user)
        chosen = compounds[0].community_id if compounds else 0
    community = get_or_404(Community, chosen)
    require(can_keep_directory(current_user, community.id))
    return community


def _directory_url(community_id: int, anchor: str = "") -> str:
    return url_for("enterprises.directory", community=community_id) + anchor


def directory_page(community: Community, *, add_form: PublicServiceForm | None = None,
                   failed: tuple[int, PublicServiceForm] | None = None):
    """The directory with an edit form per entry and the add form; again with a failed one filled in."""
    services = list(db.session.scalars(select(PublicService).where(PublicService.community_id == community.id)
                                       .order_by(PublicService.name, PublicService.id)))
    edit_forms = {s.id: PublicServiceForm(formdata=None, obj=s, prefix=f"s{s.id}", category=s.category.value)
                  for s in services}
    if failed is not None:
        edit_forms[failed[0]] = failed[1]
    return render("enterprises/directory.html", community=community, services=services, edit_forms=edit_forms,
                  failed_id=failed[0] if failed else None,
                  add_form=add_form or PublicServiceForm(formdata=None, prefix="new"), add_failed=add_form is not None)


@bp.get("/services/directory", endpoint="directory")
@login_required
def show_directory():
    return directory_page(_directory_community())


@bp.post("/services/directory")
@login_required
def add_public_service():
    community = _directory_community()
    form = PublicServiceForm(prefix="new")

    def add() -> None:
        directory.add_service(db.session, community_id=community.id, by=current_user, **form.values())

    if saved(form, add):
        flash(_("The service is added to the directory."), "success")
        return redirect(_directory_url(community.id))
    return directory_page(community, add_form=form)


def _kept_service(service_id: int) -> PublicService:
    service = get_or_404(PublicService, service_id)
    require(can_keep_directory(current_user, service.community_id))
    return service


@bp.post("/services/directory/<int:service_id>")
@login_required
def update_public_service(service_id: int):
    service = _kept_service(service_id)
    form = PublicServiceForm(prefix=f"s{service.id}")

    def update() -> None:
        directory.update_service(db.session, service=service, by=current_user, **form.values())

    if saved(form, update):
        flash(_("The entry is saved."), "success")
        return redirect(_directory_url(service.community_id, f"#service-{service.id}"))
    return directory_page(db.session.get(Community, service.community_id), failed=(service.id, form))


@bp.post("/services/directory/<int:service_id>/delete")
@login_required
def delete_public_service(service_id: int):
    service = _kept_service(service_id)
    community_id = service.community_id
    return one_click(lambda: directory.delete_service(db.session, service=service, by=current_user),
                     _("The entry is removed from the directory."), _directory_url(community_id))
