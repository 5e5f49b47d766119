"""Records and certificates: the records page of the compound's council and the station (volunteers, training,
awards, certificate requests, the export for the national system), the volunteer's request, the printable
certificate, and the public check of a certificate number."""
from __future__ import annotations

import re

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from neighbourhood.accounts.models import User
from neighbourhood.accounts.permissions import compounds_of
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db, limiter
from neighbourhood.places.models import Compound
from neighbourhood.volunteering import records
from neighbourhood.volunteering.blueprint import bp
from neighbourhood.volunteering.models import Certificate, CertificateStatus
from neighbourhood.volunteering.permissions import can_keep_records, can_request_certificate, can_see_certificate
from neighbourhood.volunteering.record_forms import (
    AwardForm, CertificateRequestForm, IssueForm, LookupForm, ReasonForm, TrainingForm,
)
from neighbourhood.web.actions import NOT_SAVED, one_click, saved
from neighbourhood.web.display import public_name
from neighbourhood.web.qr import qr_svg
from neighbourhood.web.rendering import chosen_compound, get_or_404, render, require

NUMBER_SHAPE = re.compile(r"^ZY\d{4}-[0-9A-Z]{8}$")
SHOWN = (CertificateStatus.ISSUED, CertificateStatus.REVOKED)


def _compound_from_query() -> Compound:
    compound_id = request.args.get("compound", type=int)
    if compound_id is None:
        abort(404)
    return get_or_404(Compound, compound_id)


def _volunteer_choices(candidates) -> list[tuple[str, str]]:
    return [("", _("Choose…"))] + [
        (str(user.id), f"{number} · {public_name(user)}" + (f" ({user.real_name})" if user.real_name else ""))
        for user, number in candidates]


def records_page(compound: Compound, *, failed: str = "", failed_form=None):
    """The records page, with the form that failed (if any) filled in with its errors."""
    book = records.records_book(db.session, compound)
    choices = _volunteer_choices(book.candidates)
    training_form = failed_form if failed == "training" else TrainingForm(formdata=None)
    award_form = failed_form if failed == "award" else AwardForm(formdata=None)
    for form in (training_form, award_form):
        form.volunteer.choices = choices
    this_year = records.local_date_of(utcnow()).year
    return render("volunteering/records.html", partial="volunteering/_partials/certificate_requests.html",
                  compound=compound, lines=book.lines, training_form=training_form, award_form=award_form,
                  pending=records.pending_requests(db.session, compound),
                  recent=records.recent_certificates(db.session, compound), failed=failed, failed_form=failed_form,
                  years=[this_year, this_year - 1], issue_form=_issue_form, reason_form=_reason_form)


def _issue_form(certificate: Certificate, failed: str, failed_form) -> IssueForm:
    key = f"issue-{certificate.id}"
    return failed_form if failed == key else IssueForm(formdata=None, prefix=key)


def _reason_form(key: str, failed: str, failed_form) -> ReasonForm:
    return failed_form if failed == key else ReasonForm(formdata=None, prefix=key)


def _back_to_records(compound_id: int, message: str):
    """After a form on the records page is saved: say so, and show the page afresh."""
    flash(message, "success")
    return redirect(url_for("volunteering.records", compound=compound_id))


@bp.get("/volunteering/records", endpoint="records")
@login_required
def records_index():
    compound = chosen_compound()
    require(can_keep_records(current_user, compound))
    return records_page(compound)


def _record_form(form, key: str, compound: Compound, act, message: str):
    """A training or an award: the service call and back to the page, or the page with the form and the error."""
    def record() -> None:
        volunteer = db.session.get(User, form.volunteer.data)
        if volunteer is None:
            raise DomainError(_("Choose the volunteer."))
        act(volunteer, form)

    if saved(form, record):
        return _back_to_records(compound.id, message)
    return records_page(compound, failed=key, failed_form=form)


@bp.post("/volunteering/records/training")
@login_required
def record_training():
    compound = _compound_from_query()
    require(can_keep_records(current_user, compound))
    return _record_form(
        TrainingForm(), "training", compound,
        lambda volunteer, form: records.record_training(
            db.session, compound=compound, by=current_user, user=volunteer, title=form.title.data,
            organiser_name=form.organiser_name.data, held_on=form.held_on.data, hours=form.hours.data),
        _("The training is recorded."))


@bp.post("/volunteering/records/awards")
@login_required
def record_award():
    compound = _compound_from_query()
    require(can_keep_records(current_user, compound))
    return _record_form(
        AwardForm(), "award", compound,
        lambda volunteer, form: records.record_award(
            db.session, compound=compound, by=current_user, user=volunteer, title=form.title.data,
            issuer=form.issuer.data, awarded_on=form.awarded_on.data),
        _("The award is recorded."))


@bp.get("/volunteering/records.csv")
@login_required
def export_records():
    compound = _compound_from_query()
    require(can_keep_records(current_user, compound))
    year = request.args.get("year", type=int)
    if year is not None and not 2000 <= year <= 2100:
        abort(404)
    body = records.export_csv(db.session, compound, year)
    name = f"volunteer-records-{compound.id}{'-' + str(year) if year else ''}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})


