"""Finding the pledges (军令状) in the repaired text of an arena: rule-based and explainable.

The text is cut into speakers' parts: a paragraph that opens with a unit's name, one
of its aliases or its short name, or names the unit with a secretary's title
(``李沧区委书记``), starts that unit's part. Each part is cut into sentences and
clauses (at ``，`` and ``；``). A clause is a pledge when it carries a word of intent
(将, 力争, 确保, 争取, 年内, 全年, 每月 …) or a verb of achievement (实现, 完成)
without any mark of a report of what was done (一季度, 1-4月, 已, 新完成, 同比 …);
a clause with neither takes the mode of the clause before it in the sentence, so
that ``力争…2个以上、过30亿项目5个以上`` yields two pledges.

Within a pledge clause every quantity is a number (Arabic or Chinese, with 万/亿),
then a measure word (个, 家, 座 …), then optionally 以上/以内; the object is the noun
phrase before the number or right after the measure word; the deadline comes from
上半年 (30 June), 三季度 (30 September), N月底 (that month's end), 年内/全年/年底
(31 December); 每月 N makes a monthly rate, pledged as N × 12 for the year.

Every :class:`Pledge` keeps its evidence: the sentence and the span of the figure
in the text, and the reasons behind its confidence.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Pledge", "Speaker", "extract_pledges", "speakers_of", "unit_names"]

# ---------------------------------------------------------------------------
# Words

STRONG_INTENT = (
    "将",
    "力争",
    "确保",
    "争取",
    "计划",
    "年内",
    "全年",
    "年底前",
    "到年底",
    "每月",
    "下半年",
    "目标是",
    "承诺",
    "要",
)
WEAK_INTENT = ("实现", "完成", "达到", "突破")
REPORT = (
    "一季度",
    "第一季度",
    "1-4月",
    "1—4月",
    "1至4月",
    "1-3月",
    "前4个月",
    "今年以来",
    "截至",
    "截止",
    "去年",
    "上年",
    "已",
    "新完成",
    "同比",
    "累计",
    "共完成",
)
VERBS = (
    "引进",
    "招引",
    "签约",
    "新开工",
    "开工",
    "竣工",
    "建成",
    "落地",
    "新增",
    "培育",
    "打造",
    "提升",
    "改造",
    "推进",
    "实施",
    "完成",
    "实现",
    "达到",
    "突破",
)
# Measure words, longest first; "项" only when not the start of 项目.
MEASURES = (
    "万平方米",
    "平方米",
    "亿元",
    "万元",
    "公里",
    "个百分点",
    "个",
    "项(?!目)",
    "家",
    "座",
    "栋",
    "幢",
    "处",
    "条",
    "所",
    "套",
    "户",
    "人",
    "名",
    "亩",
    "场",
    "列",
    "吨",
    "%",
)
# After 万/亿 these keep the multiplier in the measure (5万亩, 30亿元); counts multiply out.
_KEEP_MULTIPLIER = ("亩", "平方米", "元", "吨", "千瓦", "公里")
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_NUMBER = rf"(?P<num>\d+(?:\.\d+)?|[{_CN_DIGITS}]+)(?P<mult>[万亿])?"
_QUANTITY = re.compile(rf"{_NUMBER}(?P<measure>{'|'.join(MEASURES)})(?P<bound>以上|左右|以内)?")
_AT_LEAST_BEFORE = ("不少于", "不低于", "超过", "至少")
_TITLES = ("区委书记", "市委书记", "县委书记", "党工委书记", "委书记", "书记", "区长", "市长")

# ---------------------------------------------------------------------------
# Speakers


@dataclass(frozen=True)
class Speaker:
    """A unit's part of the text: ``text[start:end]`` is what its speaker said."""

    unit: str | None
    start: int
    end: int


def unit_names(units: Iterable[object]) -> dict[str, str]:
    """Every name a unit is called by → the unit's id, longest names first.

    ``units`` are scheme units (``id``, ``name``, optional ``aliases``). Besides the
    name and aliases, the name without a bracketed part (``黄岛区`` of
    ``黄岛区（西海岸新区）``), the bracketed part itself, and the short name without
    its last character 区/市/县 (``李沧``) are used when they are at least two characters.
    """
    names: dict[str, str] = {}
    for unit in units:
        ident = str(unit.id)  # type: ignore[attr-defined]
        name = str(unit.name)  # type: ignore[attr-defined]
        candidates = [name, *getattr(unit, "aliases", ())]
        bracket = re.match(r"^(.+?)[（(](.+?)[)）]$", name)
        if bracket:
            candidates += [bracket.group(1), bracket.group(2)]
        for candidate in list(candidates):
            if len(candidate) >= 3 and candidate[-1] in "区市县":
                candidates.append(candidate[:-1])
        for candidate in candidates:
            if len(candidate) >= 2:
                names.setdefault(candidate, ident)
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


