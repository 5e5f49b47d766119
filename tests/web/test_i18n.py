"""Every message the code can show has a Chinese translation and is in the English catalogue."""
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def source_messages() -> set[str]:
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for folder in ("neighbourhood", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map, options_map, keywords=KEYWORDS,
                # Babel skips _underscore folders by default, and our htmx partials live in _partials.
                directory_filter=lambda path: not Path(path).name.startswith((".", "__"))):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(language: str):
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_catalogue_holds_every_message_in_the_code(language):
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(language) if m.id}
    missing = sorted(source_messages() - known)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"


def test_every_message_has_a_chinese_translation():
    zh = catalogue("zh_Hans")
    def translated(message) -> bool:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        return all(forms) and not message.fuzzy

    untranslated = [m.id for m in zh if m.id and not translated(m)]
    assert not untranslated, f"translate into zh_Hans: {untranslated[:10]}"
    problems = [(m.id, str(error)) for m in zh if m.id for error in m.check(zh)]
    assert not problems, problems[:5]


def test_chinese_is_the_default_and_english_follows_the_browser(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page and "登录" in page
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in" in english
    chinese = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert "登录" in chinese.get_data(as_text=True)


def test_footer_switch_is_remembered_in_a_cookie(client):
    response = client.get("/language/en?next=/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en") and "HttpOnly" in cookie
    page = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Sign in" in page
    client.get("/language/zh_Hans")
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_language_switch_refuses_other_sites(client):
    response = client.get("/language/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"
    assert client.get("/language/fr").status_code == 404


def test_error_pages_speak_the_users_language(client):
    assert "不存在" in client.get("/no-such-page").get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "does not exist" in client.get("/no-such-page").get_data(as_text=True)
