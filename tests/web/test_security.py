"""Headers, CSP without unsafe-inline, health check, database outage."""
import re

from sqlalchemy.exc import OperationalError

from tests.conftest import make_app


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script_or_style(world, client_as):
    for role, path in [("anonymous", "/"), ("anonymous", "/register"), ("resident", "/"),
                       ("resident", "/me"), ("council", f"/compounds/{world.compound.id}/memberships")]:
        page = client_as(role).get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert "<style" not in page and " style=" not in page and " onclick=" not in page, path
        assert '<meta charset="utf-8">' in page
        assert 'rel="icon"' in page


def test_htmx_is_served_from_static_and_configured_for_csp(client):
    page = client.get("/").get_data(as_text=True)
    assert '<script src="/static/js/htmx.min.js" defer>' in page
    assert '"includeIndicatorStyles":false' in page and '"allowEval":false' in page
    script = client.get("/static/js/htmx.min.js")
    assert script.status_code == 200
    script.close()
    assert "X-CSRFToken" in page  # hx-headers on <body> carries the CSRF token


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    response.close()


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok"}


def test_healthz_names_the_failure_when_the_database_is_unreachable():
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    with app.app_context():
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        body = response.get_json()
        assert body["status"] == "error" and body["db"].startswith("unreachable")
        from neighbourhood.extensions import db
        db.engine.dispose()


def test_pages_give_a_clear_503_when_the_database_is_down():
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/nowhere",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    with app.app_context():
        response = app.test_client().post("/login", data={"phone": "13800000001", "password": "x" * 10})
        assert response.status_code == 503
        assert "暂时" in response.get_data(as_text=True)
        from neighbourhood.extensions import db
        db.engine.dispose()


def test_operational_error_is_not_swallowed_in_services(app):
    # The 503 handler is registered for the exception class the driver raises.
    assert OperationalError in app.error_handler_spec[None][None]


def test_oversized_requests_are_refused_before_they_are_read(world, client_as):
    client = client_as("station")
    client.set_cookie("lang", "en")
    response = client.post(f"/station/compounds/{world.compound.id}/import",
                           data=b"x" * (25 * 1024 * 1024), content_type="application/octet-stream")
    assert response.status_code == 413
    assert "The upload is too large." in response.get_data(as_text=True)
