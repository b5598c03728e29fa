"""Privacy and markup rules over free text (E301–E306, W301, E401).

Pure functions over strings: each hit carries its code, span and a Chinese message. Positions
in the YAML file are resolved by the caller. Every detector is conservative where a false alarm
would block honest text (document numbers, dates, amounts), and `disclosure.allow` exists for
the rare true exception (an official hotline, say).
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator


@dataclass(frozen=True)
class Hit:
    code: str
    start: int
    end: int
    text: str
    message: str


# ---- check digits ----
_GB_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB_CHECK = "10X98765432"


def gb11643_valid(id18: str) -> bool:
    """GB 11643-1999 check digit of an 18-character resident ID."""
    if len(id18) != 18 or not id18[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(id18[:17], _GB_WEIGHTS))
    return _GB_CHECK[total % 11] == id18[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _plausible_birth(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


# ---- number-like runs: IDs, bank cards ----
# What separates a number's groups: a hyphen, or one of the dashes that Chinese input methods and
# word processors put in its place ("029—87654321", "138–0013–8000"); the full-width "－" reads as "-"
_DASH = "\\-\u2010-\u2015\u2212"
_ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9])[1-8]\d{14}(?![0-9])")
# the same 18 characters written in groups for reading ("110105 19491231 002X", "1101-0519-…"):
# one kind of separator throughout, and only reported with a valid check digit and birth date
_ID_SEPARATOR = f"[ {_DASH}\u3000]"
_ID18_GROUPED = re.compile(rf"(?<![0-9A-Za-z])\d(?:{_ID_SEPARATOR}?\d){{16}}{_ID_SEPARATOR}?[0-9Xx](?![0-9A-Za-z])")
_CARD = re.compile(rf"(?<![0-9])\d{{4}}(?:[ {_DASH}]?\d{{4}}){{3}}(?:[ {_DASH}]?\d{{1,3}})?(?![0-9])")
_YEARS = re.compile(rf"(?:(?:19|20)\d\d[ {_DASH}]){{3,}}(?:19|20)\d\d")
# An amount or a count is no phone number: "13800138000元", "…人次"
_MOBILE = re.compile(rf"(?<![0-9])(?:(?:\+|00)\s?86[\s{_DASH}]?)?1[3-9]\d(?:[\s{_DASH}]?\d{{4}}){{2}}"
                     r"(?![0-9]|\.\d|\s*[元万亿千百吨人户次件个份平米亩㎡%‰])")
_LANDLINE = re.compile(
    rf"(?<![0-9])(?:[(（]0\d{{2,3}}[)）]\s?|(?:(?:\+|00)\s?86[\s{_DASH}]?)?0\d{{2,3}}[\s{_DASH}]?)[2-9]\d{{2,3}}[\s{_DASH}]?\d{{4}}(?![0-9])"
)
_PHONE_WORDS = ("电话", "手机", "座机", "联系方式", "号码")
_PHONE_LEAD = "(?:" + "|".join(_PHONE_WORDS) + r")[：:\s]*(?:为|是)?[：:\s]*"
_PHONE_CONTEXT = re.compile(_PHONE_LEAD + rf"(\d[\d\s{_DASH}]{{5,}}\d)")
# the same number in Chinese numerals ("手机一三八零零一三八零零零", 幺 for one as it is read out)
_PHONE_IN_WORDS = re.compile(_PHONE_LEAD + rf"([零〇一二三四五六七八九幺](?:[\s{_DASH}]?[零〇一二三四五六七八九幺]){{6,11}})")
# The local part is at most 64 characters (RFC 5321): unbounded, a long run such as "a-a-a-…" was
# scanned to its end from each of its characters (20,000 took 0.9 s; a record may hold 1 MiB).
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# The same address disguised against address harvesters, as web pages write it and staff copy it:
# "lisi(at)example.com", "lisi#163.com（#换成@）", "lisi at example dot com", "lisi@ 163.com", and
# "lisi@163" (a mail provider's name without its domain). A local part starts a run of its
# characters and never follows "/", so a web address's "…/page#part.html" is not one.
_BRACKETED = r"\s*[(（\[【{<]\s*(?:WORD)\s*[)）\]】}>]\s*"
_AT_DISGUISED = "(?:" + _BRACKETED.replace("WORD", "[Aa][Tt]|艾特") + r"|\s+[Aa][Tt]\s+|\s*(?:[#＃]|艾特)\s*|\s+@\s*|@\s+|@)"
_DOT_ANY = "(?:" + _BRACKETED.replace("WORD", "[Dd][Oo][Tt]|点") + r"|\s+[Dd][Oo][Tt]\s+|点|\.)"
_MAIL_PROVIDERS = "163|126|yeah|qq|QQ|139|189|sina|sohu|aliyun|foxmail|gmail|hotmail|outlook"
# a disguised address ends in a common mail domain's ending: "方案A#B.docx" is a file's name
_MAIL_ENDINGS = "com|cn|net|org|edu|gov|info|biz|cc|co|io|me|top|vip|xyz|hk|mo|tw|us|uk|jp"
_EMAIL_DISGUISED = re.compile(
    r"(?<![A-Za-z0-9._%+\-/#＃@])[A-Za-z0-9._%+\-]{1,64}"
    rf"(?:{_AT_DISGUISED}(?:[A-Za-z0-9\-]{{1,63}}{_DOT_ANY})+(?i:{_MAIL_ENDINGS})"
    rf"|{_AT_DISGUISED}(?:{_MAIL_PROVIDERS}))(?![A-Za-z0-9\-]|\.[A-Za-z0-9])"
)

# ---- addresses below street level ----
_NUM = r"(?:\d+|[一二三四五六七八九十百零〇两]+)"
_ADDRESS = re.compile(
    # spaces between the number and its unit ("12 号 3 栋") are common in typed text; an alley's
    # number in Beijing ("东四胡同12号") and a number with its 甲/乙 ("东路甲12号") are house numbers too
    rf"(?:(?:[路街巷道弄]|胡同)\s*[甲乙丙丁]?\s*{_NUM}\s*号)|(?:(?<![第\d一二三四五六七八九十百零〇两])(?<!第\s){_NUM}\s*(?:号楼|号院|号房|栋|幢|单元|室))|(?:门牌号?[：:]?\s*{_NUM})"
    # a flat in a lettered tower ("A座1203"; not a year: "B座2023年")
    r"|(?:[A-Za-z]座\s*\d{3,5}(?![\d年]))"
    # a house number in a village or its group ("东街村15号", "东街村5组15号"; not a day: "全村10号前"),
    # and building-unit-flat in digits after an estate's name ("翠华小区12-3-501")
    rf"|(?:[组村]\s*{_NUM}\s*号(?![文令地井线桥台前后起至到开召左以当晚上下]))|(?:(?:小区|花园|家园|公寓|大厦|新村|[苑庭府园])\s*\d{{1,3}}(?:[{_DASH}－]\d{{1,4}}){{1,2}}(?![\d{_DASH}－号]))"
)

# ---- raw HTML and unsafe links ----
# A tag starts with "<" or "</" directly followed by a letter, as browsers parse it ("a < b" is text).
_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9\-]*(?:[\s/][^<>]*)?>|<!--|<\?|<!\[CDATA\[|<![A-Za-z]")
# A reference definition's label is on its own line ("^\s*\[" ran over blank lines, and the label
# over line ends: each line start scanned to the end of the text), and an autolink holds no "<".
_LINK_TARGET = re.compile(r"\]\(\s*<?\s*([^)\s>]*)|^[ \t]*\[[^\]\n]+\]:\s*<?(\S+)|<([A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*)>",
                          re.M)
_SAFE_SCHEME = re.compile(r"^(?:https?://|mailto:|#|/|\.|[^:]*$)", re.I)

# ---- personal names ----
# Common single and compound surnames (百家姓, the frequent ones). A name is only suspected where it
# follows an official title or precedes 同志, so ordinary words starting with these characters pass.
_SURNAMES_1 = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_SURNAMES_2 = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "独孤")
_TITLES = (
    "党委书记", "党组书记", "党支部书记", "总支书记", "副书记", "书记", "副局长", "局长", "副主任", "主任", "副科长", "科长",
    "副处长", "处长", "副厅长", "厅长", "副县长", "县长", "副区长", "区长", "副市长", "市长", "副镇长", "镇长", "副乡长", "乡长",
    "村长", "站长", "所长", "队长", "组长", "总经理", "副经理", "经理", "董事长", "院长", "校长", "部长", "主席", "社长",
    "会长", "科员", "专员", "调研员", "干部", "职工", "工作人员", "负责人", "法定代表人", "委员", "秘书长", "主管", "网格员",
    # people named by their part in the case or their job: a whistle-blower's name above all must
    # never be published
    "被举报人", "举报人", "信访人", "投诉人", "反映人", "申请人", "当事人", "经办人", "承办人", "联系人", "责任人",
    "代理人", "证人", "法人代表", "实际控制人", "办事员", "技术员", "驾驶员", "审计员", "协管员", "民警", "辅警",
    "会计", "出纳", "支书",
    # a villager, a person's line of work, and a family: "村民王小明反映", "分管领导李建国", "其妻子王芳"
    # (not 群众, 居民 or 业主: what follows them is mostly a word, "群众许可", "居民安置")
    "村民", "党员", "领导", "助理", "股长", "医生", "村医", "护士", "教师", "老师", "律师",
    "记者", "监理", "施工员", "安全员", "质检员", "保管员", "收银员", "员工", "妻子", "丈夫", "儿子", "女儿", "父亲",
    "母亲", "配偶", "亲属",
)
_HAN = r"[\u4e00-\u9fff]"
_SURNAME = "(?:" + "|".join(_SURNAMES_2) + "|[" + _SURNAMES_1 + "])"
_TITLE_ALT = "|".join(sorted(_TITLES, key=len, reverse=True))
# What may follow a name: punctuation, end of text, a particle that cannot begin a given name, or
# what a person did ("经办人李建国未按规定", "当事人王芳擅自")
_AFTER_WORDS = (r"$|[\s，。、；：！？,.;:!?（）()“”\"'《》\[\]【】]|同志|等|在|于|因|对|的|和|与|被|将|曾|是|为|称|说|表示|带领"
                r"|主持|负责|反映|签字|同意|经手|所在|认为|提出|未|没有|擅自|私自|违规|收受|涉嫌|利用|作为|主动|向"
                r"|前往|上门|组织|召集|安排|要求|决定|拒绝|收取|办理|审核|联系|多次|再次|及时|立即|随即|当即|带队|陪同"
                r"|参与|参加|接受|提供|出具|私下|个人"
                # (and from the People's Daily corpus, where names after a title were missed before them)
                r"|介绍|出席|告诉|指出|强调|来到|首先|会见|率领|一行|也在|也是|宣布|专程|分别|接到|发表|汇报|报告"
                r"|今天|日前|最近|近日|当天|次日|随后|以及|及其"
                # (what a case record says an official did: "网格员李建国走访")
                r"|走访|核实|调查|检查|督促|协调|召开|赶到|赶赴|深入|到场|进行|开展|落实|推进|指导|批示|签发|审批"
                r"|答复|回复|通知|告知|说明|解释|承诺|保证|坚持|认真|积极")
_AFTER = f"(?={_AFTER_WORDS})"
# "举报人为王芳", "负责人系张伟": a copula may stand between the role and the name, and 和 or 与
# between two people ("局长和王海涛"; not 及, which begins 及时: "干部及时澄清是非"). No given name holds 的, 了, 未 or 没 ("监理方未在…" is no 方未).
# A title with 师 after it is another job: 会计师, 主任医师 ("李某与会计师一起" was the name 师一起).
_NAME_AFTER_TITLE = re.compile(
    rf"(?:{_TITLE_ALT})(?!师)(?:[：:]|为|是|系)?[ \u3000]?[和与]?(?P<name>{_SURNAME}(?!某)(?:(?![的了未没]){_HAN}){{1,2}}){_AFTER}")
# A name before the title it is addressed by ("经王小明副局长同意", "李建国书记表示"). Only after a
# non-Han character, a particle or the last character of a unit's name ("住建局李建国副局长"), so
# that words inside a phrase ("工程项目经理": 程项目) are not read as names. A bare "<org>长" title
# also ends an abbreviated unit ("文旅局长", "安监局长"): there the name must have three characters.
_GIVEN = r"(?:(?![副总某等])[\u4e00-\u9fff])"
_ORG_TITLES = ("局长", "处长", "科长", "厅长", "县长", "区长", "市长", "镇长", "乡长", "村长", "站长", "所长",
               "队长", "组长", "院长", "校长", "部长", "社长", "会长")
_PERSON_TITLES = ("书记", "主任", "经理", "董事长", "主席", "秘书长", "支书")
_UNIT_ENDS = "局委部办处科村镇区县市所站队组司厅院校会社乡街厂室心"
_BEFORE_NAME = rf"(?:(?<!{_HAN})|(?<=[经由对向和与及同跟给予被把将请让派据称是为即系{_UNIT_ENDS}]))"
# "张伟同志", "对张伟同志", "张伟等3名同志"
_NAME_BEFORE_COMRADE = re.compile(
    rf"{_BEFORE_NAME}(?P<name>{_SURNAME}(?!某){_GIVEN}{{1,2}})(?:等?[\d一二三四五六七八九十两]+名|等)?同志")
_ADDRESSED_BY = "|".join(_ORG_TITLES + _PERSON_TITLES)
_NAME_BEFORE_TITLE = re.compile(
    rf"{_BEFORE_NAME}(?P<name>{_SURNAME}(?!某){_GIVEN}{{1,2}})(?P<title>(?:副|常务副|总)?(?:{_ADDRESSED_BY}))")
# A name with the sex or post of a short biography after it: "李建国（男，", "李建国，女，", "李建国（时任…局长）"
_NAME_BIOGRAPHY = re.compile(
    rf"{_BEFORE_NAME}(?P<name>{_SURNAME}(?!某){_GIVEN}{{1,2}})"
    rf"(?:[（(]\s*[男女][，,、)）]|[，,]\s*[男女][，,]|[（(](?:时任|原任|现任|曾任|系|原)[^（()）\n]{{0,30}}?(?:{_TITLE_ALT}))")
# The one a tolerance or clearing decision concerns, between 为/对/给予 and the decision's words:
# "为李建国澄清正名", "对王芳免予问责", "给予张伟容错免责", "对王海涛予以从轻处理". Only right after
# those words: elsewhere the words before a decision are anything ("及时予以澄清", "走程序免予问责").
_DECISIONS = ("澄清|免予问责|免于问责|不予问责|免予追责|容错|免责|从轻处理|从轻处分|减轻处理|减轻处分|诫勉"
              # a sanction, in a lenient case's text: "给予李建国党内警告处分"
              "|党内警告|政务警告|警告|记过|记大过|降级|撤职|开除|批评教育|通报批评|提醒谈话|谈话提醒")
# a given name as elsewhere (_GIVEN), and never the particles a sentence has there ("石匠的", "予以")
_GIVEN_CHAR = rf"(?:(?![予以及其的了]){_GIVEN})"
_PLAIN_NAME = rf"{_SURNAME}(?!某){_GIVEN_CHAR}{{1,2}}"
_DECIDED_NAME = rf"(?P<name>{_PLAIN_NAME})(?:等)?(?:同志)?"
# (the leading character is matched, not looked behind at: a pattern that starts with a character
# class lets the regex engine skip ahead to it, twice as fast over text without a name)
_NAME_BEFORE_DECISION = re.compile(rf"[为对予、]{_DECIDED_NAME}(?:予以)?(?:{_DECISIONS})")
# Who agreed, signed or led, between 经/由 and the act: "经王海涛同意", "由李建国牵头负责"
_ACTS = "同意|签字|签批|批准|审批|负责|牵头|主持"
_NAME_AS_AGENT = re.compile(rf"(?:由于|[经由、]){_DECIDED_NAME}(?:{_ACTS})")  # 由于: "由于王海涛负责的项目"
# Whom a report names, before what it says they did: "举报王海涛收受好处", "反映李建国在项目中"; and
# who reported, said or admitted something, after 据 or at a clause's start: "据王芳反映", "。王芳承认".
# The whistle-blower's and the accused's are the names a clearing case must never publish.
_REPORTS = ("举报", "反映", "检举", "控告", "诬告", "诬陷")
# (or the clause ends: "信访件反映李建国。")
_MISCONDUCT = ("在|存在|收受|违规|违纪|违法|涉嫌|利用|私自|擅自|贪污|挪用|侵占|骗取|索要|滥用|插手|干预|虚报|冒领"
               "|优亲厚友|不作为|乱作为|的问题|问题|等人|$|[，。；、]")
_NAME_ACCUSED = re.compile(rf"(?:{'|'.join(_REPORTS)})称?{_DECIDED_NAME}(?={_MISCONDUCT})")
_NAME_SOURCE = re.compile(rf"据{_DECIDED_NAME}(?:称|反映|介绍|交代|供述|陈述|回忆)")
# (no bare 称 here: "，江苏称" is a province; 主动, 说明 and 提出 follow any subject: "，全程主动")
_SAYS = ("承认", "坦言", "坦承", "辩称", "声称", "供述", "交代", "反映", "介绍", "陈述", "表示", "本人", "在任", "所在单位",
         "所在部门")
_SAYING = re.compile("|".join(_SAYS))
# where a speaker's name may begin: after a clause's start or 对 ("对王海涛所在单位")
_CLAUSE_START = "对，。；：！？ \t\n“"
# A name beside an anonymised one, where the text was anonymised only in part: "李某与王海涛",
# "王海涛和李某甲"; and a name that heads a count of people: "张海涛等3人", "李建国、王海涛二人"
_PAIRED = "[与和及、跟同]"
# (the shortest name that fits: "王某和张伟均未", not 张伟均)
_NAME_BY_ANON = re.compile(
    rf"某[甲乙丙丁\d]?等?{_PAIRED}(?P<name>{_SURNAME}(?!某){_GIVEN_CHAR}{{1,2}}?)(?={_AFTER_WORDS}|一起|共同|均|都|二人|两人)")
_ANON_PARTNER = re.compile(rf"{_PAIRED}{_SURNAME}某")
# (a count without 等 only after a list: "师徒二人" and "沈阳2名" are no names)
_COUNT = r"[\d一二三四五六七八九十两]"
_AND_COUNT = re.compile(rf"等{_COUNT}*[人名]")
_NAME_LISTED_COUNT = re.compile(rf"、(?P<name>{_PLAIN_NAME}){_COUNT}+[人名]")
_NAME_ENDING = re.compile(rf"(?P<name>{_PLAIN_NAME})")
# A list of two or more names with nothing else to find them by: "经查，张伟、王芳到现场核实". The
# first is found here, at a clause's start, and the others as names listed with it (_listed_with).
_NAME_HEADS_LIST = re.compile(
    rf"(?:^|(?<=[，。；：！？（）“”\s]))(?P<name>{_PLAIN_NAME})(?=(?:、{_PLAIN_NAME})+{_AFTER})")
# The subject's own full name. The likeliest leak: a record that writes its subject "李某" everywhere
# but in one sentence, which has the full name and no title or other word to find it by
# ("李建国在推进项目中…"). The record itself says which surnames to look for: those of the "X某" it
# names people by (scan_subject_names). Such a surname with one or two characters, at a clause's
# start and before what a person does (_AFTER_WORDS), is taken for that person's full name, unless
# it is an ordinary word or a unit (_plausible_name, as for every pattern before a word). Surnames that are also common
# function words are left out: at a clause's start they are mostly the word ("，时表示", "，应以",
# "，任组长", "。和结果…").
ANON_SURNAME = re.compile(rf"(?P<surname>{_SURNAME})某")
_FUNCTION_SURNAMES = frozenset("于向和时应曾常任全关成连")
_SUBJECT_GIVEN = r"(?:(?![某的了是在和与及其予以等副总])[\u4e00-\u9fff])"
# (not after 、 or an opening quote, nor before a closing one: there a word is far likelier, "“白条”",
# "高水平、高品位")
_SUBJECT_START = "\n，。；：！？）(),.;:!?"
# (one pattern for every surname, the record's are picked after: a pattern for each record's set of
# surnames would be compiled again for nearly every record of a real archive)
_SUBJECT_NAME = re.compile(
    rf"(?:^|(?<=[{_SUBJECT_START}]))(?P<name>{_SURNAME}(?!某){_SUBJECT_GIVEN}{{1,2}}?)(?![”’》])(?={_AFTER_WORDS})")
# what ends a word for a person's job, not a given name: "农技员等3人", "施工员与李某"
_ROLE_ENDS = "员工手户匠警人师"
_NAME_LABEL = re.compile(rf"姓名[：:]\s*(?P<name>{_HAN}{{2,4}})")
_ANON = re.compile(rf"{_SURNAME}某")
# Two characters that start with a surname but are ordinary words after a title.
_NOT_NAMES = {
    "于是", "于今", "高度", "任期", "任职", "全面", "方面", "安全", "明确", "及时", "同时", "时间", "常务", "万元",
    "金额", "江段", "和村", "向上", "向群", "将其", "将该", "为此", "为民", "成立", "成员", "应当", "应急", "关于",
    "严格", "严重", "时任", "党员", "党委", "宁可", "单位", "文件", "华为", "路段", "路口", "周边", "周末", "石材",
    "余额", "康复", "温度", "龙头", "于年", "左右", "包括", "甘于", "申请", "申报", "牛奶", "车辆", "项目", "连续",
    "简单", "宫廷", "苗木", "景区", "管理", "毕业", "齐全", "司法", "卫生", "平安", "尚未", "乔木", "季度", "解决",
    "计划", "谷物", "戴帽", "卓有", "伍后", "房屋", "房产", "曲线", "池塘", "宗教", "桂花", "商户", "商业", "沙石",
    "荣誉", "古村", "吉祥", "师生", "和谐", "查处", "查明", "查实", "查证", "查清", "边界", "池内", "明显", "明知", "林业",
    "林地", "程序", "程度", "黄河", "童装", "梅花", "雷雨", "龙门", "范围", "陆续", "江水", "鲁莽", "麻烦", "艾滋",
    "关键", "关注", "高效", "全部", "全体", "严肃", "时刻", "方案", "方式", "应该", "任务", "万一",
    # 向 (towards), 曾 (once) and 常 (often) begin a clause after a title as often as they are surnames
    "向组", "向纪", "向单", "向有", "向社", "向本", "向其", "向镇", "向区", "向市", "向县", "向村", "向公", "向法",
    "向审", "向监", "向党", "向主", "向领", "向企", "向银", "向省", "向调", "向国", "向当", "向相", "向该", "向全",
    "向记", "向媒", "向业", "向居", "向农", "向财", "向住", "向街", "向乡", "向信", "向举", "向项", "向施", "向我",
    "向他", "向她", "曾任", "曾在", "曾经", "曾多", "曾于", "曾向", "曾因", "曾被", "曾获", "曾参", "曾提", "曾主",
    "曾分", "曾负", "曾担", "曾先", "曾两", "曾三", "曾一", "常说", "常年", "常住", "常委", "常态", "常规", "关心",
    "关系", "关联", "高兴", "高于", "和他", "和她", "于当", "于次", "于本", "于同",
    # what a party does in a disciplinary procedure (听取当事人陈述和申辩)
    "陈述", "申辩", "申诉", "申明", "符合",
    # a workshop's head (车间主任) and other words before a title
    "车间", "何时", "全党", "高级", "党内", "党政", "农村",
    # whom a decision may concern, or who may agree, besides a person (对农户免予问责, 为施工方澄清, 经何人同意)
    "农户", "农民", "农业", "农机", "施工", "林场", "高管", "董事", "车主", "司机", "商家", "房东", "包工", "石化",
    "武警", "边防", "任何", "何人", "查无", "何部",
    # a department by its short name (由卫健负责, 由安监牵头)
    "卫健", "商务", "金融", "安监", "房管", "武装", "文化", "文旅", "边检", "计生", "史志", "文物", "石油", "黄金",
    "农垦", "仲裁",
    # who a 同志 is in a case text: 纪检同志, 包抓同志, 全省同志
    "纪检", "包抓", "包联", "包片", "包村", "包户", "包保", "全国", "全省", "全市", "全县", "全区", "全镇", "全乡",
    "全村", "全局", "全系", "全军", "全民",
    # after a role's word (村民安置, 监理费用, 领导时有过问, 党员路线教育)
    "路线", "安置", "费用", "许可", "时有",
    # after a title, before a misdeed's words (在局长任上未, 担任书记时期未)
    "任上", "任内", "时期", "方才", "连夜",
    # what a report or a count may name besides a person (举报沙场存在, 反映路灯问题, 游客等3人)
    "沙场", "管网", "管道", "路灯", "路面", "商贩", "时限", "成本", "农药", "商品", "车位", "游客", "纪委", "石匠",
}


# Ordinary words that begin with a surname (高度, 尤其, 时代, 纪律, 郑重 …), from jieba's dictionary:
# tools/ordinary_words.py says how the list was made. A "name" that is one of them is the word.
ORDINARY_WORDS = frozenset(
    line for line in (Path(__file__).parent / "data" / "ordinary_words.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#"))
# after a word, what shows that the third character is not a given name's: "工作人员解释说，"
_WORD_ENDS = frozenset("说在的于对和与被将曾是为称因等就又也都还便即仍已地得")


def ordinary_word(name: str) -> bool:
    """True when a "name" reads as an ordinary word (or a word and a particle)."""
    return name in ORDINARY_WORDS or (len(name) == 3 and name[2] in _WORD_ENDS and name[:2] in ORDINARY_WORDS)


_ANY_DIGIT = re.compile(r"\d")
_ADDRESS_HINT = re.compile("门牌|单元|栋|幢|室|号")


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


class _Spans:
    """Disjoint spans of the text, sorted: whether a new one overlaps any in O(log n). A list searched
    from end to end took time in the square of the findings (8,000 phone numbers in a value: 5 s)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for span in spans:
            self.add(span)

    def overlaps(self, span: tuple[int, int]) -> bool:
        # the last span starting before this one ends has the greatest end of those that could overlap
        i = bisect.bisect_left(self.starts, span[1]) - 1
        return i >= 0 and self.ends[i] > span[0]

    def add(self, span: tuple[int, int]) -> None:
        i = bisect.bisect_left(self.starts, span[0])
        self.starts.insert(i, span[0])
        self.ends.insert(i, span[1])


