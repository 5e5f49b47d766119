"""Limited Markdown for proposal bodies: paragraphs, emphasis, lists, links, headings, quotes. Nothing else.

markdown-it-py parses with only those rules switched on (raw HTML and images off), then nh3 keeps only an
allow-list of tags and attributes, so whatever the parser lets through, the page never carries a script,
an image, an event handler or a javascript: link. Pure: no Flask, no database."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "h2", "h3", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False, "typographer": False})
    md.enable(["heading", "lheading", "list", "blockquote", "emphasis", "link", "newline"])

    def demote_headings(state) -> None:
        """The page's own title is the h1: a body's # becomes h2, and everything deeper h3."""
        for token in state.tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = "h2" if token.tag == "h1" else "h3"

    md.core.ruler.push("demote_headings", demote_headings)
    return md


_MD = _parser()


def render_markdown(source: str | None) -> Markup:
    """Safe HTML for a body typed in limited Markdown."""
    if not source:
        return Markup("")
    html = _MD.render(source)
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                            link_rel=LINK_REL, strip_comments=True))
