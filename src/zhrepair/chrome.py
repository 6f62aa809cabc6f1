"""Scraped page furniture ("chrome"): find it and report it as removable edits.

Pages scraped from Chinese news and company sites carry lines that are not part of the
article: 新闻中心News, 浏览次数:, 返回列表, 上一篇：…, 分享到, 【字体：大 中 小】, 搜索, and often
the title again right after the byline at the end (``…新动能。(黄轩)<title>``).

:func:`find_chrome` returns one :class:`~zhrepair.results.Edit` of kind
``EditKind.CHROME`` per chrome line (the line with its newline, and the blank lines the
removal would leave dangling), plus one edit for a repeated title. It is conservative:
only a *whole line* that matches one of :data:`CHROME_LINE_PATTERNS` is chrome, so an
article sentence that merely contains 搜索 or 分享 is never touched.

    >>> from zhrepair.chrome import find_chrome
    >>> [e.before for e in find_chrome("新闻中心News\\n\\n标题\\n\\n正文。\\n搜索")]
    ['新闻中心News\\n\\n', '\\n搜索']
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterator

import regex

from .results import Edit, EditKind

__all__ = ["CHROME_LINE_PATTERNS", "BYLINE", "find_chrome", "is_chrome_line", "merge_chrome"]

# Separators that may sit between chrome items on one line: spaces, bars, slashes, dots,
# the brackets sites wrap buttons in (【打印】【关闭】, [返回]), colons left after a label.
_SEP = r"[\s|｜/\\·•.:：,，、\[\]【】（）()<>《》「」『』-]*"

# Buttons and links that are chrome when a line consists of nothing else.
_BUTTONS = (
    "返回列表", "返回首页", "返回顶部", "返回上页", "返回上一页", "返回", "回到顶部",
    "打印本页", "打印此页", "打印本文", "打印文章", "打印",
    "关闭窗口", "关闭本页", "关闭本文", "关闭",
    "搜索", "站内搜索", "全站搜索",
    "收藏本页", "收藏本文", "加入收藏", "收藏",
    "分享", "推荐给好友", "我要纠错", "我要评论", "发表评论", "查看评论",
    "上一篇", "下一篇", "上一页", "下一页",
    "Top", "TOP", "Print", "Close", "Back", "Search",
)
_BUTTON = "(?:" + "|".join(sorted(map(regex.escape, _BUTTONS), key=len, reverse=True)) + ")"

# 【字体：大 中 小】, 字号：T|T, [字体:大 中 小] — font-size switchers.
_FONT = r"(?:字[体号]" + _SEP + r"(?:[大中小默认]" + _SEP + r"){1,4}|字[体号]" + _SEP + r"T" + _SEP + r"T)"

# Meta fields (label: value) that make up a page's byline bar.
_META_LABEL = r"(?:发布时间|发布日期|更新时间|时间|日期|来源|信息来源|文章来源|作者|编辑|责任编辑|供稿|审核|发布者|发布人)"
_COUNTER_LABEL = r"(?:浏览次数|浏览量|点击数|点击次数|点击量|阅读次数|阅读数|阅读量|访问次数|人气)"
_SHARE_TARGETS = (r"(?:微信|微博|新浪微博|腾讯微博|朋友圈|QQ空间|QQ好友|QQ|人人网|豆瓣|百度|更多|复制链接"
                  r"|(?i:facebook|twitter|weibo|wechat))")
_META_VALUE = r"[^\s。！？!?；;]{0,30}?"  # a short value; never a sentence
_DATE = r"\d{2,4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"

CHROME_LINE_PATTERNS: tuple[regex.Pattern[str], ...] = (
    # Section headers of the site: 新闻中心, 新闻中心News, 新闻动态 NEWS CENTER.
    regex.compile(r"(?:新闻中心|新闻动态|新闻资讯)\s*(?i:news(?:\s*cent(?:er|re))?)?"),
    # A bare language switch or English section label: News, English, ENGLISH VERSION.
    regex.compile(r"(?i:news|english(?:\s+version)?)"),
    # Breadcrumbs: 当前位置：首页 > 新闻中心 > 公司新闻.
    regex.compile(r"(?:(?:当前|您的|你的)?位置[:：]\s*)?(?:网站)?首页\s*(?:[>＞»›]\s*[^>＞»›\n]{0,20}?\s*)+"),
    # View counters, alone or in a byline bar: 浏览次数:, 点击数：128次, 来源：本站 浏览次数：3.
    regex.compile(
        rf"(?:{_META_LABEL}[:：]\s*{_META_VALUE}\s+|{_DATE}\s+)*"
        rf"{_COUNTER_LABEL}\s*(?:[:：]\s*\d*|\d+)\s*次?"
        rf"(?:\s+(?:{_META_LABEL}|{_COUNTER_LABEL})[:：]\s*{_META_VALUE})*"
    ),
    # 责任编辑：张三 / （责任编辑：张三） as a line of its own.
    regex.compile(r"[【\[（(]?\s*责任编辑\s*[:：]\s*[^\s。！？!?，,；;]{1,20}\s*[】\]）)]?"),
    # 来源：新华网 as a standalone header line (never inside a sentence).
    regex.compile(r"[【\[（(]?\s*(?:信息|文章)?来源\s*[:：]\s*[^\s。！？!?，,；;]{1,30}\s*[】\]）)]?"),
    # Previous / next article links: 上一篇：…, 下一篇：没有了, 上一条 … 下一条 ….
    regex.compile(r"(?:上一[篇条]|上篇)\s*[:：][^\n]{0,80}?(?:\s+(?:下一[篇条]|下篇)\s*[:：][^\n]{0,80})?"),
    regex.compile(r"(?:下一[篇条]|下篇)\s*[:：][^\n]{0,80}"),
    # Share widgets: 分享到：, 分享到：微信 微博 QQ空间 (only known share targets after it).
    regex.compile(rf"{_SEP}分享到{_SEP}(?:{_SHARE_TARGETS}{_SEP})*"),
    # Button rows: 返回列表, 搜索, 打印本页 关闭窗口, 【打印】【关闭】, 【字体：大 中 小】 【打印】.
    regex.compile(rf"{_SEP}(?:(?:{_BUTTON}|{_FONT}){_SEP})+"),
)

# The numbers below are structural choices, not fitted: chrome is matched by pattern.
# Lines longer than this are article text, whatever they contain (a long breadcrumb or
# byline bar is under 100 characters; 160 leaves room).
_MAX_CHROME_LINE = 160

# A byline at the end of an article: (黄轩), （记者 张三）, (编辑：李四).
_BYLINE_INNER = 20  # characters inside the brackets, at most
BYLINE = regex.compile(rf"[（(][^（）()\n]{{1,{_BYLINE_INNER}}}[)）]")
_BYLINE_SPAN = _BYLINE_INNER + 2  # the longest byline with its brackets

# What a title looks like: short (4-100 characters), no sentence-ending punctuation at its end.
_TITLE_MAX, _TITLE_MIN = 100, 4
_SENTENCE_END = regex.compile(r"[。！？!?；;…]\s*$")

_LINE = regex.compile(r"[^\n]*\n|[^\n]+")
_WS = " \t\r\f\v\u3000\u00a0\ufeff"


@dataclass
class _Line:
    start: int  # offset of the first character
    end: int  # offset after the content (before "\r\n" / "\n")
    stop: int  # offset after the line terminator
    kind: str  # "blank", "chrome" or "content"


# All patterns in one, to test a line in a single pass.
_ANY_CHROME = regex.compile("|".join(f"(?:{p.pattern})" for p in CHROME_LINE_PATTERNS))


def is_chrome_line(line: str) -> bool:
    """Whether one line (without its newline) is page furniture."""
    s = line.strip(_WS)
    if not s or len(s) > _MAX_CHROME_LINE:
        return False
    return _ANY_CHROME.fullmatch(s) is not None


def _lines(text: str, match: str) -> list[_Line]:
    out = []
    for m in _LINE.finditer(text):
        start, stop = m.span()
        end = stop - 1 if text.endswith("\n", start, stop) else stop
        if end > start and text[end - 1] == "\r":
            end -= 1
        content = match[start:end]
        kind = "blank" if not content.strip(_WS) else ("chrome" if is_chrome_line(content) else "content")
        out.append(_Line(start, end, stop, kind))
    return out


def _title(lines: list[_Line], match: str) -> _Line | None:
    """The first content line, when it looks like a title."""
    for ln in lines:
        if ln.kind == "content":
            s = match[ln.start : ln.end].strip(_WS)
            if _TITLE_MIN <= len(s) <= _TITLE_MAX and not _SENTENCE_END.search(s):
                return ln
            return None
    return None


def _repeated_title(lines: list[_Line], match: str) -> Edit | None:
    """The title again at the end of the article, right after a byline.

    Either on the last content line (``…。(黄轩)<title>``): that edit removes the title
    and the spaces around it; or as a line of its own after a line ending in a byline:
    that line is then marked chrome and removed like one.
    """
    title_line = _title(lines, match)
    content = [ln for ln in lines if ln.kind == "content"]
    if title_line is None or len(content) < 2:
        return None
    title = match[title_line.start : title_line.end].strip(_WS)
    last = content[-1]
    s = match[last.start : last.end]
    body = s.rstrip(_WS)
    if body.endswith(title):
        cut = len(body) - len(title)
        head = body[:cut].rstrip(_WS)
        m = BYLINE.search(head, pos=max(0, len(head) - _BYLINE_SPAN))
        if m and m.end() == len(head):
            start = last.start + len(head)
            return Edit(start, last.end, "", "", 1.0, EditKind.CHROME, "chrome")
        if not head and len(content) >= 3:  # the title alone on the last content line
            prev = content[-2]
            p = match[prev.start : prev.end].rstrip(_WS)
            m = BYLINE.search(p, pos=max(0, len(p) - _BYLINE_SPAN))
            if m and m.end() == len(p):
                last.kind = "chrome"
    return None


def _removals(lines: list[_Line], text: str) -> Iterator[tuple[int, int]]:
    """Spans to delete: each chrome line with the blank lines its removal leaves dangling."""
    n = len(lines)
    i = 0
    while i < n:
        if lines[i].kind == "content":
            i += 1
            continue
        j = i
        while j < n and lines[j].kind != "content":
            j += 1
        group = lines[i:j]
        if any(ln.kind == "chrome" for ln in group):
            at_edge = i == 0 or j == n
            kept_blank_run = False
            keep: set[int] = set()
            if not at_edge:  # keep the first run of blank lines as the paragraph break
                for k, ln in enumerate(group):
                    if ln.kind == "blank":
                        keep.add(k)
                        kept_blank_run = True
                    elif kept_blank_run:
                        break
            spans: list[list] = []  # [start, stop, has_chrome]
            cur: list | None = None
            for k, ln in enumerate(group):
                if k in keep:
                    cur = None
                elif cur is None or (ln.kind == "chrome" and cur[2]):
                    cur = [ln.start, ln.stop, ln.kind == "chrome"]
                    spans.append(cur)
                else:  # blank lines go with the chrome line before (or after) them
                    cur[1], cur[2] = ln.stop, cur[2] or ln.kind == "chrome"
            if j == n and i > 0 and not text.endswith("\n") and spans:
                # The document ends without a newline: so must the cleaned document.
                prev = lines[i - 1]
                spans[0][0] = prev.end
            for sp in spans:
                yield sp[0], sp[1]
        i = j


def find_chrome(text: str, *, match_text: str | None = None) -> list[Edit]:
    """Edits (kind ``CHROME``, ``after=""``) removing the page furniture of *text*.

    *match_text*: an optional same-length copy of *text* to match the patterns against,
    e.g. the simplified-script view of traditional input (offsets and ``before`` are
    always those of *text*). The edits are sorted and do not overlap; applying them and
    calling :func:`find_chrome` again finds nothing.
    """
    match = match_text if match_text is not None and len(match_text) == len(text) else text
    lines = _lines(text, match)
    if not any(ln.kind == "chrome" for ln in lines) and "(" not in match and "（" not in match:
        return []
    title_edit = _repeated_title(lines, match)
    edits = [
        Edit(s, e, text[s:e], "", 1.0, EditKind.CHROME, "chrome") for s, e in _removals(lines, text) if e > s
    ]
    if title_edit is not None:
        s, e = title_edit.start, title_edit.end
        edits.append(Edit(s, e, text[s:e], "", 1.0, EditKind.CHROME, "chrome"))
    edits.sort(key=lambda e: e.start)
    return edits


def merge_chrome(edits: list[Edit], chrome_edits: list[Edit]) -> list[Edit]:
    """*edits* plus the page-furniture removals *chrome_edits*; a removal wins over edits inside it."""
    if not chrome_edits:
        return edits
    spans = [(c.start, c.end) for c in chrome_edits]
    starts = [s for s, _ in spans]

    def inside_chrome(e: Edit) -> bool:
        k = bisect.bisect_right(starts, e.start) - 1
        return any(s < e.end and e.start < t for s, t in spans[max(k, 0) : k + 2])

    kept = [e for e in edits if not inside_chrome(e)]
    return sorted(kept + chrome_edits, key=lambda e: (e.start, e.end))
