"""The record format, declared once.

Validation, the JSON Schema (`portal schema`), the `portal new` skeleton and the field
reference in the docs are all derived from these classes. Titles and descriptions are
Chinese because staff read them (in messages, the skeleton and their editor).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    TypeAdapter,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

FORMAT_VERSION = 1

# ---- enumerations (also used by the site for ordering and by `portal new` for choices) ----
KINDS = ("容错", "澄清")
SUBJECT_TYPES = ("个人", "集体")
RANKS = ("厅局级正职", "厅局级副职", "县处级正职", "县处级副职", "乡科级正职", "乡科级副职", "一般干部", "其他")
UNIT_TYPES = ("党政机关", "人大政协机关", "事业单位", "国有企业", "村（社区）", "群团组织", "其他")
DOMAINS = ("招商引资", "项目建设", "改革创新", "安全生产", "生态环保", "疫情防控", "乡村振兴", "营商环境",
           "城市建设", "民生保障", "应急处置", "其他")
FINDINGS = ("查无实据", "反映失实", "诬告陷害")
INITIATIONS = ("本人申请", "单位申请", "组织推荐", "主动启动", "事前报备")
STEPS = ("报备", "申请", "受理", "核实", "听取陈述", "会商", "认定", "告知", "备案", "复核", "澄清", "整改")
STEPS_AFTER_DECISION = ("告知", "备案", "澄清", "整改")
TOLERANCE_OUTCOMES = ("免予问责", "不予问责", "从轻处理", "减轻处理")
CLEARING_OUTCOMES = ("澄清正名",)
OUTCOMES = TOLERANCE_OUTCOMES + CLEARING_OUTCOMES
SCOPES = ("公开", "内部")
# Everyday names for the values above, and the value the format uses: what E104 suggests for them.
# The nearest spelling took 副处级 for 县处级正职 and 不公开 for 公开 (a suggestion that would
# publish an internal record); 副科, 科员 or 村委会 had no suggestion at all.
SYNONYMS = {
    "正厅级": "厅局级正职", "正厅": "厅局级正职", "副厅级": "厅局级副职", "副厅": "厅局级副职",
    "正处级": "县处级正职", "正处": "县处级正职", "正县级": "县处级正职",
    "副处级": "县处级副职", "副处": "县处级副职", "副县级": "县处级副职",
    "正科级": "乡科级正职", "正科": "乡科级正职", "正乡级": "乡科级正职",
    "副科级": "乡科级副职", "副科": "乡科级副职", "副乡级": "乡科级副职",
    "科员": "一般干部", "办事员": "一般干部",
    "村": "村（社区）", "社区": "村（社区）", "村委会": "村（社区）", "居委会": "村（社区）",
    "工会": "群团组织", "共青团": "群团组织", "妇联": "群团组织", "政府部门": "党政机关", "党委": "党政机关",
    "不公开": "内部", "非公开": "内部", "不予公开": "内部", "暂不公开": "内部", "内部公开": "内部",
    "不实": "反映失实",
}
PRIVACY_CODES = ("E301", "E302", "E303", "E304", "E305", "E306")

ID_PATTERN = r"^[A-Z]{2,6}-[0-9]{4}-[0-9]{3,4}$"
SLUG_PATTERN = r"^[a-z0-9-]+$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PARTIAL_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
URL_PATTERN = r"^https?://[^\s<>\"]+$"

_date_re = re.compile(DATE_PATTERN)
_partial_re = re.compile(PARTIAL_PATTERN)


def _err(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


# 2024年2月1日, 2024/2/1, 2024.02.01, 2024-2-1, 20240201, 2023年5月: how dates are written
# elsewhere, in ASCII or full-width digits; read only to say what to write instead
_LOOSE_DATE = re.compile(r"(\d{4})\s*(?:年|[/.\-])?\s*(?:(\d{1,2})\s*(?:月|[/.\-])?\s*(?:(\d{1,2})\s*日?)?)?")


def written_as(value: Any, partial: bool) -> str:
    """"；应写作 2024-02-01" for a date written another way ("" when it cannot be read as one)."""
    if not isinstance(value, str):
        return ""
    m = _LOOSE_DATE.fullmatch(unicodedata.normalize("NFKC", value).strip())
    if not m or not (partial or m.group(3)) or (m.group(3) and not m.group(2)):
        return ""
    year, month, day = m.groups()
    y, mo, d = int(year), int(month) if month else 0, int(day) if day else 0  # 0: not written
    try:
        dt.date(y, mo or 1, d or 1)
    except ValueError:
        return ""
    iso = f"{y:04d}" + (f"-{mo:02d}" if mo else "") + (f"-{d:02d}" if d else "")
    return f"；应写作 {iso}" if iso != value else ""


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _err("E105", "只写日期，不写时间，格式为 YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _date_re.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _err("E105", f"“{value}” 不是日历上存在的日期") from None
    raise _err("E105", f"“{value}” 不是 YYYY-MM-DD 格式的日期{written_as(value, partial=False)}")


def parse_partial_date(value: Any) -> str:
    """Normalise a partial date to 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (an unquoted 2021 is a year)."""
    if isinstance(value, bool):
        raise _err("E105", "应为年份、年月或日期（YYYY、YYYY-MM 或 YYYY-MM-DD）")
    if isinstance(value, int) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and _partial_re.match(value):
        parts = [int(p) for p in value.split("-")]
        try:
            dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError:
            raise _err("E105", f"“{value}” 不是日历上存在的日期") from None
        return value
    raise _err("E105", f"“{value}” 应为年份、年月或日期（YYYY、YYYY-MM 或 YYYY-MM-DD）{written_as(value, partial=True)}")


def _one_line(value: str) -> str:
    if "\n" in value.strip():
        raise _err("E106", "标题只能写一行")
    return value.strip()


def _citation(value: str) -> str:
    if not re.search(r"《[^》]+》", value):
        raise _err("E106", "依据应写明规定名称并用书名号括起，例如 “《中国共产党问责条例》第十七条”")
    return value


# ---- reusable field types ----
Date = Annotated[dt.date, BeforeValidator(parse_date),
                 WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN})]
PartialDate = Annotated[str, BeforeValidator(parse_partial_date),
                        WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1000, "maximum": 9999},
                                                  {"type": "string", "pattern": PARTIAL_PATTERN}]})]
# Surrounding whitespace is dropped, so a value of only spaces or line breaks counts as empty (E101).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Md = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), WithJsonSchema({"type": "string", "minLength": 1,
                                                                     "contentMediaType": "text/markdown"})]
Citation = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_citation),
                     WithJsonSchema({"type": "string", "pattern": "《[^》]+》"})]
CaseId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=60), AfterValidator(_one_line)]
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN)]


def _once(items: list[str]) -> list[str]:
    """The items in order, each once: a circumstance listed twice counted twice in the statistics
    and put the case twice on its listing (the check notes the repeat, N003)."""
    return list(dict.fromkeys(items))


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class Subject(Base):
    """对象：被容错或被澄清的干部或集体。"""

    display: Text = Field(title="公开称谓", description="对外公开时的称谓，个人写作 “单位+职务+姓+某”，如 “雁塔区住建局副局长李某”")
    named: bool = Field(False, title="是否实名", description="仅当官方已公开全名时填 true，此时必须填写 sources")
    type: Literal[SUBJECT_TYPES] = Field("个人", title="对象类型", description="个人 或 集体（单位、班子、党组织）")
    count: int = Field(1, ge=1, title="人数", description="集体对象填所涵盖的人数；个人对象不填（只能是 1）")
    rank: Literal[RANKS] | None = Field(None, title="职级", description="个人对象必填")
    unit_type: Literal[UNIT_TYPES] = Field(title="单位性质")


class Period(Base):
    start: PartialDate = Field(alias="from", title="开始")
    end: PartialDate = Field(alias="to", title="结束")


def _occurred_tag(value: Any) -> str:
    return "period" if isinstance(value, (dict, Period)) else "point"  # dict when validating, Period when dumping


Occurred = Annotated[
    Union[Annotated[PartialDate, Tag("point")], Annotated[Period, Tag("period")]],
    Discriminator(_occurred_tag),
]


class Event(Base):
    """事件：发生了什么。"""

    domain: Literal[DOMAINS] = Field(title="领域")
    occurred: Occurred = Field(title="发生时间", description="年份、年月或日期；跨时段写 {from: 开始, to: 结束}")
    summary: Md = Field(title="事件经过", description="简要经过；澄清类写被反映问题的实质内容。可用简单 Markdown")


class Reason(Base):
    """原因：为何容错，或为何澄清。"""

    circumstances: Annotated[list[Text], AfterValidator(_once)] | None = Field(
        None, min_length=1, title="容错情形", description="容错类必填：circumstances.yaml 中情形的 id；澄清类不填")
    finding: Literal[FINDINGS] | None = Field(None, title="核查结论", description="澄清类必填；容错类不填")
    basis: list[Citation] = Field(min_length=1, title="依据", description="每条写明规定名称（用《》）及条款")
    analysis: Md = Field(title="分析", description="为何容错（动机、条件、程序、后果、挽回）或为何失实")


class Step(Base):
    step: Literal[STEPS] = Field(title="环节")
    date: Date = Field(title="日期")
    end: Date | None = Field(None, title="结束日期")
    note: Text | None = Field(None, title="说明")


class Process(Base):
    """流程：如何启动、谁实施、谁认定、经过哪些环节。"""

    initiation: Literal[INITIATIONS] = Field(title="启动方式")
    implementing_body: Text = Field(title="实施主体", description="如 “雁塔区纪委监委”")
    determining_authority: Text = Field(title="认定机关", description="如 “雁塔区纪委常委会”")
    steps: list[Step] = Field(min_length=2, title="办理环节", description="至少两个环节，日期按先后排列")


class Result(Base):
    """结果：认定结论与处理。"""

    outcome: Literal[OUTCOMES] = Field(title="结果",
                                       description="容错类：免予问责、不予问责、从轻处理、减轻处理；澄清类：澄清正名")
    decided: Date = Field(title="认定日期")
    measures: list[Text] | None = Field(None, title="处理措施", description="如 批评教育、责令整改")
    summary: Md = Field(title="结果说明")


class Correction(Base):
    """纠错：事后纠正了什么。"""

    actions: list[Text] = Field(min_length=1, title="纠错措施")
    deadline: Date | None = Field(None, title="整改期限")
    completed: Date | None = Field(None, title="完成日期")


class FollowUp(Base):
    date: Date = Field(title="回访日期")
    by: Text = Field(title="回访单位")
    finding: Md = Field(title="回访情况")


class Allow(Base):
    code: Literal[PRIVACY_CODES] = Field(title="规则代码")
    text: Text = Field(title="原文")
    reason: Text = Field(title="理由")


class Disclosure(Base):
    """公开：范围与日期。"""

    scope: Literal[SCOPES] = Field(title="公开范围", description="公开：在网站发布；内部：不在任何地方发布")
    published: Date | None = Field(None, title="公开日期", description="公开时必填；晚于今天表示定时公开")
    allow: list[Allow] = Field(default_factory=list, title="隐私规则豁免",
                               description="确认某段原文不属于该隐私规则所指内容（如 12388 举报电话）")


class Revision(Base):
    date: Date = Field(title="更正日期")
    note: Text = Field(title="更正说明")


class Source(Base):
    title: Text = Field(title="标题")
    issuer: Text | None = Field(None, title="发布机关")
    date: Date | None = Field(None, title="日期")
    url: Url | None = Field(None, title="网址")


class Case(Base):
    """一件已办结的容错纠错或澄清正名案例。"""

    model_config = ConfigDict(title="容错纠错案例记录", extra="forbid", strict=True, populate_by_name=True)

    id: CaseId = Field(title="编号", description="如 XA-2023-017，与文件名一致，永不复用")
    kind: Literal[KINDS] = Field("容错", title="类型", description="容错 或 澄清")
    title: Title = Field(title="标题", description="一行，8 至 60 字")
    region: Text = Field(title="地区", description="regions.yaml 中的 name")
    subject: Subject = Field(title="对象")
    event: Event = Field(title="事件")
    reason: Reason = Field(title="原因")
    process: Process = Field(title="流程")
    result: Result = Field(title="结果")
    correction: Correction | None = Field(None, title="纠错")
    follow_ups: list[FollowUp] = Field(default_factory=list, title="跟踪回访")
    disclosure: Disclosure = Field(title="公开")
    typical: Text | None = Field(None, title="典型案例批次", description="如 “2023年度第二批容错纠错典型案例”")
    revisions: list[Revision] = Field(default_factory=list, title="更正记录")
    related: Annotated[list[CaseId], AfterValidator(_once)] = Field(default_factory=list, title="相关案例")
    sources: list[Source] = Field(default_factory=list, title="来源")

    @property
    def published_on(self) -> dt.date:
        """disclosure.published of a public record, where the check requires it (E101): the site, its
        exports and its statistics hold public records only."""
        published = self.disclosure.published
        if published is None:
            raise ValueError(f"{self.id}：公开的记录缺少 disclosure.published")
        return published


# ---- catalogs ----
class Region(Base):
    name: Text = Field(title="名称")
    slug: Slug = Field(title="网址名")


class Regions(Base):
    model_config = ConfigDict(title="地区目录", extra="forbid", strict=True)
    root: Text = Field(title="辖区")
    regions: list[Region] = Field(min_length=1, title="地区")


class Circumstance(Base):
    id: Text = Field(title="编号")
    slug: Slug = Field(title="网址名")
    title: Text = Field(title="情形")
    basis: Citation = Field(title="依据")
    description: Text = Field(title="说明")


CircumstanceList = TypeAdapter(list[Circumstance])
CaseAdapter = TypeAdapter(Case)
RegionsAdapter = TypeAdapter(Regions)


def json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a record, as served at /data/schema.json and used by editors."""
    schema = Case.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "schema.json",
            "description": f"容错纠错案例公开平台 案例记录格式 第 {FORMAT_VERSION} 版",
            **schema}