def _opening_unit(paragraph: str, names: dict[str, str]) -> str | None:
    """The unit a paragraph opens with (after a bracket, a number or a title of a part)."""
    head = re.sub(r"^[\s#*【\[（(一二三四五六七八九十\d、.．]*", "", paragraph)[:40]
    for name, ident in names.items():
        if head.startswith(name):
            rest = head[len(name) :]
            if not rest or rest[0] in "：:】]）)，, " or rest.startswith(_TITLES):
                return ident
            if re.match(r"^[\u4e00-\u9fff]{0,4}(书记|区长|市长)", rest):
                return ident
    for name, ident in names.items():
        if re.search(rf"{re.escape(name)}[\u4e00-\u9fff]{{0,2}}({'|'.join(_TITLES)})", head[:30]):
            return ident
    return None


_NEW_SPEAKER = re.compile(r"^\W{0,3}[^，。：:]{0,12}(书记|区长|市长)|^【[^】]{1,12}】")


def _mentioned_unit(paragraph: str, names: dict[str, str]) -> str | None:
    """The one unit a paragraph names, if it names exactly one."""
    found = {ident for name, ident in names.items() if name in paragraph}
    return found.pop() if len(found) == 1 else None


def speakers_of(text: str, names: dict[str, str]) -> list[Speaker]:
    """The parts of the text, each with the unit speaking (None before the first one).

    A paragraph that opens like a new speaker's (``…书记``, ``【…】``) but whose unit
    cannot be read (a damaged name) is given to the one unit its text names, or to
    no unit: never to the speaker before.
    """
    parts: list[Speaker] = []
    unit: str | None = None
    start = 0
    position = 0
    for paragraph in text.split("\n"):
        found = _opening_unit(paragraph, names) if paragraph.strip() else None
        if found is None and paragraph.strip() and _NEW_SPEAKER.search(paragraph.strip()):
            found = _mentioned_unit(paragraph, names) or ""
        if found is not None and found != unit:
            if position > start:
                parts.append(Speaker(unit, start, position))
            unit, start = found, position
        position += len(paragraph) + 1
    parts.append(Speaker(unit, start, len(text)))
    parts = [Speaker(p.unit or None, p.start, p.end) for p in parts]
    return [p for p in parts if p.end > p.start]


# ---------------------------------------------------------------------------
# Pledges


@dataclass(frozen=True)
class Pledge:
    """A proposed pledge: a quantified commitment of a unit, with its evidence.

    Attributes
    ----------
    unit : str or None
        The unit's id; None when the text does not say who spoke.
    name : str
        What is to be done, as said (``引进投资过百亿项目``).
    value : float
        The figure due by the deadline; for a monthly rate, the rate times 12.
    measure : str
        The measure word (``个``, ``家``, ``亿元``, ``%``).
    deadline : datetime.date
    bound : {"at_least", "about", "at_most", "exact"}
    rate : float or None
        The monthly rate when the pledge was ``每月 N``.
    sentence : str
        The sentence it was found in.
    start, end : int
        The span of the figure in the repaired text.
    sentence_start : int
        Where the sentence starts in the repaired text.
    confidence : float
        Between 0 and 1.
    reasons : tuple of str
        The words that made it a pledge and set its confidence.
    """

    unit: str | None
    name: str
    value: float
    measure: str
    deadline: dt.date
    bound: str
    rate: float | None
    sentence: str
    start: int
    end: int
    sentence_start: int
    confidence: float
    reasons: tuple[str, ...] = field(default=())

    @property
    def key(self) -> tuple[str | None, float, str, dt.date]:
        """``(unit, value, measure, deadline)``: what the corpus is scored on."""
        return (self.unit, self.value, self.measure, self.deadline)


