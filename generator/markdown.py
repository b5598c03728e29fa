"""The small Markdown subset of record text (paragraphs, lists, emphasis, links), rendered safely.

Raw HTML is never passed through (the checker already refuses it, E401); link targets are
limited to http(s), mailto and in-page anchors; images are not supported (nothing is loaded
from other hosts). Braces are written as entities so no template engine downstream can ever
evaluate record text.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_SAFE_LINK = re.compile(r"^(?:https?://|mailto:|#)", re.I)
_CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")


def _make() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(["list", "emphasis", "link", "autolink", "escape", "entity", "newline"])  # the subset of the spec
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]  # markdown-it's documented override

    def softbreak(self, tokens, idx, options, env):
        # A line break inside a paragraph: next to Chinese it joins without a space (a space would
        # show between characters); between Latin words it stays a space.
        before = tokens[idx - 1].content[-1:] if idx > 0 else ""
        after = tokens[idx + 1].content[:1] if idx + 1 < len(tokens) else ""
        return "" if _CJK.match(before) or _CJK.match(after) else " "

    def link_open(self, tokens, idx, options, env):
        tok = tokens[idx]
        if (tok.attrGet("href") or "").lower().startswith("http"):
            tok.attrSet("rel", "noopener noreferrer nofollow")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("softbreak", softbreak)
    md.add_render_rule("link_open", link_open)
    return md


_md = _make()


def protect(html: str) -> str:
    """Make braces inert for Jinja, mkdocs-macros or any other template pass."""
    return html.replace("{", "&#123;").replace("}", "&#125;")


# Neither part may run over a bracket of its own kind, so a failed match stops at the next one: with
# [^\]]* a line of 50,000 "[" took 15 s (every "[" scanned to the end), and a record may hold 1 MiB.
# Text and target may hold one level of balanced brackets, as Markdown allows ([a [b] c](…/a_(b))).
_MD_LINK = re.compile(r"\[([^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*)\]\([^()]*(?:\([^()]*\)[^()]*)*\)")
_MD_MARK = re.compile(r"[*_`>#]+")


def plain(md: str) -> str:
    """The words of record Markdown without its marks (links keep their text): for search text
    and page descriptions."""
    return _MD_MARK.sub("", _MD_LINK.sub(r"\1", md))


# A line break with the spaces around it, matched once per run of them: a lookahead after \s* made
# every newline of a long blank run rescan the rest of it (20,000 blank lines took 5.5 s).
_BREAK = re.compile(r"(?<![ \t])[ \t]*\n\s*")


def _join_break(m: re.Match[str]) -> str:
    """A line break next to Chinese joins without a space, as on the page (softbreak above)."""
    text, start, end = m.string, m.start(), m.end()
    return "" if (start and text[start - 1] > "\x7f") or (end < len(text) and text[end] > "\x7f") else " "


def plain_line(md: str) -> str:
    """Record Markdown as one line of words (descriptions, feed summaries): marks dropped, line
    breaks joined as the page joins them, runs of spaces made one."""
    return " ".join(_BREAK.sub(_join_break, plain(md).strip()).split())


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, "…" marking a cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def render_md(text: str) -> Markup:
    return Markup(protect(_md.render(text)).strip())


def render_text(text: str) -> Markup:
    """Plain text, escaped, braces made inert."""
    return Markup(protect(str(escape(text))))
