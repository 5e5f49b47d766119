"""Enterprise pages: the public profile, registering an enterprise, its operators' profile, photos and income
report, and the station's certification decisions and review queue."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from neighbourhood.accounts.models import Role
from neighbourhood.accounts.permissions import active_roles, is_station_staff
from neighbourhood.db import DomainError, utcnow
from neighbourhood.enterprises import labels, registry
from neighbourhood.enterprises.blueprint import bp
from neighbourhood.enterprises.enterprise_forms import (
    AddOperatorForm, CertifyForm, IncomeForm, ListProviderForm, ProfileForm, SuspendForm,
)
from neighbourhood.enterprises.models import Enterprise
from neighbourhood.enterprises.permissions import (
    can_certify, can_register_enterprise, can_run_enterprise, can_see_enterprise,
)
from neighbourhood.extensions import db
from neighbourhood.places.models import Community
from neighbourhood.voting.manage_forms import to_local
from neighbourhood.web.actions import saved
from neighbourhood.web.rendering import chosen_compound, get_or_404, render, require


def _load(enterprise_id: int) -> Enterprise:
    return get_or_404(Enterprise, enterprise_id, joinedload(Enterprise.compound))


def _visible(enterprise_id: int) -> Enterprise:
    """The enterprise, or 404 for whom it is not (yet, or no longer) on the circle: a pending or suspended
    enterprise is not announced to residents, not even as "forbidden"."""
    found = _load(enterprise_id)
    if not can_see_enterprise(current_user, found):
        abort(404)
    return found


def _profile_url(enterprise: Enterprise, anchor: str | None = None) -> str:
    return url_for("enterprises.profile", enterprise_id=enterprise.id, _anchor=anchor)


def _decision_forms(enterprise: Enterprise, failed: dict) -> dict:
    """The station's forms, filled in with the current certification (to renew it after a suspension), or the
    failed one as sent."""
    return {
        "certify_form": failed.get("certify_form") or CertifyForm(
            formdata=None, certificate_number=enterprise.certificate_number,
            owning_committee=enterprise.owning_committee,
            committed_return_percent=enterprise.committed_return_percent),
        "list_form": failed.get("list_form") or ListProviderForm(formdata=None),
        "suspend_form": failed.get("suspend_form") or SuspendForm(formdata=None),
        "operator_form": failed.get("operator_form") or AddOperatorForm(formdata=None),
    }


def profile_page(enterprise: Enterprise, **failed):
    """The profile, or again with a failed form of the station or of its operators filled in and its errors shown
    (`certify_form`, `list_form`, `suspend_form`, `operator_form`, `income_form`)."""
    forms = _decision_forms(enterprise, failed) if can_certify(current_user, enterprise) else {}
    if can_run_enterprise(current_user, enterprise):
        forms["income_form"] = failed.get("income_form") or IncomeForm(
            formdata=None, year=to_local(utcnow()).year - 1)
    return render("enterprises/profile.html", profile=registry.profile_of(db.session, enterprise, current_user),
                  enterprise=enterprise, labels=labels, failed=set(failed), **forms)


@bp.get("/enterprises/<int:enterprise_id>")
@login_required
def profile(enterprise_id: int):
    return profile_page(_visible(enterprise_id))


# --- registering and editing ---------------------------------------------------------------------------------------

@bp.route("/enterprises/register", methods=["GET", "POST"])
@login_required
def register():
    compound = chosen_compound()
    require(can_register_enterprise(current_user, compound))
    form = ProfileForm()
    made: list[Enterprise] = []

    def create() -> None:
        made.append(registry.register(db.session, compound=compound, by=current_user, **form.profile()))

    # Only a POST is a try at saving: the empty form a GET shows must not say "nothing was saved".
    if request.method == "POST" and saved(form, create):
        flash(_("The enterprise is registered. The station will review it and decide how it is listed."), "success")
        return redirect(_profile_url(made[0]))
    return render("enterprises/register.html", form=form, compound=compound)


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id: int):
    enterprise = _load(enterprise_id)
    require(can_run_enterprise(current_user, enterprise))
    form = ProfileForm(obj=enterprise)
    changed: list[str] = []
    removed: list[str] = []
    added: list = []

    def update() -> None:
        changed.extend(registry.update_profile(db.session, enterprise=enterprise, by=current_user, **form.profile()))
        removed.extend(registry.remove_photos(db.session, enterprise=enterprise, by=current_user,
                                              photo_ids=request.form.getlist("remove_photo", type=int)))
        added.extend(registry.add_photos(db.session, enterprise=enterprise, by=current_user,
                                         files=request.files.getlist("photos"), config=current_app.config))

    if request.method == "POST" and saved(form, update):
        registry.discard_files(current_app.config["UPLOAD_DIR"], removed)
        flash(_("The profile is saved.") if changed or removed or added else _("Nothing changed."),
              "success" if changed or removed or added else "info")
        return redirect(_profile_url(enterprise))
    return render("enterprises/edit.html", form=form, enterprise=enterprise,
                  photos=registry.photos_of(db.session, enterprise), photos_max=registry.PHOTOS_MAX)


# --- the station's decisions ---------------------------------------------------------------------------------------

def _decide(enterprise_id: int, form_class, form_name: str, act, message: str):
    """One decision form: saved and back to the profile, or the profile again with the form and its errors."""
    enterprise = _load(enterprise_id)
    require(can_certify(current_user, enterprise))
    form = form_class()
    if saved(form, lambda: act(enterprise, form)):
        flash(message, "success")
        return redirect(_profile_url(enterprise, "decision"))
    return profile_page(enterprise, **{form_name: form})


@bp.post("/enterprises/<int:enterprise_id>/certify")
@login_required
def certify(enterprise_id: int):
    return _decide(enterprise_id, CertifyForm, "certify_form", lambda enterprise, form: registry.certify(
        db.session, enterprise=enterprise, by=current_user, certificate_number=form.certificate_number.data,
        owning_committee=form.owning_committee.data, committed_return_percent=form.committed_return_percent.data,
        note=form.note.data or ""),
        _("Certified as a community social enterprise. Its operators are told."))


@bp.post("/enterprises/<int:enterprise_id>/list")
@login_required
def list_provider(enterprise_id: int):
    return _decide(enterprise_id, ListProviderForm, "list_form", lambda enterprise, form: registry.list_as_provider(
        db.session, enterprise=enterprise, by=current_user, note=form.note.data or ""),
        _("Listed as a provider. Its operators are told."))


@bp.post("/enterprises/<int:enterprise_id>/suspend")
@login_required
def suspend(enterprise_id: int):
    return _decide(enterprise_id, SuspendForm, "suspend_form", lambda enterprise, form: registry.suspend(
        db.session, enterprise=enterprise, by=current_user, reason=form.reason.data),
        _("Suspended: it has left the 15-minute circle. Its operators are told."))


def _link_operator(enterprise: Enterprise, form: AddOperatorForm) -> None:
    user = registry.user_by_phone(db.session, form.phone.data)
    if user is None:
        raise DomainError(_("No account has this phone number."))
    registry.add_operator(db.session, enterprise=enterprise, by=current_user, user=user)


@bp.post("/enterprises/<int:enterprise_id>/operators")
@login_required
def add_operator(enterprise_id: int):
    return _decide(enterprise_id, AddOperatorForm, "operator_form", _link_operator,
                   _("The operator now runs this enterprise."))


# --- the income report ---------------------------------------------------------------------------------------------

@bp.post("/enterprises/<int:enterprise_id>/income")
@login_required
def report_income(enterprise_id: int):
    enterprise = _load(enterprise_id)
    require(can_run_enterprise(current_user, enterprise))
    form = IncomeForm()

    def report() -> None:
        registry.report_income(db.session, enterprise=enterprise, by=current_user, year=form.year.data,
                               income=form.income.data, returned=form.returned.data,
                               how_returned=form.how_returned.data or "")

    if saved(form, report):
        flash(_("The report for %(year)s is published on the profile.", year=form.year.data), "success")
        return redirect(_profile_url(enterprise, "income"))
    return profile_page(enterprise, income_form=form)


# --- the station's review queue ------------------------------------------------------------------------------------

def _staffed_community_id() -> int | None:
    """The community the user serves as station staff, for the queue without ?community=."""
    return next((r.community_id for r in active_roles(current_user)
                 if r.role is Role.STATION_STAFF and r.compound_id is None), None)


@bp.get("/enterprises/review")
@login_required
def review_queue():
    community_id = request.args.get("community", type=int) or _staffed_community_id()
    if community_id is None:
        abort(403)
    community = get_or_404(Community, community_id)
    require(is_station_staff(current_user, community))
    return render("enterprises/review_queue.html", community=community, labels=labels,
                  enterprises=registry.review_queue(db.session, community.id))
