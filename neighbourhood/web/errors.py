"""Error pages in the user's language; a database outage is a 503, not a stack trace."""
from flask import Flask, render_template, request
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.exc import OperationalError

from neighbourhood.extensions import db

TITLES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to do this."),
    404: _l("This page does not exist."),
    405: _l("This page does not accept that request."),
    413: _l("The upload is too large."),
    429: _l("Too many attempts. Please wait a while and try again."),
    500: _l("Something went wrong on our side."),
    503: _l("The service is temporarily unavailable. Please try again shortly."),
}


def _page(code: int, detail: str = ""):
    return render_template("web/error.html", code=code, title=TITLES[code], detail=detail), code


def register(app: Flask) -> None:
    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, lambda error, code=code: _page(code))

    @app.errorhandler(429)
    def _rate_limited(error):
        return _page(429, gettext("For your safety we limit how often this can be tried."))

    @app.errorhandler(OperationalError)
    def _database_down(error):
        db.session.rollback()
        app.logger.error("database unavailable at %s: %s", request.path, error)
        return _page(503)
