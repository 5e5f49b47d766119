"""Proposals (问计): list, propose, edit, withdraw, support, and comments."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from neighbourhood.accounts.permissions import can_take_part, compounds_of
from neighbourhood.db import DomainError
from neighbourhood.extensions import db, htmx
from neighbourhood.media import services as media
from neighbourhood.moderation.content import kind_of
from neighbourhood.needs.categories import CATEGORY_LABELS, category_label
from neighbourhood.places.models import Compound
from neighbourhood.projects import services as projects
from neighbourhood.proposals import labels, permissions, services
from neighbourhood.proposals.forms import CommentForm, ProposalForm, WithdrawForm
from neighbourhood.proposals.markdown import render_markdown
from neighbourhood.proposals.models import Comment, Proposal
from neighbourhood.web.rendering import chosen_compound, get_or_404, render, require
from neighbourhood.voting import services as voting

bp = Blueprint("proposals", __name__)


@bp.app_template_filter("markdown")
def _markdown_filter(source):
    return render_markdown(source)


@bp.app_template_filter("yuan")
def _yuan_filter(value):
    return labels.yuan(value)


@bp.app_context_processor
def _proposal_labels():
    return {"proposal_status_label": labels.status_label, "proposal_next_step": labels.next_step,
            "category_label": category_label}


def _arg_int(name: str, default: int = 1) -> int:
    value = request.args.get(name, type=int)
    return value if value is not None and value > 0 else default


# --- list ------------------------------------------------------------------------------------------------

@bp.get("/proposals/")
@login_required
def index():
    compound = chosen_compound()
    filters = {
        "stage": request.args.get("stage") if request.args.get("stage") in services.STAGES else "",
        "category": request.args.get("category") if request.args.get("category") in CATEGORY_LABELS else "",
        "sort": request.args.get("sort") if request.args.get("sort") in services.SORTS else "newest",
        "q": (request.args.get("q") or "").strip()[:50],
    }
    if compound is None:
        return render("proposals/index.html", compound=None, compounds=[], filters=filters, page=None)
    page = services.list_proposals(db.session, compound=compound, viewer=current_user,
                                   stage=filters["stage"], category=filters["category"], sort=filters["sort"],
                                   q=filters["q"], page=_arg_int("page"))
    return render("proposals/index.html", partial="proposals/_partials/page.html", compound=compound,
                  compounds=compounds_of(current_user), filters=filters, page=page,
                  threshold=services.support_threshold(db.session, compound),
                  page_args={k: v for k, v in filters.items() if v and not (k == "sort" and v == "newest")},
                  stage_labels=labels.STAGE_LABELS, sort_labels=labels.SORT_LABELS,
                  categories=CATEGORY_LABELS)


# --- propose and edit --------------------------------------------------------------------------------------

@bp.route("/proposals/new", methods=["GET", "POST"])
@login_required
def new():
    compound = chosen_compound(taking_part=True)
    require(permissions.can_propose(current_user, compound))
    form = ProposalForm()
    if form.validate_on_submit():
        try:
            proposal = services.propose(db.session, compound=compound, author=current_user,
                                        title=form.title.data, body=form.body.data, category=form.category.data,
                                        estimated_cost=form.estimated_cost.data)
            media.save_photos(db.session, config=current_app.config, files=request.files.getlist("photos"),
                              subject_type="proposal", subject_id=proposal.id, compound_id=compound.id,
                              uploader=current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your proposal is published. Neighbours can support it now."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return render("proposals/form.html", form=form, compound=compound, proposal=None, photos=[])


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    require(permissions.can_edit_proposal(current_user, proposal))
    photos = media.photos_for(db.session, "proposal", [proposal.id])[proposal.id]
    form = ProposalForm(obj=proposal)
    form.submit.label.text = _("Save changes")
    if form.validate_on_submit():
        try:
            services.edit_proposal(db.session, proposal=proposal, by=current_user, title=form.title.data,
                                   body=form.body.data, category=form.category.data,
                                   estimated_cost=form.estimated_cost.data)
            media.save_photos(db.session, config=current_app.config, files=request.files.getlist("photos"),
                              subject_type="proposal", subject_id=proposal.id,
                              compound_id=proposal.compound_id, uploader=current_user, already=len(photos))
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return render("proposals/form.html", form=form, compound=proposal.compound, proposal=proposal, photos=photos)


@bp.post("/proposals/<int:proposal_id>/withdraw")
@login_required
def withdraw(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    require(permissions.can_withdraw_proposal(current_user, proposal))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw_proposal(db.session, proposal=proposal, by=current_user, reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            form.reason.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your proposal is withdrawn. Supporters can read your reason on its page."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return _detail_page(proposal, withdraw_form=form)


# --- detail ------------------------------------------------------------------------------------------------

@bp.get("/proposals/<int:proposal_id>")
@login_required
def detail(proposal_id: int):
    proposal = services.load_proposal(db.session, proposal_id)
    if proposal is None:
        abort(404)
    if request.args.get("comments") and htmx and not htmx.history_restore_request:
        context = _thread_context(proposal, page=_arg_int("comments"))
        return render("comments/_partials/page.html", **context)
    return _detail_page(proposal)


def _thread_context(proposal: Proposal, *, page: int = 1, comment_form=None, reply_to: int | None = None,
                    thread=None) -> dict:
    """What the comment partials need (see templates/comments/_partials/thread.html)."""
    thread = thread or services.comment_thread(db.session, subject_type="proposal", subject_id=proposal.id,
                                               page=page)
    return {
        "thread": thread, "subject_type": "proposal", "subject_id": proposal.id, "subject": proposal,
        "compound": proposal.compound,
        "thread_url": url_for("proposals.detail", proposal_id=proposal.id),
        "post_url": url_for("proposals.comment", proposal_id=proposal.id),
        "can_comment": permissions.can_comment_on(current_user, proposal.compound, proposal),
        "comment_form": comment_form if reply_to is None else None,
        "reply_form": comment_form if reply_to is not None else None, "reply_to": reply_to,
    }


def _detail_page(proposal: Proposal, *, withdraw_form=None, comment_form=None, reply_to=None):
    page = _arg_int("comments")
    thread = services.comment_thread(db.session, subject_type="proposal", subject_id=proposal.id, page=page,
                                     preload_users=[proposal.author_id, current_user.id])
    if reply_to is not None and reply_to not in thread.replies:
        # A failed reply to a reply shows under its top comment; one to a comment not on this page, on top.
        reply_to = next((top for top, replies in thread.replies.items() if any(r.id == reply_to for r in replies)),
                        None)
    return render(
        "proposals/detail.html", proposal=proposal,
        photos=media.photos_for(db.session, "proposal", [proposal.id])[proposal.id],
        # A settled proposal's supports are history: no threshold to reach (and no query for it).
        threshold=None if proposal.is_settled else services.support_threshold(db.session, proposal.compound),
        supported=proposal.id in services.supports(db.session, [proposal.id], current_user),
        withdraw_form=withdraw_form or WithdrawForm(formdata=None),
        ballot=voting.ballot_for_proposal(db.session, proposal),
        project=projects.project_for_proposal(db.session, proposal),
        **_thread_context(proposal, comment_form=comment_form, reply_to=reply_to, thread=thread),
    )


# --- supports ----------------------------------------------------------------------------------------------

def _after_support(proposal: Proposal, message: str, category: str):
    if htmx:
        return render("proposals/_partials/support.html", proposal=proposal, message=message,
                      threshold=services.support_threshold(db.session, proposal.compound),
                      supported=proposal.id in services.supports(db.session, [proposal.id], current_user))
    flash(message, category)
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#support")


@bp.post("/proposals/<int:proposal_id>/support")
@login_required
def support(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    require(permissions.is_eligible_supporter(current_user, proposal))
    try:
        counted = services.support(db.session, proposal=proposal, user=current_user)
    except DomainError as error:
        db.session.rollback()
        db.session.refresh(proposal)
        return _after_support(proposal, str(error), "error")
    db.session.commit()
    return _after_support(proposal, _("Thank you: your support is counted.") if counted
                          else _("You already support this proposal."), "success")


@bp.post("/proposals/<int:proposal_id>/support/withdraw")
@login_required
def unsupport(proposal_id: int):
    proposal = get_or_404(Proposal, proposal_id)
    require(permissions.is_eligible_supporter(current_user, proposal))
    try:
        taken_back = services.withdraw_support(db.session, proposal=proposal, user=current_user)
    except DomainError as error:
        db.session.rollback()
        db.session.refresh(proposal)
        return _after_support(proposal, str(error), "error")
    db.session.commit()
    return _after_support(proposal, _("Your support is taken back.") if taken_back
                          else _("You were not supporting this proposal."), "success")


# --- comments ----------------------------------------------------------------------------------------------

def _parent_id(form: CommentForm) -> int | None:
    try:
        return int(form.parent_id.data) if form.parent_id.data else None
    except ValueError:
        return None


@bp.post("/proposals/<int:proposal_id>/comments")
@login_required
def comment(proposal_id: int):
    proposal = services.load_proposal(db.session, proposal_id)
    if proposal is None:
        abort(404)
    require(can_take_part(current_user, proposal.compound))
    form = CommentForm()
    parent_id = _parent_id(form)
    if proposal.is_hidden:
        form.body.errors = [*form.body.errors, _("This proposal is hidden by moderation; it takes no comments.")]
    elif form.validate_on_submit():
        try:
            posted = services.add_comment(
                db.session, subject_type="proposal", subject_id=proposal.id, compound=proposal.compound,
                author=current_user, body=form.body.data, parent_id=parent_id, subject_title=proposal.title,
                subject_url=url_for("proposals.detail", proposal_id=proposal.id))
        except DomainError as error:
            db.session.rollback()
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            if htmx:
                return render("comments/_partials/posted.html", comment=posted, form_parent_id=parent_id,
                              **_thread_context(proposal, thread=services.Thread([], {}, 1, False, 0)))
            flash(_("Your comment is posted."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id) + f"#comment-{posted.id}")
    if htmx:
        return render("comments/_partials/form.html", form=form, form_parent_id=parent_id,
                      post_url=url_for("proposals.comment", proposal_id=proposal.id))
    return _detail_page(proposal, comment_form=form, reply_to=parent_id)


def _subject_url(comment: Comment) -> str:
    entry = kind_of(comment.subject_type)
    subject = db.session.get(entry.model, comment.subject_id)
    return entry.url(subject) if subject is not None else url_for("web.home")


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    comment = get_or_404(Comment, comment_id)
    compound = db.session.get(Compound, comment.compound_id)
    require(permissions.is_comment_author(current_user, comment) and not comment.is_hidden
            and can_take_part(current_user, compound))
    back = f"{_subject_url(comment)}#comment-{comment.id}"
    if not permissions.comment_edit_open(comment):
        flash(_("Comments can be changed only in the first 15 minutes after posting. "
                "Add a new comment instead."), "error")
        return redirect(back)
    form = CommentForm(obj=comment)
    form.submit.label.text = _("Save changes")
    if form.validate_on_submit():
        try:
            services.edit_comment(db.session, comment=comment, by=current_user, body=form.body.data)
        except DomainError as error:
            db.session.rollback()
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Your comment is changed."), "success")
            return redirect(back)
    return render("comments/edit.html", form=form, comment=comment, back=back)
