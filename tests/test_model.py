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