# --- certificates --------------------------------------------------------------------------------------------------

@bp.post("/me/volunteering/certificates")
@login_required
def request_certificate():
    """The volunteer asks for a certificate from the compound in the form (by default the first they live in)."""
    form = CertificateRequestForm()
    if form.compound.data is not None:
        compound = get_or_404(Compound, form.compound.data)
    else:
        compound = next((c for c in compounds_of(current_user) if can_request_certificate(current_user, c)), None)
    require(compound is not None and can_request_certificate(current_user, compound))
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or str(NOT_SAVED), "error")
        return redirect(url_for("volunteering.me"))
    return one_click(
        lambda: records.request_certificate(db.session, compound=compound, user=current_user,
                                            purpose=form.purpose.data),
        _("Your request is sent. The council will issue the certificate or tell you why not."),
        url_for("volunteering.me"))


def _kept_certificate(certificate_id: int) -> Certificate:
    certificate = get_or_404(Certificate, certificate_id)
    require(can_keep_records(current_user, certificate.compound))
    return certificate


@bp.post("/volunteering/certificates/<int:certificate_id>/issue")
@login_required
def issue_certificate(certificate_id: int):
    certificate = _kept_certificate(certificate_id)
    key = f"issue-{certificate.id}"
    form = IssueForm(prefix=key)
    if saved(form, lambda: records.issue_certificate(
            db.session, certificate=certificate, by=current_user, person_in_charge=form.person_in_charge.data,
            contact=form.contact.data, period_from=form.period_from.data, period_to=form.period_to.data)):
        # The number is given on issuing, so the message is made only now.
        return _back_to_records(certificate.compound_id, _(
            "The certificate %(number)s is issued. The volunteer is told.", number=certificate.number))
    return records_page(db.session.get(Compound, certificate.compound_id), failed=key, failed_form=form)


def _reason_action(certificate: Certificate, key: str, act, message: str):
    form = ReasonForm(prefix=key)
    if saved(form, lambda: act(form.reason.data)):
        return _back_to_records(certificate.compound_id, message)
    return records_page(db.session.get(Compound, certificate.compound_id), failed=key, failed_form=form)


@bp.post("/volunteering/certificates/<int:certificate_id>/decline")
@login_required
def decline_certificate(certificate_id: int):
    certificate = _kept_certificate(certificate_id)
    return _reason_action(
        certificate, f"decline-{certificate.id}",
        lambda reason: records.decline_certificate(db.session, certificate=certificate, by=current_user,
                                                   reason=reason),
        _("The request is declined. The volunteer is told why."))


@bp.post("/volunteering/certificates/<int:certificate_id>/revoke")
@login_required
def revoke_certificate(certificate_id: int):
    certificate = _kept_certificate(certificate_id)
    return _reason_action(
        certificate, f"revoke-{certificate.id}",
        lambda reason: records.revoke_certificate(db.session, certificate=certificate, by=current_user,
                                                  reason=reason),
        _("The certificate is revoked. The public check now says so."))


def _check_url(certificate: Certificate) -> str:
    return url_for("volunteering.verify_certificate", number=certificate.number, _external=True)


@bp.get("/volunteering/certificates/<int:certificate_id>/print")
@login_required
def certificate(certificate_id: int):
    """The printable certificate, with a QR code to the public check (inline SVG: the CSP lets in no image)."""
    shown = get_or_404(Certificate, certificate_id)
    require(can_see_certificate(current_user, shown))
    if shown.status not in SHOWN:
        abort(404)
    url = _check_url(shown)
    qr = qr_svg(url)
    return render("volunteering/certificate.html", certificate=shown, check_url=url, qr=qr,
                  issued_on=records.local_date_of(shown.issued_at))


def _check_limit() -> str:
    return current_app.config["RATELIMIT_CERTIFICATE_CHECK"]


@bp.get("/volunteering/certificates/<number>")
@limiter.limit(_check_limit)
def verify_certificate(number: str):
    """Public: is this a certificate we issued? Only what confirms it is shown, with the holder's name masked."""
    found = records.certificate_by_number(db.session, number)
    if found is None or found.status not in SHOWN:
        return render("volunteering/verify.html", certificate=None, number=number[:40], form=LookupForm(
            formdata=None), status=404)
    return render("volunteering/verify.html", certificate=found, number=found.number,
                  masked_name=records.mask_name(found.holder_name),
                  issued_on=records.local_date_of(found.issued_at),
                  revoked_on=records.local_date_of(found.revoked_at) if found.revoked_at else None,
                  form=LookupForm(formdata=None))


@bp.get("/volunteering/certificates/")
def verify_lookup():
    """Public: type a certificate number (as printed under the QR code) and go to its check."""
    form = LookupForm(request.args)
    if "number" in request.args:
        number = (form.number.data or "").strip().upper()
        if NUMBER_SHAPE.match(number):
            return redirect(url_for("volunteering.verify_certificate", number=number))
        form.number.errors = [_("A certificate number looks like ZY2026-7KQ4M9XT. Please check it and try again.")]
    return render("volunteering/verify.html", certificate=None, number=None, form=form)