# A web address: the digits in one are a page's or file's number, never a phone to call
# ("content_13912345678.html" is an article id), though an ID or card number there still leaks
_URL = re.compile(r"https?://[^\s<>()（）\[\]“”\"'，。；]+", re.I)


def scan_numbers(text: str) -> list[Hit]:
    hits: list[Hit] = []
    taken = _Spans()
    urls = _Spans(m.span() for m in _URL.finditer(text)) if "://" in text else _Spans()

    def add(code: str, m: re.Match[str], message: str) -> None:
        hits.append(Hit(code, m.start(), m.end(), m.group(0), message))
        taken.add(m.span())

    for m in _ID18.finditer(text):
        s = m.group(0)
        if gb11643_valid(s):
            add("E301", m, f"含有居民身份证号码 “{s[:6]}…”：公开记录不得出现身份证号，请删除")
        elif _plausible_birth(s[6:14]) and not luhn_valid(s):
            add("W301", m, f"“{s}” 形似身份证号但校验位不符：请确认它不是证件号，必要时删除")
    for m in _ID18_GROUPED.finditer(text):
        s = m.group(0)
        separators = set(re.findall(_ID_SEPARATOR, s))  # none: the plain form, found above
        if len(separators) != 1 or taken.overlaps(m.span()):
            continue
        plain_id = s.replace(separators.pop(), "")
        if gb11643_valid(plain_id) and _plausible_birth(plain_id[6:14]):
            add("E301", m, f"含有居民身份证号码 “{plain_id[:6]}…”（分段书写）：公开记录不得出现身份证号，请删除")
    for m in _ID15.finditer(text):
        if taken.overlaps(m.span()):
            continue
        s = m.group(0)
        if _plausible_birth("19" + s[6:12]):
            add("E301", m, f"含有 15 位居民身份证号码 “{s[:6]}…”：公开记录不得出现身份证号，请删除")
    for m in _CARD.finditer(text):
        if taken.overlaps(m.span()):
            continue
        d = _digits(m.group(0))
        if not 16 <= len(d) <= 19:
            continue
        if _YEARS.fullmatch(m.group(0)):  # "2016 2017 2018 2019": years, and no card number starts with 19 or 20
            continue
        if luhn_valid(d):
            add("E303", m, f"含有银行卡号 “{d[:4]}…”：公开记录不得出现银行卡号，请删除")
        else:
            add("W301", m, f"“{m.group(0)}” 形似银行卡号但校验位不符：请确认它不是卡号，必要时删除")
    for rx in (_MOBILE, _LANDLINE):
        for m in rx.finditer(text):
            if not taken.overlaps(m.span()) and not urls.overlaps(m.span()):
                add("E302", m, f"含有电话号码 “{m.group(0)}”：公开记录不得出现个人电话，请删除；官方热线可在 disclosure.allow 中说明")
    for m in _PHONE_CONTEXT.finditer(text):
        if not taken.overlaps(m.span(1)) and len(_digits(m.group(1))) >= 7:
            hits.append(Hit("E302", m.start(1), m.end(1), m.group(1),
                            f"含有电话号码 “{m.group(1)}”：公开记录不得出现个人电话，请删除"))
    return hits


