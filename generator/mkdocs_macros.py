"""mkdocs-macros pluglet: figures and case lists for the hand-written pages in content/.

Macros only ever output text that the renderer already escaped; record text is never fed to
Jinja as a template.
"""
from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from .index import facet_counts
from .markdown import render_text
from .render import Site, rel

SITE: Site | None = None  # set by the portal plugin before pages are rendered


def _site() -> Site:
    if SITE is None:
        raise RuntimeError("portal 插件必须在 macros 插件之前启用（见 mkdocs.yml 的 plugins）")
    return SITE


def define_env(env: Any) -> None:
    def here() -> str:
        return env.page.url if env.page is not None else ""

    @env.macro
    def latest_cases(n: int = 5) -> Markup:
        """最新公开的 n 件案例。"""
        return _site().items_html(_site().cases[:n], here())

    @env.macro
    def typical_cases(batches: int = 1) -> Markup:
        """最新的典型案例批次。"""
        out = []
        for name, cases in _site().typical_batches[:batches]:
            out.append(f"<p class=\"portal-batch-name\"><strong>{render_text(name)}</strong>（{len(cases)} 件）</p>")
            out.append(_site().items_html(sorted(cases, key=lambda c: c.id), here()))
        return Markup("\n".join(out))

    @env.macro
    def circumstance_list() -> Markup:
        """容错情形目录，每项带依据、说明和案例数。"""
        rows = []
        for v in _site().facet("circumstance").values:
            link = rel(here(), v.url)
            rows.append(
                f"<div class=\"portal-circ\"><h2 id=\"{v.slug}\"><a href=\"{link}\">{render_text(v.title)}</a></h2>"
                f"<p>{render_text(v.detail['说明'])}</p><p class=\"portal-meta\">依据：{render_text(v.detail['依据'])}"
                f" · 已公开案例 <a href=\"{link}\">{v.count} 件</a></p></div>")
        return Markup("<div class=\"portal-circs\">\n" + "\n".join(rows) + "\n</div>")

    @env.macro
    def search_facets() -> Markup:
        """检索页的筛选项和全部公开案例的计数（JSON 数据块，不是脚本）。"""
        data = json.dumps(facet_counts(_site()), ensure_ascii=False, sort_keys=True)
        # record text (typical batch names) inside <script>: </script> and the like must stay inert
        data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return Markup(f'<script type="application/json" id="portal-facet-counts">{data}</script>')

    @env.macro
    def link_to(url: str) -> str:
        """站内链接（相对当前页面）。"""
        return rel(here(), url)
