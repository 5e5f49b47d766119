"""Sign-up, sign-in, profile, joining a household, and deciding requests and roles."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from wtforms import SelectChoice

from neighbourhood.accounts import households, permissions, roles, rules, services
from neighbourhood.accounts.forms import (
    AssignRoleForm,
    AssignStaffForm,
    CodeLoginForm,
    DeclineForm,
    DeleteAccountForm,
    EndRoleForm,
    JoinHouseholdForm,
    PasswordLoginForm,
    ProfileForm,
    RedeemCodeForm,
    RegisterForm,
    ResetPasswordForm,
)
from neighbourhood.accounts.models import HouseholdMembership, Relation, Role, RoleAssignment, SmsPurpose
from neighbourhood.db import DomainError
from neighbourhood.extensions import db, limiter, login_manager
from neighbourhood.places.models import Community, Compound
from neighbourhood.voting import services as voting
from neighbourhood.voting.integrity import BallotKeys
from neighbourhood.web.rendering import get_or_404, render, require
from neighbourhood.web.views import safe_next

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def _load_user(token: str):
    return services.load_session_user(db.session, config=current_app.config, token=token)


def _phone_key() -> str:
    return "phone:" + (rules.normalize_phone(request.form.get("phone", "")) or "invalid")


def _sending_code() -> bool:
    return "send_code" in request.form


def _signing_in() -> bool:
    return request.method == "POST" and not _sending_code()


# Shared scopes: a number's allowance covers every form that sends it an SMS (register, code sign-in,
# reset) and every form that tries to sign it in, so using two forms does not double it.
sms_limits = [
    limiter.shared_limit(lambda: current_app.config["RATELIMIT_SMS"], scope="sms-phone",
                         key_func=_phone_key, methods=["POST"], exempt_when=lambda: not _sending_code()),
    limiter.shared_limit(lambda: current_app.config["RATELIMIT_SMS_IP"], scope="sms-ip",
                         methods=["POST"], exempt_when=lambda: not _sending_code()),
]
sign_in_limits = [
    limiter.shared_limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], scope="sign-in-phone",
                         key_func=_phone_key, methods=["POST"], exempt_when=lambda: not _signing_in()),
    limiter.shared_limit(lambda: current_app.config["RATELIMIT_SIGN_IN_IP"], scope="sign-in-ip",
                         methods=["POST"], exempt_when=lambda: not _signing_in()),
]


def limited(*decorators):
    def apply(view):
        for decorator in reversed(decorators):
            view = decorator(view)
        return view
    return apply


def _send_code(form, purpose: SmsPurpose) -> bool:
    """Handle the 'send code' button of an SMS form. True when that was the button pressed."""
    if not form.send_code.data:
        return False
    form.phone.errors = []
    try:
        form.phone.pre_validate(form)
    except ValueError as error:
        form.phone.errors.append(str(error))
        return True
    try:
        services.send_sms_code(db.session, config=current_app.config,
                               sender=current_app.extensions["sms_sender"],
                               phone=form.phone.data, purpose=purpose)
    except DomainError as error:
        form.phone.errors.append(str(error))
        return True
    db.session.commit()
    flash(_("If the number is right, a code is on its way. It is valid for 10 minutes."), "info")
    return True


def _require_filled(form, *names: str) -> bool:
    missing = [name for name in names if not (getattr(form, name).data or "").strip()]
    for name in missing:
        getattr(form, name).errors = [*getattr(form, name).errors, _("This field is required.")]
    return not missing


def _sign_in(user, fallback: str = "web.home"):
    """A fresh session on every sign-in: nothing from before survives (session fixation), and a
    device session this browser held before is ended, not just forgotten."""
    if current_user.is_authenticated:
        services.end_session(db.session, config=current_app.config, token=current_user.get_id())
    session.clear()
    services.start_session(db.session, config=current_app.config, user=user,
                           user_agent=request.headers.get("User-Agent", ""))
    db.session.commit()
    login_user(user)
    session.permanent = True
    return redirect(safe_next(request.args.get("next"), url_for(fallback)))


@bp.route("/register", methods=["GET", "POST"])
@limited(*sms_limits)
def register():
    form = RegisterForm()
    if request.method == "POST" and not _send_code(form, SmsPurpose.REGISTER):
        if form.validate() & _require_filled(form, "code", "display_name", "password"):
            try:
                user = services.register(
                    db.session, config=current_app.config, phone=form.phone.data,
                    code=form.code.data, display_name=form.display_name.data,
                    password=form.password.data)
            except DomainError as error:
                db.session.commit()  # keep the counted wrong guess
                form.form_errors.append(str(error))
            else:
                flash(_("Welcome! Next, tell us which household you live in."), "success")
                return _sign_in(user, fallback="accounts.join_household")
    return render("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limited(*sign_in_limits)
def login():
    form = PasswordLoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(db.session, config=current_app.config,
                                         phone=form.phone.data, password=form.password.data)
        except DomainError as error:
            form.form_errors.append(str(error))
        else:
            return _sign_in(user)
    return render("accounts/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@limited(*sms_limits, *sign_in_limits)
def login_with_code():
    form = CodeLoginForm()
    if request.method == "POST" and not _send_code(form, SmsPurpose.SIGN_IN):
        if form.validate() & _require_filled(form, "code"):
            try:
                user = services.authenticate_by_code(db.session, config=current_app.config,
                                                     phone=form.phone.data, code=form.code.data)
            except DomainError as error:
                db.session.commit()
                form.form_errors.append(str(error))
            else:
                return _sign_in(user)
    return render("accounts/login_code.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
@limited(*sms_limits, *sign_in_limits)
def reset_password():
    form = ResetPasswordForm()
    if request.method == "POST" and not _send_code(form, SmsPurpose.RESET_PASSWORD):
        if form.validate() & _require_filled(form, "code", "password"):
            try:
                services.reset_password(db.session, config=current_app.config,
                                        phone=form.phone.data, code=form.code.data,
                                        password=form.password.data)
            except DomainError as error:
                db.session.commit()
                form.form_errors.append(str(error))
            else:
                db.session.commit()
                flash(_("Your password is changed. Sign in with the new one."), "success")
                return redirect(url_for("accounts.login"))
    return render("accounts/reset_password.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_session(db.session, config=current_app.config, token=current_user.get_id())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("web.home"))


@bp.route("/me", methods=["GET", "POST"])
@login_required
def me():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(db.session, user=current_user, display_name=form.display_name.data)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("accounts.me"))
    user = services.load_profile(db.session, user=current_user)
    return render("accounts/me.html", form=form, active_roles=permissions.active_roles(user))


@bp.get("/me/export")
@login_required
def export():
    document = services.export_data(db.session, user=current_user)
    document["ballots"] = voting.export_participations(
        db.session, current_user, BallotKeys.from_secret(current_app.config["SECRET_KEY"]))
    response = current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = "attachment; filename=neighbourhood-my-data.json"
    return response


@bp.route("/me/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(db.session, config=current_app.config, user=current_user,
                                    password=form.password.data)
        except DomainError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your account is deleted. What you wrote stays, shown as a deleted user."), "info")
            return redirect(url_for("web.home"))
    return render("accounts/delete.html", form=form)


def _compound_choices():
    compounds = db.session.scalars(select(Compound).order_by(Compound.community_id, Compound.id))
    return [SelectChoice(c.id, c.name) for c in compounds]


@bp.route("/households/join", methods=["GET", "POST"])
@login_required
def join_household():
    form = JoinHouseholdForm(real_name=current_user.real_name)
    form.compound.choices = _compound_choices()
    if form.validate_on_submit():
        compound = get_or_404(Compound, form.compound.data)
        household = households.find_household(db.session, compound=compound,
                                              building_name=form.building.data,
                                              unit=form.unit.data or "", room=form.room.data)
        if household is None:
            form.form_errors.append(_("We could not find this household. Check the building, unit "
                                      "and room, or ask the station to register it."))
        else:
            try:
                households.request_membership(db.session, user=current_user, household=household,
                                              relation=Relation(form.relation.data),
                                              real_name=form.real_name.data)
            except DomainError as error:
                form.form_errors.append(str(error))
            else:
                db.session.commit()
                flash(_("Request sent. The council or the station will check it soon."), "success")
                return redirect(url_for("accounts.me"))
    return render("accounts/join.html", form=form)


@bp.route("/households/redeem", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_CODE_REDEEM"], methods=["POST"],
               key_func=lambda: f"user:{current_user.get_id()}")
def redeem_code():
    form = RedeemCodeForm(real_name=current_user.real_name)
    if form.validate_on_submit():
        try:
            households.redeem_invitation(db.session, config=current_app.config, user=current_user,
                                         code=form.code.data, relation=Relation(form.relation.data),
                                         real_name=form.real_name.data)
        except DomainError as error:
            db.session.rollback()
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your household is verified. You can now take part."), "success")
            return redirect(url_for("web.home"))
    return render("accounts/redeem.html", form=form)


@bp.post("/memberships/<int:membership_id>/withdraw")
@login_required
def withdraw_membership(membership_id: int):
    membership = get_or_404(HouseholdMembership, membership_id)
    require(permissions.can_withdraw_membership(current_user, membership))
    households.withdraw_membership(db.session, membership=membership, by=current_user)
    db.session.commit()
    flash(_("Done."), "success")
    return redirect(url_for("accounts.me"))


@bp.get("/compounds/<int:compound_id>/memberships")
@login_required
def pending(compound_id: int):
    compound = get_or_404(Compound, compound_id)
    require(permissions.can_review_memberships(current_user, compound))
    return render("accounts/pending.html", compound=compound,
                  memberships=households.pending_memberships(db.session, compound=compound))


def _load_pending(membership_id: int):
    """Load, authorise, and say whether it is still open (two council members may race)."""
    membership = get_or_404(HouseholdMembership, membership_id)
    require(permissions.can_review_memberships(current_user, membership.compound))
    return membership, permissions.can_decide_membership(current_user, membership)


def _after_decision(membership, message: str, category: str = "success"):
    if request.headers.get("HX-Request"):
        return render("accounts/_partials/membership_row.html", membership=membership)
    flash(message, category)
    return redirect(url_for("accounts.pending", compound_id=membership.compound_id))


@bp.post("/memberships/<int:membership_id>/approve")
@login_required
def approve(membership_id: int):
    membership, still_open = _load_pending(membership_id)
    if not still_open:
        return _after_decision(membership, _("This request has already been decided."), "info")
    households.approve_membership(db.session, membership=membership, by=current_user,
                                  minor=request.form.get("minor") == "1")
    db.session.commit()
    return _after_decision(membership, _("Verified."))


@bp.post("/memberships/<int:membership_id>/decline")
@login_required
def decline(membership_id: int):
    membership, still_open = _load_pending(membership_id)
    if not still_open:
        return _after_decision(membership, _("This request has already been decided."), "info")
    form = DeclineForm()
    if form.validate_on_submit():
        households.decline_membership(db.session, membership=membership, by=current_user,
                                      reason=form.reason.data)
        db.session.commit()
        return _after_decision(membership, _("Declined; the resident will see your reason."))
    return render("accounts/pending.html", partial="accounts/_partials/membership_row.html",
                  compound=membership.compound, membership=membership,
                  memberships=households.pending_memberships(db.session, compound=membership.compound),
                  failed_id=membership.id, failed_errors=form.reason.errors,
                  failed_reason=form.reason.data, reason_errors=form.reason.errors,
                  reason=form.reason.data)


@bp.get("/compounds/<int:compound_id>/residents")
@login_required
def residents(compound_id: int):
    compound = get_or_404(Compound, compound_id)
    require(permissions.can_view_personal_details(current_user, compound))
    return render("accounts/residents.html", compound=compound,
                  memberships=households.verified_residents(db.session, compound=compound))


def _user_by_phone(form):
    user = services.find_user_by_phone(db.session, form.phone.data)
    if user is None:
        form.phone.errors.append(_("Nobody has registered with this number yet."))
    return user


@bp.route("/compounds/<int:compound_id>/roles", methods=["GET", "POST"])
@login_required
def compound_roles(compound_id: int):
    compound = get_or_404(Compound, compound_id)
    require(permissions.can_assign_roles(current_user, compound))
    form = AssignRoleForm()
    if form.validate_on_submit() and (user := _user_by_phone(form)) is not None:
        try:
            roles.assign_compound_role(db.session, compound=compound, user=user,
                                       role=Role(form.role.data), term_start=form.term_start.data,
                                       term_end=form.term_end.data, by=current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Role assigned."), "success")
            return redirect(url_for("accounts.compound_roles", compound_id=compound.id))
    return render("accounts/roles.html", compound=compound, form=form,
                  assignments=roles.compound_roles(db.session, compound=compound),
                  end_form=EndRoleForm(formdata=None))


@bp.route("/communities/<int:community_id>/staff", methods=["GET", "POST"])
@login_required
def community_staff(community_id: int):
    community = get_or_404(Community, community_id)
    require(permissions.can_assign_station_staff(current_user, community))
    form = AssignStaffForm()
    if form.validate_on_submit() and (user := _user_by_phone(form)) is not None:
        try:
            roles.assign_station_staff(db.session, community=community, user=user,
                                       term_start=form.term_start.data,
                                       term_end=form.term_end.data, by=current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Role assigned."), "success")
            return redirect(url_for("accounts.community_staff", community_id=community.id))
    return render("accounts/staff.html", community=community, form=form,
                  assignments=roles.community_staff(db.session, community=community),
                  end_form=EndRoleForm(formdata=None))


@bp.post("/roles/<int:assignment_id>/end")
@login_required
def end_role(assignment_id: int):
    assignment = get_or_404(RoleAssignment, assignment_id)
    if assignment.compound is not None:
        require(permissions.can_assign_roles(current_user, assignment.compound))
        back = url_for("accounts.compound_roles", compound_id=assignment.compound_id)
    else:
        require(assignment.community is not None
                and permissions.can_assign_station_staff(current_user, assignment.community))
        back = url_for("accounts.community_staff", community_id=assignment.community_id)
    form = EndRoleForm()
    if not form.validate_on_submit():
        flash(_("Say why the role ends."), "error")
    elif assignment.ended_at is None:
        roles.end_role(db.session, assignment=assignment, by=current_user, reason=form.reason.data)
        db.session.commit()
        flash(_("Role ended."), "success")
    return redirect(back)