# a search of its own: a character class inside an alternation of words made that six times slower
_SEX_HINT = re.compile(r"[男女][，,、)）]")
# Particles that may stand right before a name; "向王芳（女，" is 王芳. Three are also surnames, but
# before a word and a title they are the particle far more often ("和教育局长", "向有关同志"), so a
# name found before a title or 同志 never starts with one (于海洋同志 goes unnoticed).
_PARTICLES = "向于和与对由经被将把给同跟及"
# 任 (to serve as) and 应 (at the invitation of) are verbs before a title as well: "丹寨县任科技副县长",
# "应国家主席" (任建新院长 goes unnoticed; in a list of names, or before 表示, 任建新 is still found)
_VERBS_BEFORE = "任应"
# A surname that far more often begins a unit's or a body's name before a title: 党支部, 党建, 党群
_UNIT_SURNAMES = "党"
# The names listed with a found one: "对张伟、王芳等3名同志", "经办人张伟、王芳签字"
_LIST_BEFORE = re.compile(rf"{_BEFORE_NAME}(?P<name>{_SURNAME}(?!某){_GIVEN}{{1,2}})")  # before a 、
_LIST_AFTER = re.compile(rf"、(?P<name>{_SURNAME}(?!某){_GIVEN}{{1,2}}){_AFTER}")
_BEFORE_PATTERNS = (_NAME_BEFORE_COMRADE, _NAME_BEFORE_TITLE, _NAME_BIOGRAPHY, _NAME_BEFORE_DECISION, _NAME_AS_AGENT,
                    _NAME_ACCUSED, _NAME_SOURCE, _NAME_BY_ANON, _NAME_ENDING, _NAME_LISTED_COUNT, _NAME_HEADS_LIST,
                    _SUBJECT_NAME, _LIST_BEFORE, _LIST_AFTER)

