from generator.markdown import protect, render_md, render_text


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
