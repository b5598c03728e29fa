"""Content-Security-Policy for a finished HTML page: only the site's own scripts and styles run.

The theme has a few small inline scripts that differ from page to page, so each page gets its
own policy listing the SHA-256 hashes of exactly those scripts; no other inline script (and no
inline event handler) can run, even if one slipped into a page.
"""
from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_EXECUTABLE = re.compile(r"\btype=[\"']?(?!text/javascript|module|application/javascript)", re.I)
_HEAD = re.compile(r"<head[^>]*>", re.I)


def inline_script_hashes(html: str) -> list[str]:
    out = []
    for attrs, body in _INLINE_SCRIPT.findall(html):
        if _EXECUTABLE.search(attrs):  # JSON blocks and the like are data, not scripts
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        out.append(f"'sha256-{digest}'")
    return sorted(set(out))


def policy(html: str) -> str:
    scripts = " ".join(["'self'", *inline_script_hashes(html), "'wasm-unsafe-eval'"])  # Pagefind is WebAssembly
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",  # kept: Material builds some markup from strings (innerHTML), which may carry style attributes
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-src 'none'",
    ])


def add_policy(html: str) -> str:
    """Insert the page's policy as the first element of <head>, before any script."""
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    m = _HEAD.search(html)
    return html[:m.end()] + tag + html[m.end():] if m else html