# A surname with a title is how the anonymised are addressed, not a full name: 王局长, 李书记, 王董
_TITLE_GIVEN = frozenset([t for t in _TITLES if len(t) <= 2] + ["董"])
# how a person is addressed by surname, not a given name: 王老, 韩女士, 王老汉
_ADDRESS_WORDS = frozenset("老 老汉 女士 先生 大夫 师傅 阿姨 大爷 大妈 大姐 大哥 老板 老师 同志".split())


# After a title, 时 is "when" and 应 "should", hardly ever the surnames: "他担任副局长时负责的项目"
# was the full name 时负责, "局长应以" 应以
_WHEN_OR_SHOULD = "时应"
# a place after a title that ends it: "上海市长宁区" (市长 + 宁区); not 村, which ends given names (关牧村)
_PLACE_ENDS = "区县市省镇乡"
# what a person does is no given name: after a title, "时签字", "任过" read as a name and an act
_ACT_WORDS = frozenset(w for w in (*_AFTER_WORDS.split("|"), *_ACTS.split("|"), *_SAYS, *_MISCONDUCT.split("|"),
                                   *_DECISIONS.split("|"), "推动", "强调", "指出", "认为", "介绍", "提出")
                       if len(w) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w))


def _surname(name: str) -> str:
    return name[:2] if name[:2] in _SURNAMES_2 else name[0]


