"""The guard itself: a browser problem the fixtures do not notice would let every flow pass blind."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _caught(browsing, fragment: str) -> None:
    page = browsing.contexts[0].pages[0]
    page.wait_for_timeout(100)  # let late console and binding events arrive
    with pytest.raises(AssertionError, match=fragment):
        browsing.assert_clean()
    browsing.problems.clear()


def test_the_guard_catches_console_page_csp_and_http_errors(browsing, page, live):
    page.goto("/")
    page.evaluate("console.error('something broke')")
    _caught(browsing, "something broke")

    page.evaluate("setTimeout(() => { throw new Error('uncaught boom') })")
    _caught(browsing, "uncaught boom")

    page.evaluate("""() => {
      const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s);
    }""")
    _caught(browsing, "CSP violation: script-src")

    page.goto("/no-such-page")
    _caught(browsing, "HTTP 404")
