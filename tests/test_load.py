from pathlib import Path

from generator.load import Document, MAX_BYTES, load_file, parse_bytes, to_data


def parse(text: str | bytes, top: str = "map") -> Document:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_bytes(Document("t.yaml"), raw, top)


def codes(doc: Document) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in doc.diagnostics]


def test_positions_of_keys_and_values():
    doc = parse("a: 1\nb:\n  c: [x, y]\n  d: |\n    one\n    two\n")
    assert doc.ok
    b = doc.root.get("b")
    assert (doc.root.key_node("b").line, doc.root.key_node("b").col) == (2, 1)
    c = b.get("c")
    assert (c.value[1].line, c.value[1].col) == (3, 10)
    d = b.get("d")
    assert doc.locate(d, "two") == (6, 5)
    assert to_data(doc.root) == {"a": 1, "b": {"c": ["x", "y"], "d": "one\ntwo\n"}}


def test_scalars_resolve_like_safe_load():
    doc = parse("y: 2021\nm: 2021-05\nd: 2021-05-03\nq: '2021'\nb: true\nn: ~\n")
    import datetime as dt
    assert doc.data == {"y": 2021, "m": "2021-05", "d": dt.date(2021, 5, 3), "q": "2021", "b": True}


def test_bom_is_tolerated():
    doc = parse("\ufeffa: 1\n".encode("utf-8"))
    assert doc.ok and doc.data == {"a": 1}


def test_not_utf8_reports_line():
    doc = parse("a: 1\nb: 中文\n".encode("gbk"))
    assert codes(doc) == [("E001", 2)]
    # in the names Windows editors give these encodings, which staff know
    assert "看起来是 GBK，Windows 中文版记事本中叫 “ANSI”" in doc.diagnostics[0].message
    doc = parse("a: 1\nb: 中文\n".encode("utf-16"))
    assert codes(doc) == [("E001", 1)] and "是 UTF-16，记事本中叫 “Unicode”" in doc.diagnostics[0].message
    doc = parse(b"a: \x80\xff\n")  # neither: no guess
    assert codes(doc) == [("E001", 1)] and "（" not in doc.diagnostics[0].message.split("：")[0]


def test_anchor_alias_tags_duplicates_documents():
    doc = parse("a: &x 1\nb: *x\nc: !!python/name:os.system x\nd: !foo y\na: 2\n---\ne: 1\n")
    assert sorted(codes(doc)) == [("E003", 1), ("E003", 2), ("E003", 3), ("E003", 4), ("E003", 6), ("E004", 5)]


def test_alias_is_kept_literally_not_resolved():
    doc = parse("a: &x secret\nb: *x\n")
    assert doc.data["b"] == "*x"


def test_standard_tags_are_allowed():
    doc = parse("a: !!str 2021\nb: !!int '3'\n")
    assert doc.ok and doc.data == {"a": "2021", "b": 3}


def test_standard_tag_on_a_value_it_does_not_fit_keeps_the_text():
    # PyYAML's own constructors raise KeyError, AttributeError or IndexError on these (a traceback)
    doc = parse("a: !!bool 2016-02\nb: !!timestamp 5-11\nc: !!int ''\nd: !!float 程序\ne: !!int 0x\n")
    assert doc.ok and doc.data == {"a": "2016-02", "b": "5-11", "c": "", "d": "程序", "e": "0x"}


def test_empty_and_non_mapping():
    assert codes(parse("")) == [("E005", 1)]
    assert codes(parse("# only a comment\n")) == [("E005", 1)]
    assert codes(parse("- a\n- b\n")) == [("E005", 1)]
    assert codes(parse("just text\n")) == [("E005", 1)]
    assert parse("- a\n", top="seq").ok


def test_syntax_error_line():
    doc = parse("a: 1\nb: [1, 2\nc: 3\n")
    assert [c for c, _ in codes(doc)] == ["E002"]


def test_control_character_is_reported_not_raised():
    doc = parse("a: \x07bell\n")
    assert [c for c, _ in codes(doc)] == ["E002"]