def _plausible_name(m: re.Match[str]) -> str | None:
    """The name a pattern found, or None where the match is a word or a unit after all."""
    name = m.group("name")
    # 和 after a title joins two people or words ("干部和群众的", "局长和王海涛在"): the name, if any,
    # follows it (the surnames 向 and 于 after a title are left to _NOT_NAMES: 于谦 is a name)
    if name[0] in _leading_words(m.re):
        if len(name) < 3 or not re.match(_SURNAME, name[1:]):
            return None
        name = name[1:]
    if m.re in _BEFORE_PATTERNS:
        surname = _surname(name)
        given = name[len(surname):]
        if (name[-1] in _UNIT_ENDS or name[-1] in _ROLE_ENDS or given == "常务" or surname in _UNIT_SURNAMES
                or given in _TITLE_GIVEN):
            return None
        if m.groupdict().get("title") in _ORG_TITLES and len(given) < 2:  # "文旅局长" heads 文旅局
            return None
    elif m.re is _NAME_AFTER_TITLE and (name[0] in _WHEN_OR_SHOULD or name[-1] in _PLACE_ENDS or name[-1] in _ROLE_ENDS):
        return None
    given = name[len(_surname(name)):]
    if (name[:2] in _NOT_NAMES or "某" in name or ordinary_word(name) or given in _ACT_WORDS
            or given in _ADDRESS_WORDS):  # (祝老同志, 王老汉)
        return None
    return name


