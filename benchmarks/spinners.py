"""The spinners the benchmarks simulate: the sample's own, and the public dictionaries.

* :func:`sample_spinner` — the sample's pairs (``data/sample/pairs.tsv`` inverted to
  original → spun; see :func:`sample_pairs` for one-character originals), the char swaps,
  and 创新 keyword stuffing, in blind find-and-replace mode. Every rate is measured on
  the sample itself: word swaps hit every occurrence; a char swap's rate is
  swapped / (swapped + untouched) occurrences of its character in the sample (关→闭 1.0,
  新→更 about 0.1); stuffing is deletions of 创新 before ，。； / those marks.
* :func:`public_spinner` — one file of ``../shared/data/spinner-dicts`` (``original<TAB>spun``),
  blind find-and-replace on every occurrence, random choice among an original's forms.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .corpus import spinner_dicts_dir
from .simulator import SpinnerSpec, pairs_from_tsv

SAMPLE_DIR = Path(__file__).resolve().parent / "data" / "sample"
STUFFING_KEYWORD = "创新"
PUNCT = "，。；,;"

# original char -> spun char; used until src/zhrepair/data/char_swaps.tsv exists
FALLBACK_CHAR_SWAPS = {"关": "闭", "建": "筑", "鼓": "胀", "领": "颈", "小": "幼", "众": "多", "制": "造", "新": "更"}


def char_swaps() -> dict[str, str]:
    """original char → spun char, from the shipped ``char_swaps.tsv`` (spun first) or the fallback."""
    try:
        text = resources.files("zhrepair").joinpath("data").joinpath("char_swaps.tsv").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return dict(FALLBACK_CHAR_SWAPS)
    swaps: dict[str, str] = {}
    for original, forms in pairs_from_tsv(text.splitlines(), spun_first=True).items():
        if len(original) == 1 and len(forms[0]) == 1:
            swaps[original] = forms[0]
    return swaps or dict(FALLBACK_CHAR_SWAPS)


def sample_edits() -> list[dict]:
    with open(SAMPLE_DIR / "edits.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def sample_pairs(swaps: dict[str, str] | None = None) -> dict[str, list[str]]:
    """original → spun forms: ``pairs.tsv`` inverted, deletions excluded.

    A one-character original would hit that character everywhere in blind mode, so it is
    kept only when it is the first reading of a sure edit and not a char-swap rule:
    正在→在 stays (the sample swaps every 在), 聚会→会议|会's 会, 隔断→距离|距's 距 and
    the char swaps 更→新, 筑→建 (done by the char-swap pass at their own rates) go.
    """
    swaps = char_swaps() if swaps is None else swaps
    first_readings = {e["gold"][0] for e in sample_edits() if e["sure"]}
    with open(SAMPLE_DIR / "pairs.tsv", encoding="utf-8") as f:
        pairs = pairs_from_tsv(f, spun_first=True)
    return {
        o: forms
        for o, forms in pairs.items()
        if len(o) > 1 or (o in first_readings and o not in swaps)
    }


def _sample_rates(swaps: dict[str, str]) -> tuple[dict[str, float], float]:
    """Char-swap rates and the stuffing rate, measured on the sample."""
    spun = (SAMPLE_DIR / "spun.txt").read_text(encoding="utf-8")
    edits = sample_edits()
    inside = [False] * len(spun)
    for e in edits:
        inside[e["start"] : e["end"]] = [True] * (e["end"] - e["start"])
    rates: dict[str, float] = {}
    for original, spun_ch in swaps.items():
        swapped = sum(
            1
            for e in edits
            if len(e["gold"][0]) == len(e["spun"])
            for o, s in zip(e["gold"][0], e["spun"])
            if o == original and s == spun_ch
        )
        untouched = sum(1 for i, ch in enumerate(spun) if ch == original and not inside[i])
        # rules the sample never shows get a middling rate
        rates[original] = swapped / (swapped + untouched) if swapped + untouched else 0.5
    stuffed = sum(
        1
        for e in edits
        if e["spun"] == STUFFING_KEYWORD and e["gold"] == [""] and spun[e["end"] : e["end"] + 1] in set(PUNCT)
    )
    marks = sum(spun.count(p) for p in PUNCT)
    return rates, stuffed / max(1, marks - stuffed)


@lru_cache(maxsize=None)
def sample_spinner() -> SpinnerSpec:
    swaps = char_swaps()
    rates, stuffing_rate = _sample_rates(swaps)
    return SpinnerSpec(
        pairs=sample_pairs(swaps),
        char_swaps=swaps,
        char_swap_rate=rates,
        rate=1.0,
        mode="blind",
        stuffing=(STUFFING_KEYWORD,),
        stuffing_rate=round(stuffing_rate, 3),
        name="sample-spinner",
    )


def public_dict_paths() -> list[Path]:
    return sorted(spinner_dicts_dir().glob("*.tsv"))


@lru_cache(maxsize=None)
def public_pairs(path: Path) -> dict[str, list[str]]:
    with open(path, encoding="utf-8") as f:
        return pairs_from_tsv(f)


def public_spinner(path: Path) -> SpinnerSpec:
    return SpinnerSpec(pairs=public_pairs(path), rate=1.0, mode="blind", name=path.stem)
