"""The two shapes every POST view takes: a one-click action (done or refused, then back), and a form whose service
call either commits or leaves its errors on the form for the page to show again, filled in."""
from __future__ import annotations

from typing import Callable

from flask import flash, redirect
from flask_babel import lazy_gettext as _l

from neighbourhood.db import DomainError
from neighbourhood.extensions import db

NOT_SAVED = _l("Nothing was saved. Please correct the marked fields.")


def one_click(act: Callable[[], object], message: str, back: str):
    """Run the service call and commit with `message`, or roll back with the reason it was refused (another tab got
    there first, a rule said no); either way go `back`."""
    try:
        act()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(back)


def saved(form, act: Callable[[], object]) -> bool:
    """Validate `form` and run the service call: True once committed. Otherwise nothing is kept, and the form carries
    why (the service's refusal, or "nothing was saved" beside the fields' own errors) for the page to show again."""
    if form.validate_on_submit():
        try:
            act()
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            return True
    elif not form.form_errors:
        form.form_errors.append(str(NOT_SAVED))
    return False