def _leading_words(pattern: re.Pattern[str]) -> str:
    """The characters that, at the start of what `pattern` found, are a word before the name."""
    if pattern is _NAME_BEFORE_TITLE:
        return _PARTICLES + _VERBS_BEFORE
    if pattern in _BEFORE_PATTERNS:
        return _PARTICLES
    return "和" if pattern is _NAME_AFTER_TITLE else ''


def _listed_with(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The names in a list joined by 、 with the name at text[start:end], nearest first."""
    while start > 0 and text[start - 1] == "、":
        m = _name_before(text, start - 1, _LIST_BEFORE)
        if m is None:
            break
        yield m
        start = m.start("name")
    while end < len(text) and text[end] == "、":
        m = _LIST_AFTER.match(text, end)
        if m is None:
            break
        yield m
        end = m.end("name")


def _name_before(text: str, end: int, name: re.Pattern[str] = _NAME_ENDING, after: str = "") -> re.Match[str] | None:
    """The name that ends at `end`, the longest that fits (a compound surname and two characters),
    and only at the text's start or after one of the characters `after` where it is given."""
    for pos in range(max(0, end - 4), end - 1):
        if (not after or pos == 0 or text[pos - 1] in after) and (m := name.fullmatch(text, pos, end)):
            return m
    return None


def _names_before(anchor: re.Pattern[str], text: str, after: str = "") -> Iterator[re.Match[str]]:
    """The names right before each match of a rare anchor ("与李某", "等3人", "承认"): found from the
    anchor, as a pattern that starts with a surname would be tried at nearly every character."""
    for a in anchor.finditer(text):
        if m := _name_before(text, a.start(), after=after):
            yield m


_ADDRESSED_HINT = re.compile(_ADDRESSED_BY)
# a word each name pattern needs (a title, 同志, a decision, 据, 某, 等 …): a short text without any
# has no name to find, and one search tells (most texts are short: a title, a place, a citation)
_NEEDED = re.compile("|".join(sorted(
    {*_TITLES, *_ADDRESSED_BY.split("|"), "同志", "姓名", "男", "女", *_DECISIONS.split("|"), *_ACTS.split("|"),
     *_REPORTS, "据", *_SAYS, "、", "等", "某"}, key=len, reverse=True)))
_POST_HINT = re.compile(r"[（(](?:时任|原任|现任|曾任|系|原)")


def scan_names(text: str) -> list[Hit]:
    hits: list[Hit] = []
    # the shortest finding is a name and two characters: "张伟同志", "局长王芳"
    if len(text) < 4 or (len(text) < 100 and not _NEEDED.search(text)):
        return hits
    # A pattern that starts with a rare character or word reads every text: the engine skips ahead
    # to it. One that starts with a surname (nearly any character) or a look-behind reads only the
    # texts that hold what it needs after the name (str.find first: faster than a regular expression).
    # Gating the title pattern on a search for any title cost as much as the pattern itself.
    found: list[Iterable[re.Match[str]]] = [rx.finditer(text) for rx, wanted in (
        (_NAME_AFTER_TITLE, True),
        (_NAME_BEFORE_COMRADE, "同志" in text),
        (_NAME_LABEL, "姓名" in text),
        (_NAME_BEFORE_TITLE, _ADDRESSED_HINT.search(text) is not None),
        (_NAME_BIOGRAPHY, (("男" in text or "女" in text) and _SEX_HINT.search(text) is not None)
         or _POST_HINT.search(text) is not None),
    ) if wanted]
    found += [_NAME_BEFORE_DECISION.finditer(text), _NAME_AS_AGENT.finditer(text), _NAME_ACCUSED.finditer(text),
              _NAME_SOURCE.finditer(text), _names_before(_SAYING, text, _CLAUSE_START),
              _NAME_LISTED_COUNT.finditer(text)]
    if "等" in text:
        found.append(_names_before(_AND_COUNT, text))
    if "、" in text:
        found.append(_NAME_HEADS_LIST.finditer(text))
    if "某" in text:
        found += [_NAME_BY_ANON.finditer(text), _names_before(_ANON_PARTNER, text)]
    seen: set[int] = set()  # where found names end: one name can fit two patterns ("局长李建国（时任…")

    def add(m: re.Match[str]) -> bool:
        name = _plausible_name(m)
        end = m.end("name")
        if name is None or end in seen:
            return False
        seen.add(end)
        hits.append(Hit("E305", end - len(name), end, name,
                        f"疑似完整人名 “{name}”：应匿名写作 “{_surname(name)}某”；若这是对象本人且官方已公开其全名，"
                        "请设 subject.named: true 并在 sources 中注明出处"))
        return True

    for matches in found:
        for m in matches:
            if add(m):
                for listed in _listed_with(text, m.start("name"), m.end("name")):
                    if not add(listed):
                        break
    return sorted(hits, key=lambda h: h.start)


# ---- the subject's own full name (the pattern and its reasons: _SUBJECT_NAME) ----
def anonymised_surnames(text: str) -> set[str]:
    """The surnames of the people a text names by surname + 某 (李某, 欧阳某甲)."""
    return {m.group("surname") for m in ANON_SURNAME.finditer(text)} - _FUNCTION_SURNAMES if "某" in text else set()


def scan_subject_names(text: str, surnames: Iterable[str]) -> list[Hit]:
    """E305: full names with one of `surnames` (those of the record's "X某"), where a clause begins."""
    wanted = {s for s in surnames if s in text}
    if not wanted:
        return []
    hits = []
    for m in _SUBJECT_NAME.finditer(text):
        name = _plausible_name(m)  # (the words and units any name pattern excludes)
        if name is None or (surname := _surname(name)) not in wanted:
            continue
        hits.append(Hit("E305", m.end("name") - len(name), m.end("name"), name,
                        f"疑似完整人名 “{name}”：本记录把姓{surname}的人写作 “{surname}某”，这里也应写作 “{surname}某”；"
                        "若这是对象本人且官方已公开其全名，请设 subject.named: true 并在 sources 中注明出处"))
    return hits


def display_names_person(display: str) -> bool:
    """True when a subject's public name follows surname + 某 (李某, 欧阳某甲, 王某1)."""
    return bool(_ANON.search(display))


# Unicode's format characters (category Cf, Unicode 14 as in Python 3.11), as a regular-expression class
# body: invisible, and carried by text pasted from web pages and office files. The detectors read
# text without them (readable), and diagnostics show them by their code (diagnostics.printable).
FORMAT_CHARACTERS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
                     "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")

