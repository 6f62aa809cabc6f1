"""Page chrome removal: the sample page, typical furniture, and text that must never change."""

from __future__ import annotations

import pytest

from conftest import SAMPLE_DIR
from zhrepair import EditKind, apply_edits
from zhrepair.chrome import CHROME_LINE_PATTERNS, find_chrome, is_chrome_line

SAMPLE = SAMPLE_DIR / "spun.txt"
TITLE = "创新武汉黄陂:党建引颈与科技立异“两翼齐飞” 为高质地繁荣注入新动能"


def clean(text: str, **kw) -> str:
    return apply_edits(text, find_chrome(text, **kw))


@pytest.fixture(scope="module")
def sample() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_sample_loses_exactly_its_chrome(sample):
    edits = find_chrome(sample)
    assert all(e.kind is EditKind.CHROME and e.source == "chrome" and e.after == "" for e in edits)
    assert [e.before for e in edits] == ["新闻中心News\n\n", "浏览次数:\n", "返回列表\n", TITLE, "\n\n搜索"]
    for e in edits:
        assert sample[e.start : e.end] == e.before
    assert [(a.end <= b.start) for a, b in zip(edits, edits[1:])] == [True] * (len(edits) - 1)
    out = apply_edits(sample, edits)
    assert out.startswith(TITLE + "\n\n2024-09-11 20:02:07\n\n  本年来,")
    assert out.endswith("新动能、新上风。(黄轩)")
    assert out.count(TITLE) == 1
    # Nothing else changed: the article lines are all still there, in order.
    kept = [ln for ln in sample.split("\n") if ln and ln not in ("新闻中心News", "浏览次数:", "返回列表", "搜索")]
    kept[-1] = kept[-1][: -len(TITLE)]
    assert [ln for ln in out.split("\n") if ln] == kept


def test_idempotent_on_sample(sample):
    assert find_chrome(clean(sample)) == []


def test_traditional_view_via_match_text(sample):
    opencc = pytest.importorskip("opencc")
    trad = opencc.OpenCC("s2t").convert(sample)
    assert len(trad) == len(sample)
    assert "瀏覽次數:" in trad
    edits = find_chrome(trad, match_text=sample)
    assert [e.before for e in edits][1] == "瀏覽次數:\n"
    assert [(e.start, e.end) for e in edits] == [(e.start, e.end) for e in find_chrome(sample)]


FURNITURE = [
    "新闻中心",
    "新闻中心News",
    "新闻动态 NEWS CENTER",
    "News",
    "English",
    "浏览次数:",
    "浏览次数：1234",
    "点击数：56次",
    "阅读量:12",
    "来源：本站 浏览次数：3",
    "发布时间：2024-09-11 点击数：8",
    "返回列表",
    "搜索",
    "【打印本页】【关闭窗口】",
    "打印本页 关闭窗口",
    "[返回] [打印] [关闭]",
    "【字体：大 中 小】",
    "【字体：大 中 小】【打印】【关闭】",
    "上一篇：黄陂区召开科技创新大会",
    "下一篇：没有了",
    "上一篇：甲 下一篇：乙",
    "上一篇 下一篇",
    "分享到：",
    "分享到：微信 微博 QQ空间",
    "责任编辑：张三",
    "（责任编辑：李四）",
    "来源：新华网",
    "当前位置：首页 > 新闻中心 > 公司新闻",
    "返回顶部",
    "  搜索  ",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_lines_are_chrome(line):
    assert is_chrome_line(line)
    text = f"标题在这里\n\n正文第一句。\n{line}\n正文第二句。"
    out = clean(text)
    assert out == "标题在这里\n\n正文第一句。\n正文第二句。"


# Article text that contains the chrome words and must never change (≥ 30).
CLEAN_SENTENCES = [
    "用户可以通过站内搜索快速找到所需的政策文件。",
    "搜索引擎优化是网站运营的重要工作。",
    "他在网上搜索了相关资料后才做出决定。",
    "分享到朋友圈的内容越来越多，引发热议。",
    "专家分享了科技创新的经验和做法。",
    "欢迎大家把好的经验分享给身边的人",
    "会后，代表们返回各自的工作岗位。",
    "返回列表中的数据需要逐条核对。",
    "请返回上一步重新填写表格。",
    "打印本页内容前请先预览。",
    "这台打印机可以打印彩色照片。",
    "关闭窗口之前请保存你的工作。",
    "工厂已经关闭了三条落后生产线。",
    "新闻中心的记者第一时间赶到现场。",
    "市政府新闻中心举行新闻发布会",
    "浏览次数最多的文章是关于教育改革的报道。",
    "该视频的点击数已经超过一百万次。",
    "上一篇文章介绍了黄陂区的产业布局。",
    "下一篇报道将聚焦人才引进工作。",
    "他的上一篇论文获得了优秀奖",
    "来源于生活的艺术才能打动人心。",
    "据介绍，资金来源主要是财政拨款。",
    "责任编辑的工作十分繁重。",
    "她的English水平很高，经常参加国际交流。",
    "News栏目每天更新三次。",
    "字体大小可以在设置中调整。",
    "首页设计简洁大方，用户体验良好。",
    "首页/内页设计需要注意色彩搭配",
    "分享到微博后引发了网友的广泛讨论",
    "点击量",
    "当前位置是关键因素。",
    "他在搜索结果中找到了答案，并分享到了工作群。",
    "  本年来，黄陂区坚持以机关党建引领深化创新驱动发展。",
    "(黄轩)",
]


@pytest.mark.parametrize("sentence", CLEAN_SENTENCES)
def test_clean_sentences_unchanged(sentence):
    assert not is_chrome_line(sentence)
    for text in (sentence, f"标题\n\n{sentence}\n\n正文。", f"{sentence}\n"):
        assert find_chrome(text) == []


def test_enough_negative_cases():
    assert len(CLEAN_SENTENCES) >= 30


def test_patterns_are_data():
    assert isinstance(CHROME_LINE_PATTERNS, tuple) and len(CHROME_LINE_PATTERNS) >= 5
    assert all(hasattr(p, "fullmatch") for p in CHROME_LINE_PATTERNS)


def test_title_repeated_on_own_line_after_byline():
    text = "一个很好的标题\n\n正文第一段。\n\n正文第二段。（记者 张三）\n一个很好的标题\n"
    edits = find_chrome(text)
    assert [e.before for e in edits] == ["一个很好的标题\n"]
    assert clean(text) == "一个很好的标题\n\n正文第一段。\n\n正文第二段。（记者 张三）\n"


def test_title_repeated_without_byline_is_kept():
    text = "一个很好的标题\n\n正文第一段。一个很好的标题"
    assert find_chrome(text) == []


def test_title_inside_article_is_kept():
    text = "一个很好的标题\n\n(黄轩)一个很好的标题是这样写的。\n\n最后一段。"
    assert find_chrome(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("搜索", ""),
        ("", ""),
        ("\n\n", "\n\n"),
        ("正文。\n\n搜索\n", "正文。\n"),
        ("正文。\r\n搜索\r\n", "正文。\r\n"),
        ("正文。\n\n搜索\n\n下一段。", "正文。\n\n下一段。"),
        ("新闻中心\n返回列表\n\n\n标题\n正文。", "标题\n正文。"),
        ("正文。\n浏览次数:\n返回列表\n\n下一段。", "正文。\n\n下一段。"),
    ],
)
def test_blank_lines_around_removed_chrome(text, expected):
    edits = find_chrome(text)
    out = apply_edits(text, edits)
    assert out == expected
    assert find_chrome(out) == []
