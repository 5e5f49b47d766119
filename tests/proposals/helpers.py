"""Reading proposal pages as a resident would."""
import html

from tests.accounts.helpers import text


def shown(response) -> str:
    """The page's HTML with entities decoded (council&#39;s → council's)."""
    return html.unescape(text(response))