# ---- what the detectors read ----
# Text pasted from web pages and office documents can carry invisible format characters (zero-width
# space, joiners, soft hyphen, direction marks), and a Chinese input method in full-width mode types
# digits, letters and @ as full-width forms. Neither changes what a reader sees, so a number written
# "110105\u200b19491231002X" or "１１０１０５…Ｘ" must be found like the plain one. The detectors read
# the text without format characters (Unicode category Cf) and with full-width digits, letters and
# + - . @ _ as ASCII; hits are mapped back to the text as written. _ODD finds the characters that need
# this, so text without them (nearly all) costs one search.
_ODD = re.compile("[" + FORMAT_CHARACTERS + "\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff3f\uff41-\uff5a]")
# full-width digits, letters and + - . @ _ as ASCII (also what the search index holds: index.py)
HALF_WIDTH = {cp: cp - 0xFEE0 for cp in (0xFF0B, 0xFF0D, 0xFF0E, 0xFF20, 0xFF3F, *range(0xFF10, 0xFF1A),
                                         *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_INVISIBLE_NOTE = "（其中夹有看不见的字符，如零宽空格，请连同它们一起删除）"


def readable(text: str) -> tuple[str, list[int] | None]:
    """The text as the detectors read it, and where each of its characters is in `text` (None: the
    same text)."""
    if not _ODD.search(text):
        return text, None
    kept = [i for i, ch in enumerate(text) if unicodedata.category(ch) != "Cf"]
    return "".join(text[i] for i in kept).translate(HALF_WIDTH), kept


def scan_text(text: str, names: bool = True, surnames: Iterable[str] = ()) -> list[Hit]:
    """All privacy and markup hits in one text value, with spans and text as written. `surnames`:
    those of the record's "X某" (anonymised_surnames), whose full names are looked for anywhere."""
    view, where = readable(text)
    if where is None:
        return _scan(text, names, surnames)
    hits = []
    for h in _scan(view, names, surnames):
        start, end = where[h.start], where[h.end - 1] + 1
        written = text[start:end]
        hidden = any(unicodedata.category(ch) == "Cf" for ch in written)
        hits.append(Hit(h.code, start, end, written, h.message + (_INVISIBLE_NOTE if hidden else "")))
    return hits


def _scan(text: str, names: bool, surnames: Iterable[str] = ()) -> list[Hit]:
    hits: list[Hit] = []
    if _ANY_DIGIT.search(text):
        hits += scan_numbers(text)
        for m in _ADDRESS.finditer(text):
            hits.append(Hit("E306", m.start(), m.end(), m.group(0),
                            f"含有精确到门牌、楼栋或房间的地址 “{m.group(0)}”：只写到街道（乡镇）一级"))
    elif _ADDRESS_HINT.search(text):
        for m in _ADDRESS.finditer(text):
            hits.append(Hit("E306", m.start(), m.end(), m.group(0),
                            f"含有精确到门牌、楼栋或房间的地址 “{m.group(0)}”：只写到街道（乡镇）一级"))
    if any(word in text for word in _PHONE_WORDS):
        for m in _PHONE_IN_WORDS.finditer(text):
            hits.append(Hit("E302", m.start(1), m.end(1), m.group(1),
                            f"含有电话号码 “{m.group(1)}”（汉字书写）：公开记录不得出现个人电话，请删除"))
    # one character every form of an address holds (@, #, 艾特, at): six single-character `in` tests
    # cost a fifth of one regex search over all of a record's texts (0.07 s against 0.38 s at 10,000)
    if "@" in text or "#" in text or "＃" in text or "艾" in text or "t" in text or "T" in text:
        hits += scan_emails(text)
    if "<" in text or "](" in text or "]:" in text:
        for m in _HTML.finditer(text):
            hits.append(Hit("E401", m.start(), m.end(), m.group(0),
                            f"含有 HTML 标记 “{m.group(0)[:40]}”：只能使用简单 Markdown（段落、列表、强调、链接），请删除"))
        for m in _LINK_TARGET.finditer(text):
            target = next(g for g in m.groups() if g is not None)
            if target and not _SAFE_SCHEME.match(target):
                start = m.start() + m.group(0).find(target)
                hits.append(Hit("E401", start, start + len(target), target,
                                f"链接地址 “{target[:40]}” 不安全：只允许 http、https 或 mailto 链接"))
    if names:
        found = scan_names(text)
        subject = scan_subject_names(text, surnames) if surnames else []
        hits += found + [h for h in subject  # one finding for a name both ways
                         if not any(f.start < h.end and h.start < f.end for f in found)]
    return hits


def scan_emails(text: str) -> list[Hit]:
    """E304: e-mail addresses as written, then disguised ones (see _EMAIL_DISGUISED) that are not
    the same address."""
    hits = [Hit("E304", m.start(), m.end(), m.group(0), f"含有电子邮箱 “{m.group(0)}”：公开记录不得出现个人邮箱，请删除")
            for m in _EMAIL.finditer(text)] if "@" in text else []
    written = _Spans((h.start, h.end) for h in hits)
    for m in _EMAIL_DISGUISED.finditer(text):
        if not written.overlaps(m.span()):
            hits.append(Hit("E304", m.start(), m.end(), m.group(0),
                            f"含有电子邮箱 “{m.group(0)}”（把 @ 或 . 换成其他字样写的邮箱仍是邮箱）：公开记录不得出现个人邮箱，请删除"))
    return hits


def apply_allow(text: str, hits: list[Hit], allows: list[tuple[str, str]]) -> list[Hit]:
    """Drop hits covered by an exact `disclosure.allow` text for the same code."""
    if not allows:
        return hits
    spans: dict[str, list[tuple[int, int]]] = {}
    for code, allowed in allows:
        if not allowed:
            continue
        pos = text.find(allowed)
        while pos >= 0:
            spans.setdefault(code, []).append((pos, pos + len(allowed)))
            pos = text.find(allowed, pos + 1)
    return [h for h in hits if not any(a <= h.start and h.end <= b for a, b in spans.get(h.code, ()))]
