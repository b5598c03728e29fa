import json

import jsonschema
from pydantic_core import PydanticCustomError
import pytest
import yaml

from generator.model import CaseAdapter, json_schema, parse_partial_date
from tests.conftest import ROOT, base_record


def _jsonable(value):
    """What an editor's YAML language server or a JSON tool sees: dates as ISO strings."""
    return json.loads(json.dumps(value, default=str))


def example_records():
    return sorted((ROOT / "cases").rglob("*.yaml"))


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("path", example_records(), ids=lambda p: p.stem)
def test_schema_validates_every_example(path):
    data = _jsonable(yaml.safe_load(path.read_text(encoding="utf-8")))
    jsonschema.validate(data, json_schema(), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("change", [
    lambda d: d.pop("title"),
    lambda d: d.update(kind="其他"),
    lambda d: d["result"].update(outcome="免于问责"),
    lambda d: d.update(unknown=1),
    lambda d: d["process"].update(steps=d["process"]["steps"][:1]),
    lambda d: d["reason"].update(basis=["问责条例"]),
    lambda d: d.update(id="xa-1"),
    lambda d: d["subject"].update(count=0),
])
def test_schema_rejects_broken(change):
    data = _jsonable(yaml.safe_load(base_record()))
    jsonschema.validate(data, json_schema())  # the base is valid
    change(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema(), cls=jsonschema.Draft202012Validator)


def test_model_normalises_values():
    case = CaseAdapter.validate_python(yaml.safe_load(base_record()))
    assert case.kind == "容错" and case.subject.type == "个人" and case.subject.count == 1
    assert case.event.occurred == "2023-05"


@pytest.mark.parametrize("value, out", [(2021, "2021"), ("2021", "2021"), ("2021-05", "2021-05"), ("2021-05-03", "2021-05-03")])
def test_partial_dates(value, out):
    assert parse_partial_date(value) == out


@pytest.mark.parametrize("value", ["2021-13", "2021-02-30", "21", "2021/05", True, 12])
def test_bad_partial_dates(value):
    with pytest.raises(PydanticCustomError) as err:
        parse_partial_date(value)
    assert err.value.type == "E105"


@pytest.mark.parametrize("value, partial, hint", [
    ("2024年2月1日", False, "；应写作 2024-02-01"),
    ("2024/2/1", False, "；应写作 2024-02-01"),
    ("2024.02.01", False, "；应写作 2024-02-01"),
    ("２０２４－２－１", False, "；应写作 2024-02-01"),  # full-width, as a Chinese input method types it
    ("2023年5月", True, "；应写作 2023-05"),
    ("2023-5", True, "；应写作 2023-05"),
    ("2023年", True, "；应写作 2023"),
    ("2023年5月", False, ""),  # a full date is asked for: no day to offer
    ("2024年2月30日", False, ""),  # no such day
    ("二〇二四年二月", True, ""),  # not read
    ("2024-02-01", False, ""),  # already right
])
def test_a_date_written_another_way_gets_the_form_to_write(value, partial, hint):
    from generator.model import written_as

    assert written_as(value, partial) == hint