def _sentences(text: str, start: int, end: int) -> list[tuple[int, str]]:
    out = []
    for match in re.finditer(r"[^。！？!?\n]+[。！？!?]?", text[start:end]):
        if match.group(0).strip():
            out.append((start + match.start(), match.group(0)))
    return out


def _clauses(sentence: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in re.finditer(r"[^，；,;：:]+[，；,;：:]?", sentence)]


def _has(clause: str, words: Sequence[str]) -> list[str]:
    return [w for w in words if w in clause]


def _mode(clause: str, previous: str | None) -> tuple[str | None, list[str]]:
    """``"pledge"``, ``"report"`` or None, with the words that decided it."""
    intent = _has(clause, STRONG_INTENT)
    report = _has(clause, REPORT)
    weak = _has(clause, WEAK_INTENT)
    # "要" only counts as intent when a verb follows it soon.
    if intent == ["要"] and not re.search(
        r"要[\u4e00-\u9fff]{0,3}(" + "|".join(VERBS) + ")", clause
    ):
        intent = []
    if report and not intent:
        return "report", report
    if report and intent and any(w in ("已", "新完成", "开行") for w in report):
        return "report", report
    if intent:
        return "pledge", intent
    if weak:
        return "pledge", weak
    return previous, []


def _number(text: str, mult: str | None) -> float | None:
    import cn2an

    try:
        value = (
            float(text)
            if re.fullmatch(r"\d+(?:\.\d+)?", text)
            else float(cn2an.cn2an(text, "smart"))
        )
    except (ValueError, KeyError, TypeError):
        return None
    return value * {"万": 1e4, "亿": 1e8, None: 1}[mult]


def _deadline(sentence: str, year: int) -> tuple[dt.date, str | None]:
    if "上半年" in sentence:
        return dt.date(year, 6, 30), "上半年"
    if "三季度" in sentence or "前三季度" in sentence:
        return dt.date(year, 9, 30), "三季度"
    month = re.search(r"(\d{1,2}|[一二三四五六七八九十]{1,2})月(底|末)前?", sentence)
    if month:
        number = _number(month.group(1), None)
        if number is not None and 1 <= number <= 12:
            m = int(number)
            return dt.date(year, m, calendar.monthrange(year, m)[1]), month.group(0)
    for word in ("年内", "全年", "年底", "今年"):
        if word in sentence:
            return dt.date(year, 12, 31), word
    return dt.date(year, 12, 31), None


def _object(clause: str, match: re.Match[str], verb_before: str) -> str:
    """The verb and noun phrase before the number (``引进重点项目``), or after the measure."""
    before = re.split(r"[、，；：,;:]", clause[: match.start()])[-1]
    for word in (*STRONG_INTENT, "上半年", "下半年", "三季度", *_AT_LEAST_BEFORE):
        before = before.replace(word, "")
    verb = _verb(before)
    if verb:
        before = before[before.index(verb) :]
    before = re.sub(r"^[的和及与在对把]+", "", before).strip()
    after = re.match(r"[\u4e00-\u9fff]{1,8}", clause[match.end() :])
    name = before
    if len(name) < 2 and after:
        name = (name + after.group(0)).strip()
    if name and not verb and verb_before:
        name = verb_before + name
    return name[:60]


def _verb(text: str) -> str:
    """The first verb of :data:`VERBS` in the text, by position."""
    found = [(text.index(v), -len(v), v) for v in VERBS if v in text]
    return min(found)[2] if found else ""


def _pledges_in_clause(
    clause: str,
    offset: int,
    sentence: str,
    sentence_start: int,
    unit: str | None,
    when: tuple[dt.date, str | None],
    reasons: list[str],
) -> list[Pledge]:
    found = []
    deadline, deadline_word = when
    verb = ""
    for segment_match in re.finditer(r"[^、]+", clause):
        segment = segment_match.group(0)
        verb = _verb(segment) or verb
        for match in _QUANTITY.finditer(segment):
            if _is_not_a_figure(segment, match):
                continue
            value, measure = _figure(match)
            if value is None or value <= 0:
                continue
            rate = None
            why = list(reasons)
            if "每月" in segment or "每月" in clause:
                rate, value = value, value * 12
                why.append("每月")
            bound = {"以上": "at_least", "左右": "about", "以内": "at_most"}.get(
                match.group("bound") or "", "exact"
            )
            if any(w in segment[: match.start()] for w in _AT_LEAST_BEFORE):
                bound = "at_least"
            if deadline_word:
                why.append(deadline_word)
            name = _object(segment, match, verb)
            if rate is not None:
                name = f"{name}（每月{rate:g}{measure}）"
            start = sentence_start + offset + segment_match.start() + match.start()
            found.append(
                Pledge(
                    unit=unit,
                    name=name or segment.strip("，；、。 ")[:60],
                    value=value,
                    measure=measure,
                    deadline=deadline,
                    bound=bound,
                    rate=rate,
                    sentence=sentence.strip(),
                    start=start,
                    end=start + len(match.group(0)),
                    sentence_start=sentence_start,
                    confidence=_confidence(why, unit, name, bound),
                    reasons=tuple(dict.fromkeys(why)),
                )
            )
    return found