def test_nesting_bomb_is_refused():
    doc = parse("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "E003" in [c for c, _ in codes(doc)]


def test_size_limit(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: '" + b"x" * MAX_BYTES + b"'\n")
    assert codes(load_file(big)) == [("E003", 1)]


def test_unreadable_and_symlink_outside(tmp_path: Path):
    assert codes(load_file(tmp_path / "missing.yaml")) == [("E001", 1)]
    inside = tmp_path / "cases"
    inside.mkdir()
    outside = tmp_path / "secret.yaml"
    outside.write_text("a: 1\n")
    (inside / "link.yaml").symlink_to(outside)
    assert codes(load_file(inside / "link.yaml", confine_to=inside)) == [("E001", 1)]


def test_files_that_are_not_plain_files_are_refused_not_read(tmp_path: Path):
    import os

    cases = tmp_path / "cases"
    cases.mkdir()
    os.mkfifo(cases / "pipe.yaml")  # reading a named pipe with no writer blocks forever
    (cases / "loop.yaml").symlink_to("loop.yaml")  # Path.resolve raised RuntimeError on it
    (cases / "dangling.yaml").symlink_to("nowhere.yaml")
    for name, says in [("pipe.yaml", "不是普通文件"), ("loop.yaml", "符号链接形成了循环"), ("dangling.yaml", "它是符号链接，指向的文件不存在")]:
        doc = load_file(cases / name, confine_to=cases)
        assert codes(doc) == [("E001", 1)] and says in doc.diagnostics[0].message, (name, doc.diagnostics)
    # /dev/zero never ends: refused before reading, not read until memory runs out
    assert codes(load_file(Path("/dev/zero"))) == [("E001", 1)]


def test_billion_laughs_is_refused_without_expanding(tmp_path: Path):
    lines = ['a0: &a0 "哈哈哈哈哈哈哈哈哈哈"'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    doc = parse("\n".join(lines) + "\n")
    assert {c for c, _ in codes(doc)} == {"E003"}
    # aliases stay the literal text "*a8": ten of them, not 10**9 strings
    assert len(repr(to_data(doc.root))) < 2000


def test_odd_file_names_are_predictable(tmp_path: Path):
    from generator.load import iter_record_files

    names = ["XA-2024-001.yaml", "XA 2024 002.yaml", "案例三.yml", "XA-2024-004.YAML", ".XA-2024-005.yaml",
             "XA-2024-006.yaml~", "说明.txt", ".git/XA-2024-007.yaml", "2024/子目录/XA-2024-008.yaml"]
    for n in names:
        (tmp_path / n).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / n).write_text("a: 1\n", encoding="utf-8")
    found = [str(p.relative_to(tmp_path)) for p in iter_record_files(tmp_path)]
    # spaces and Chinese are records (their id check then says how to rename them); hidden files,
    # hidden folders, backups and other extensions are not; upper-case extensions are
    assert sorted(found) == ["2024/子目录/XA-2024-008.yaml", "XA 2024 002.yaml", "XA-2024-001.yaml", "XA-2024-004.YAML",
                     "案例三.yml"]


def test_direction_controls_are_reported_where_they_are():
    # an ID number written backwards inside a right-to-left override shows the right way round on
    # the page while the privacy check reads the reversed digits
    doc = parse("a: 1\nb: 号码 \u202eX20013219491501011\u202c 已核实\nc: \u200e2024\u200e\n")
    got = [(d.code, d.line, d.column) for d in doc.diagnostics]
    assert got == [("E002", 2, 7), ("E002", 3, 4)]
    assert "U+202E（从右到左覆盖）、U+202C（方向格式结束）" in doc.diagnostics[0].message
    assert "共 2 个" in doc.diagnostics[1].message
    # parsing goes on: the rest of the file is still read and checked
    assert doc.data == {"a": 1, "b": "号码 \u202eX20013219491501011\u202c 已核实", "c": "\u200e2024\u200e"}


def test_other_invisible_characters_are_not_direction_controls():
    # zero-width spaces and joiners cannot reorder text; the privacy check reads through them
    assert parse("a: 加装\u200b电梯\u200d\ufeff\n").ok


def test_locate_in_order_goes_on_from_the_one_before():
    doc = parse('a: |\n  x 12 y 12\n  12\nb: "one\\ttwo 12"\n')
    node = doc.root.get("a")  # "x 12 y 12\n12\n"
    found = [(2, 4, "12"), (3, 4, "2 "), (7, 9, "12"), (10, 12, "12"), (4, 13, "no such text")]
    assert list(doc.locate_in_order(node, found)) == [(2, 5), (2, 6), (2, 10), (3, 3), (1, 4)]
    # an escape makes the value differ from the line: such a finding is at the node's start
    quoted = doc.root.get("b")
    assert list(doc.locate_in_order(quoted, [(3, 6, "\ttw"), (8, 10, "12")])) == [(4, 4), (4, 14)]


def test_escapes_that_write_control_characters_are_refused():
    """The reader refuses control characters in the file; a double-quoted escape still wrote them
    into a value, and a title with "\\x0b" made feed.xml invalid XML for every reader."""
    for escape, code in (("\\x0b", 0x0B), ("\\0", 0), ("\\e", 0x1B), ("\\uFFFE", 0xFFFE), ("\\N", 0x85)):
        doc = parse(f'a: 1\nb: "标题{escape}标题"\n')
        assert [(d.code, d.line) for d in doc.diagnostics] == [("E002", 2)], escape
        assert f"U+{code:04X}" in doc.diagnostics[0].message
    assert parse('b: "制表\\t换行\\n引号\\"反斜杠\\\\ \\u4e2d"\n').ok  # escapes of text are fine
    assert parse("b: 'a\\x0b'\n").ok  # no escapes in single quotes: the text as written


def test_a_direction_control_written_as_an_escape_is_refused_too():
    # "\u202e" is six plain characters in the file: the scan of the file's text cannot see it
    doc = parse('a: "号码 \\u202eX20013219491501011\\u202c"\n')
    assert [(d.code, d.line) for d in doc.diagnostics] == [("E002", 1)]
    assert "U+202E（从右到左覆盖）" in doc.diagnostics[0].message
