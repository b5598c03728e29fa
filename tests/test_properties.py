"""Property-based: no input, however strange, makes the checker crash."""
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check import check_record
from generator.load import Document, parse_bytes
from generator.privacy import scan_text
from tests.conftest import TODAY, base_record
from tests.test_fixtures import CATALOGS

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(raw: bytes) -> Document:
    doc = parse_bytes(Document("x.yaml"), raw)
    check_record(doc, CATALOGS, TODAY, "XA-2024-001")
    for d in doc.diagnostics:
        assert d.line >= 1 and d.column >= 1 and d.code and d.message
    return doc


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes(raw):
    run(raw)


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text(text):
    run(text.encode("utf-8", "replace"))


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.text(max_size=30), st.dates().map(str))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(string.ascii_lowercase + "_", max_size=12), inner, max_size=5)),
    max_leaves=20)
FIELDS = ["id", "kind", "title", "region", "subject", "event", "reason", "process", "result", "correction",
          "follow_ups", "disclosure", "typical", "revisions", "related", "sources"]


@SETTINGS
@given(st.dictionaries(st.sampled_from(FIELDS), yaml_values, max_size=16))
def test_arbitrary_yaml_structures(data):
    import yaml
    run(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


@SETTINGS
@given(st.sampled_from(base_record().splitlines()[1:]), st.text(max_size=40))
def test_mutated_valid_record(line, junk):
    # replace the value part of one line of a valid record with arbitrary text
    key, _, _ = line.partition(":")
    text = base_record().replace(line, f"{key}: {junk}", 1)
    run(text.encode("utf-8"))


@SETTINGS
@given(st.text(max_size=300))
def test_scan_text_never_crashes(text):
    for h in scan_text(text):
        assert text[h.start:h.end] == h.text or h.code == "E401"


STANDARD_TAGS = ["!!bool", "!!int", "!!float", "!!timestamp", "!!null", "!!str"]


@SETTINGS
@given(st.sampled_from(base_record().splitlines()[1:]), st.sampled_from(STANDARD_TAGS), st.text(max_size=20))
def test_standard_tag_on_any_value(line, tag, junk):
    # an explicit tag forces its constructor on whatever text follows it
    key, _, value = line.partition(":")
    run(base_record().replace(line, f"{key}: {tag} {junk or value.strip()}", 1).encode("utf-8"))

