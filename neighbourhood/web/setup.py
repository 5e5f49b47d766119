"""Binds extensions, blueprints, template globals and security headers to an app."""
from __future__ import annotations

import importlib
import importlib.util

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from neighbourhood.config import PROJECT_ROOT
from neighbourhood.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate, talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def init_app(app: Flask) -> None:
    from neighbourhood.accounts.sms import make_sender
    from neighbourhood.web import i18n, sessions

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    htmx.init_app(app)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["TALISMAN_FORCE_HTTPS"],
        session_cookie_secure=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "microphone": "()", "camera": "(self)"},
    )
    app.session_interface = sessions.HttpsAwareSessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in first.")
    login_manager.login_message_category = "info"
    app.extensions["sms_sender"] = make_sender(app.config["SMS_BACKEND"])

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _register_blueprints(app)
    _register_template_helpers(app)
    _register_commands(app)

    from neighbourhood.web import errors

    errors.register(app)

    @app.after_request
    def _vary_on_htmx(response):
        if request.headers.get("HX-Request"):
            response.vary.add("HX-Request")
        return response


# Each domain package has views.py with `bp`; those with permissions.py export PREDICATES for templates.
DOMAINS = ("web", "accounts", "places", "audit", "media", "notifications", "moderation", "needs",
           "proposals", "council", "station", "voting", "projects", "disclosure", "volunteering", "enterprises")


def _register_blueprints(app: Flask) -> None:
    for domain in DOMAINS:
        app.register_blueprint(importlib.import_module(f"neighbourhood.{domain}.views").bp)


def _register_template_helpers(app: Flask) -> None:
    from neighbourhood.accounts import roles
    from neighbourhood.web import display, i18n

    for domain in DOMAINS:
        module = f"neighbourhood.{domain}.permissions"
        if importlib.util.find_spec(module) is not None:
            app.jinja_env.globals.update(importlib.import_module(module).PREDICATES)
    app.jinja_env.globals.update(
        csrf_token=generate_csrf,
        current_locale=i18n.current_language,
        LANGUAGES=i18n.LANGUAGE_NAMES,
        public_name=display.public_name,
        relation_label=display.relation_label,
        end_reason_label=roles.end_reason_label,
    )
    app.jinja_env.filters.update(
        local_datetime=display.local_datetime,
        local_date=display.local_date,
        area=display.area,
    )
    app.jinja_env.add_extension("jinja2.ext.do")


def _register_commands(app: Flask) -> None:
    from neighbourhood.audit.cli import audit_cli
    from neighbourhood.demo import seed_demo_command

    app.cli.add_command(audit_cli)
    app.cli.add_command(seed_demo_command)
