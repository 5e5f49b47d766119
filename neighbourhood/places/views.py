"""The station's pages for keeping communities, compounds, buildings and households."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from neighbourhood.accounts import households as memberships
from neighbourhood.accounts import permissions
from neighbourhood.accounts.models import HouseholdMembership, MembershipStatus
from neighbourhood.db import DomainError
from neighbourhood.extensions import db
from neighbourhood.places import importing, services
from neighbourhood.places.forms import (
    BuildingForm,
    CommunityForm,
    CompoundForm,
    HouseholdAreaForm,
    HouseholdForm,
    ImportForm,
    InvitationForm,
)
from neighbourhood.places.models import AreaBasis, Building, Community, Compound, Household
from neighbourhood.web.rendering import get_or_404, render, require

bp = Blueprint("places", __name__, url_prefix="/station")


def _communities_for(user) -> list[Community]:
    if permissions.is_admin(user):
        return list(db.session.scalars(select(Community).order_by(Community.id)))
    ids = {r.community_id for r in permissions.active_roles(user) if r.role.value == "station_staff"}
    return list(db.session.scalars(select(Community).where(Community.id.in_(ids)).order_by(Community.id)))


@bp.get("/")
@login_required
def station():
    require(permissions.can_use_station(current_user))
    return render("places/station.html", communities=_communities_for(current_user),
                  community_form=CommunityForm(formdata=None))


@bp.post("/communities")
@login_required
def create_community():
    require(permissions.can_create_community(current_user))
    form = CommunityForm()
    if form.validate_on_submit():
        community = services.create_community(db.session, by=current_user, name=form.name.data,
                                              district=form.district.data or "",
                                              centre_name=form.centre_name.data or "")
        db.session.commit()
        flash(_("Community created."), "success")
        return redirect(url_for("places.community", community_id=community.id))
    return render("places/station.html", communities=_communities_for(current_user),
                  community_form=form)


@bp.route("/communities/<int:community_id>", methods=["GET", "POST"])
@login_required
def community(community_id: int):
    community = get_or_404(Community, community_id)
    require(permissions.can_manage_places(current_user, community))
    form = CompoundForm()
    if form.validate_on_submit():
        compound = services.create_compound(db.session, by=current_user, community=community,
                                            name=form.name.data, address=form.address.data or "",
                                            station_name=form.station_name.data or "")
        db.session.commit()
        flash(_("Compound created."), "success")
        return redirect(url_for("places.compound", compound_id=compound.id))
    summaries = services.compound_summaries(db.session, community=community)
    pending = memberships.count_pending(db.session, compound_ids=[s.compound.id for s in summaries])
    return render("places/community.html", community=community, summaries=summaries,
                  pending=pending, form=form)


@bp.route("/compounds/<int:compound_id>", methods=["GET", "POST"])
@login_required
def compound(compound_id: int):
    compound = get_or_404(Compound, compound_id)
    require(permissions.can_manage_compound(current_user, compound))
    form = CompoundForm(obj=compound)
    building_form = BuildingForm(formdata=None)
    if form.validate_on_submit():
        services.update_compound(db.session, by=current_user, compound=compound, name=form.name.data,
                                 address=form.address.data or "",
                                 station_name=form.station_name.data or "")
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("places.compound", compound_id=compound.id))
    return _compound_page(compound, form, building_form)


def _compound_page(compound, form, building_form, status=200):
    [summary] = services.compound_summaries(db.session, community=compound.community,
                                            compound_ids=[compound.id])
    return render("places/compound.html", compound=compound, summary=summary, form=form,
                  building_form=building_form,
                  buildings=services.building_counts(db.session, compound=compound),
                  pending=memberships.count_pending(db.session, compound_ids=[compound.id]).get(
                      compound.id, 0),
                  status=status)


@bp.post("/compounds/<int:compound_id>/buildings")
@login_required
def add_building(compound_id: int):
    compound = get_or_404(Compound, compound_id)
    require(permissions.can_manage_compound(current_user, compound))
    building_form = BuildingForm()
    if building_form.validate_on_submit():
        try:
            building = services.add_building(db.session, by=current_user, compound=compound,
                                             name=building_form.name.data)
        except DomainError as error:
            db.session.rollback()
            building_form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Building added."), "success")
            return redirect(url_for("places.building", building_id=building.id))
    return _compound_page(compound, CompoundForm(obj=compound, formdata=None), building_form)


@bp.route("/buildings/<int:building_id>", methods=["GET", "POST"])
@login_required
def building(building_id: int):
    building = get_or_404(Building, building_id)
    require(permissions.can_manage_compound(current_user, building.compound))
    form = HouseholdForm()
    if form.validate_on_submit():
        try:
            services.add_household(db.session, by=current_user, building=building,
                                   unit=form.unit.data or "", room=form.room.data, area=form.area.data,
                                   area_basis=AreaBasis(form.area_basis.data))
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Household added."), "success")
            return redirect(url_for("places.building", building_id=building.id))
    return render("places/building.html", building=building, form=form,
                  households=services.building_households(db.session, building=building))


@bp.route("/households/<int:household_id>", methods=["GET", "POST"])
@login_required
def household(household_id: int):
    household = get_or_404(Household, household_id)
    require(permissions.can_manage_compound(current_user, household.compound))
    form = HouseholdAreaForm(obj=household)
    if form.validate_on_submit():
        services.update_household_area(db.session, by=current_user, household=household,
                                       area=form.area.data, area_basis=AreaBasis(form.area_basis.data))
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("places.building", building_id=household.building_id))
    members = db.session.scalars(
        select(HouseholdMembership).where(HouseholdMembership.household_id == household.id,
                                          HouseholdMembership.status.in_([MembershipStatus.PENDING,
                                                                          MembershipStatus.VERIFIED]))
        .options(joinedload(HouseholdMembership.user))
        .order_by(HouseholdMembership.id))
    return render("places/household.html", household=household, form=form, members=list(members))


@bp.route("/compounds/<int:compound_id>/import", methods=["GET", "POST"])
@login_required
def import_households(compound_id: int):
    compound = get_or_404(Compound, compound_id)
    require(permissions.can_manage_compound(current_user, compound))
    form = ImportForm()
    parsed = result = None
    if form.validate_on_submit():
        parsed = _parse_upload(form)
        if parsed is not None and not parsed.errors:
            result = services.import_households(db.session, by=current_user, compound=compound,
                                                parsed=parsed)
            db.session.commit()
    return render("places/import.html", compound=compound, form=form, parsed=parsed, result=result)


def _parse_upload(form: ImportForm) -> importing.ParsedCsv | None:
    """The checked rows, or None with the reason on the file field (too large, not CSV text)."""
    limit = current_app.config["MAX_IMPORT_BYTES"]
    data = form.file.data.read(limit + 1)
    if len(data) > limit:
        form.file.errors.append(_("The file is larger than 2 MB."))
        return None
    try:
        return importing.parse_households_csv(importing.decode(data))
    except importing.UnreadableFile:
        form.file.errors.append(_("Upload a .csv file."))
        return None


@bp.get("/compounds/<int:compound_id>/import/template.csv")
@login_required
def import_template(compound_id: int):
    compound = get_or_404(Compound, compound_id)
    require(permissions.can_manage_compound(current_user, compound))
    return Response("\ufeff" + importing.TEMPLATE_CSV, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=households.csv"})


@bp.route("/compounds/<int:compound_id>/invitations", methods=["GET", "POST"])
@login_required
def invitations(compound_id: int):
    compound = get_or_404(Compound, compound_id)
    require(permissions.can_manage_compound(current_user, compound))
    form = InvitationForm()
    if form.validate_on_submit():
        household_ids = None
        if form.scope.data == "unverified":
            household_ids = memberships.households_without_verified_member(db.session, compound=compound)
        try:
            printed = memberships.issue_invitations(db.session, config=current_app.config,
                                                    compound=compound, by=current_user,
                                                    household_ids=household_ids)
        except DomainError as error:
            db.session.rollback()
            form.scope.errors.append(str(error))
        else:
            db.session.commit()
            response = render("places/letters.html", compound=compound, printed=printed)
            # The codes exist nowhere else: keep them out of every cache.
            response.headers["Cache-Control"] = "no-store"
            return response
    return render("places/invitations.html", compound=compound, form=form)
