"""Small helpers for driving account forms and reading the pages that come back."""
from __future__ import annotations

import re
from contextlib import contextmanager
from html.parser import HTMLParser

import flask_babel

from tests import factories
from tests.conftest import last_code

PHONE = "13912345678"
GOOD_PASSWORD = "yulin-lamp-2026"


def english(client):
    """Messages are asserted in English: the Chinese catalogue is someone else's moving target."""
    client.set_cookie("lang", "en")
    return client


@contextmanager
def request_in(app, language: str | None = None):
    """A request context in `language` (None: the default), for calling code that translates."""
    headers = {"Cookie": f"lang={language}"} if language else {}
    with app.test_request_context(headers=headers):
        flask_babel.refresh()  # the test's app context may still hold an earlier request's language
        try:
            yield
        finally:
            flask_babel.refresh()


def text(response) -> str:
    return response.get_data(as_text=True)


class Page(HTMLParser):
    """What a user sees in a form: field values, chosen options, element ids, classes, form errors."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str | None] = {}
        self.ids: set[str] = set()
        self.classes: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        self.classes.update((a.get("class") or "").split())
        name = a.get("name")
        if tag == "input" and name:
            if a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    self.values[name] = a.get("value")
                else:
                    self.values.setdefault(name, None)
            else:
                self.values[name] = a.get("value")
        elif tag == "select":
            self._select = name
            self.values.setdefault(name, None)
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def page(response) -> Page:
    return Page(text(response))


def form_errors(response) -> str:
    """The text of the form-level error box, or '' when there is none."""
    found = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', text(response), re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip() if found else ""


def csrf_token(client, path: str) -> str:
    """The token a page carries, as its forms and htmx (hx-headers on <body>) send it."""
    token = Page(text(client.get(path))).values.get("csrf_token")
    assert token, f"{path} carries no CSRF token"
    return token


def send_code(client, path="/register", phone=PHONE):
    return client.post(path, data={"phone": phone, "send_code": "1"})


def register(client, outbox, *, phone=PHONE, password=GOOD_PASSWORD, display_name="王女士", code=None,
             send=True):
    if send:
        send_code(client, phone=phone)
    data = {"phone": phone, "code": code if code is not None else last_code(outbox, phone),
            "display_name": display_name, "password": password, "submit": "1"}
    return client.post("/register", data=data)


def password_sign_in(client, phone, password=factories.PASSWORD, next_=None):
    path = "/login" if next_ is None else f"/login?next={next_}"
    return client.post(path, data={"phone": phone, "password": password})


def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