def _figure(match: re.Match[str]) -> tuple[float | None, str]:
    """The value and the measure word of a matched quantity."""
    number, mult, measure = match.group("num"), match.group("mult"), match.group("measure")
    if number in ("一", "两", "几"):
        return None, measure  # 一批, 一个中心: a manner of speaking, not a figure
    if mult and measure.startswith(_KEEP_MULTIPLIER):
        return _number(number, None), mult + measure
    return _number(number, mult), measure


def _is_not_a_figure(segment: str, match: re.Match[str]) -> bool:
    """A date, an ordinal, a threshold (过10亿元项目) or a range, not a pledged quantity."""
    before = segment[max(0, match.start() - 1) : match.start()]
    after = segment[match.end() : match.end() + 1]
    if before in ("第", "-", "—", "至", "~"):
        return True
    # 过10亿元项目, 超千万元楼宇: the figure qualifies the object that follows it.
    if (
        before in ("过", "超")
        and re.match(r"[\u4e00-\u9fff]", after)
        and not after.startswith(("以", "左"))
    ):
        return True
    # 5-10个: a range is not one figure; never guess which end was meant.
    if re.match(r"[-—~至到]\d", segment[match.end() - len(match.group("measure")) :]):
        return True
    return match.group("measure") == "个" and after == "月"


def _confidence(reasons: list[str], unit: str | None, name: str, bound: str) -> float:
    score = 0.5
    if any(w in STRONG_INTENT for w in reasons):
        score += 0.2
    if any(w in ("上半年", "年内", "全年", "年底", "三季度") or "月" in w for w in reasons):
        score += 0.1
    if len(name) >= 2:
        score += 0.1
    if bound == "about":
        score -= 0.1
    if unit is None:
        score -= 0.3
    return round(max(0.05, min(score, 0.95)), 2)


def extract_pledges(
    text: str,
    *,
    units: Iterable[object] = (),
    date: dt.date | None = None,
) -> list[Pledge]:
    """Propose the pledges made in an arena's repaired text.

    Parameters
    ----------
    text : str
        The text after :func:`leitai.text.repair`.
    units : iterable of scheme units
        Who may speak (``id``, ``name``, optional ``aliases``).
    date : datetime.date, optional
        The day of the arena; its year dates the deadlines (today's by default).

    Returns
    -------
    list of Pledge
        In the order of the text.

    Examples
    --------
    >>> from types import SimpleNamespace as U
    >>> p = extract_pledges(
    ...     "李沧区委书记：一季度引进项目3个。力争全年引进投资过百亿项目2个以上、过30亿项目5个以上。",
    ...     units=[U(id="licang", name="李沧区")], date=dt.date(2023, 5, 27))
    >>> [(x.unit, x.value, x.measure, x.deadline.isoformat()) for x in p]
    [('licang', 2.0, '个', '2023-12-31'), ('licang', 5.0, '个', '2023-12-31')]
    """
    year = (date or dt.date.today()).year
    names = unit_names(units)
    pledges: list[Pledge] = []
    for speaker in speakers_of(text, names):
        for sentence_start, sentence in _sentences(text, speaker.start, speaker.end):
            mode: str | None = None
            when: tuple[dt.date, str | None] = (dt.date(year, 12, 31), None)
            for offset, clause in _clauses(sentence):
                mode, why = _mode(clause, mode)
                found = _deadline(clause, year)
                when = found if found[1] is not None else when
                if mode != "pledge":
                    continue
                pledges.extend(
                    _pledges_in_clause(
                        clause, offset, sentence, sentence_start, speaker.unit, when, why
                    )
                )
    return pledges
