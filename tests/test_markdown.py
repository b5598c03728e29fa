import subprocess
import sys

import pytest

from generator.markdown import plain, protect, render_md, render_text


def test_subset_paragraphs_lists_emphasis_links():
    html = render_md("第一段 **重点**\n\n- 甲\n- 乙\n\n[通报](https://www.xa.gov.cn/a)")
    assert "<strong>重点</strong>" in html and "<li>甲</li>" in html
    assert '<a href="https://www.xa.gov.cn/a" rel="noopener noreferrer nofollow">通报</a>' in html


def test_line_breaks_join_chinese_but_keep_spaces_between_words():
    assert "<p>第一行第二行</p>" in render_md("第一行\n第二行")
    assert "<p>word next</p>" in render_md("word\nnext")


def test_no_html_images_headings_or_unsafe_links():
    html = render_md("<b>x</b> ![i](https://e.example/i.png) [j](javascript:alert(1)) [d](data:text/html,x)\n# 标题")
    assert "<b>" not in html and "<img" not in html and "<h1" not in html
    assert 'href="javascript' not in html and 'href="data' not in html


def test_braces_are_inert():
    assert protect("{{ x }}") == "&#123;&#123; x &#125;&#125;"
    assert "{" not in render_md("{{ 7*7 }}") and "{" not in render_text("{% if %}")
    assert render_text("<a>&") == "&lt;a&gt;&amp;"


@pytest.mark.parametrize("md, words", [
    ("见[通知](http://a.gov.cn/x)。", "见通知。"),
    ("[a [b] c](u)", "a [b] c"),  # one level of brackets in the text, as Markdown allows
    ("[维基](https://zh.wikipedia.org/wiki/A_(B))后", "维基后"),  # and of parentheses in the target
    ('[t](http://x "标题")', "t"),
    ("[a](b) [c](d)", "a c"),
    ("[[x]] [a] (b)", "[[x]] [a] (b)"),  # no link: left as written
    ("**重点**与`代码`", "重点与代码"),
])
def test_plain_keeps_the_words(md, words):
    assert plain(md) == words


def test_plain_text_of_hostile_markdown_is_linear():
    """A record may hold 1 MiB of text. Matching links with [^\\]]* scanned from every "[" to the end:
    50,000 "[" took 15 s, and 300,000 would take about 9 minutes, the build stalled on one record.
    Now a failed match stops at the next bracket (under 0.1 s). Run apart, so that a regression
    fails here on the timeout instead of stalling the suite."""
    code = ("from generator.markdown import plain, plain_line\n"
            "for p in ('[', '[a](', '[a](b', '](', '[a [', '(('):\n"
            "    t = p * (300_000 // len(p))\n"
            "    assert plain(t) == t  # no complete link: nothing to take out\n"
            "    plain_line(t)\n"
            # a lookahead after \\s* rescanned a blank run from each of its newlines (20,000: 5.5 s)
            "assert plain_line('a' + '\\n' * 300_000 + 'b \\n \\n中') == 'a b中'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
