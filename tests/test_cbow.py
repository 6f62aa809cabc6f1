"""The shipped CBOW vectors (``data/cbow.npz``, :mod:`zhrepair.cbow`): they load for the
shipped language model and no other, hold numbers only, and read plain news sentences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zhrepair.cbow import Cbow, CbowMismatch, default_path, shared_cbow
from zhrepair.languagemodel import file_sha256, shared_model


@pytest.fixture(scope="module")
def lm():
    return shared_model()


@pytest.fixture(scope="module")
def cbow(lm):
    return shared_cbow(lm)


def slot(lm, left: str, right: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words either side of a slot, cut as induction cuts them."""
    cut = lm.segmenter.cut
    return (tuple(cut(left)) if left else (), tuple(cut(right)) if right else ())


def test_shipped_file_holds_numbers_for_this_language_model(lm):
    with np.load(default_path(), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    assert set(arrays) == {"ids", "input", "input_scale", "output", "output_scale", "window", "lm_sha256"}
    assert str(arrays["lm_sha256"]) == file_sha256(lm.path)
    for name in ("ids", "input", "input_scale", "output", "output_scale", "window"):
        assert arrays[name].dtype.kind in "iuf", name  # numbers only: no word from the corpora
    ids = arrays["ids"]
    assert ids.dtype == np.int32 and np.all(np.diff(ids) > 0) and 0 <= ids[0] and ids[-1] < len(lm.unigram)
    assert arrays["input"].dtype == arrays["output"].dtype == np.int8
    assert arrays["input"].shape == arrays["output"].shape == (len(ids), arrays["input"].shape[1])
    assert arrays["input_scale"].shape == arrays["output_scale"].shape == (len(ids),)
    assert default_path().stat().st_size < 8.5e6


def test_loads_for_the_shared_model(lm, cbow):
    assert shared_cbow(lm) is cbow
    assert len(cbow) > 10_000 and cbow.window >= 1 and cbow.dims >= 32
    assert all(w in lm.unigram for w in cbow.words[:100])
    assert "发展" in cbow and "使用" in cbow
    assert "不是一个词" not in cbow and 3 not in cbow


def test_refuses_vectors_fitted_for_another_model(lm, tmp_path):
    with np.load(default_path(), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["lm_sha256"] = np.array("0" * 64)
    other = tmp_path / "other.npz"
    np.savez(other, **arrays)
    with pytest.raises(CbowMismatch, match="SHA-256"):
        Cbow.load(lm, other)


def test_logits_shape_and_unknowns(lm, cbow):
    contexts = [slot(lm, "各级政府要", "好惠民政策"), ((), ()), (("不是一个词",), ("也不是",)), slot(lm, "深化", "开放")]
    words = ["落实", "不是一个词", "改革"]
    logits = cbow.logits(contexts, words)
    assert logits.shape == (4, 3)
    assert np.isnan(logits[:, 1]).all()  # unknown word
    assert np.isnan(logits[1]).all() and np.isnan(logits[2]).all()  # no known context word
    assert np.isfinite(logits[[0, 3]][:, [0, 2]]).all()
    assert cbow.logits([], words).shape == (0, 3)
    assert cbow.logits(contexts, []).shape == (4, 0)


def test_only_the_nearest_window_counts(lm, cbow):
    far = ("苹果",) + ("的",) * cbow.window
    near = ("的",) * cbow.window
    a, b = cbow.logits([(far, ()), (near, ())], ["发展"])[:, 0]
    assert math.isclose(a, b, rel_tol=1e-6)


@pytest.mark.parametrize(
    "left, right, better, worse",
    [
        ("各级政府要", "好惠民政策", "落实", "苹果"),
        ("进一步", "对外开放", "扩大", "缩小"),
        ("坚持", "驱动发展", "创新", "改革"),
        ("合理", "水资源", "利用", "使用"),  # a spinner's swap (利用 ↔ 使用): the context picks
    ],
)
def test_prefers_the_word_that_fits(lm, cbow, left, right, better, worse):
    logits = cbow.logits([slot(lm, left, right)], [better, worse])[0]
    assert logits[0] > logits[1] + 0.5, dict(zip((better, worse), logits.tolist()))
