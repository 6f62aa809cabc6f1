"""CBOW word vectors: a cloze judge that scores candidate words for a slot from the words
on both sides of it (a second opinion beside the trigram, which sees two words each side).

The vectors (``data/cbow.npz``) are a word2vec CBOW model with negative sampling, fitted by
``python -m benchmarks.train_vectors`` on the TUNE split of the shared corpora, cut as
:class:`~zhrepair.induction.Crawl` cuts a crawl. The file holds numbers only: rows keyed by
the word's index in the language model's vocabulary (``list(lm.unigram)``), input and output
vectors as int8 with one float32 scale per row, the window, and the SHA-256 of the language
model they were fitted for; loading refuses another model. numpy only at run time.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

from .languagemodel import LanguageModel, file_sha256, shared_model

DATA_FILE = "cbow.npz"


class CbowMismatch(ValueError):
    """The vectors were fitted for another language model (their vocabulary indices mean other words)."""


def default_path() -> Path:
    return Path(str(resources.files("zhrepair").joinpath("data").joinpath(DATA_FILE)))


class Cbow:
    """Input and output vectors of the words of a language model's vocabulary.

    ``logits(contexts, words)[i, j]`` is the CBOW score of ``words[j]`` in the slot between
    ``contexts[i]`` = (left words, right words): the mean input vector of the nearest
    ``window`` known words on each side, dotted with the word's output vector.
    """

    window: int

    def __init__(self, words: Sequence[str], input: np.ndarray, input_scale: np.ndarray, output: np.ndarray,
                 output_scale: np.ndarray, window: int) -> None:
        if not (len(words) == len(input) == len(input_scale) == len(output) == len(output_scale)):
            raise ValueError("words, vectors and scales differ in length")
        self.words = tuple(words)
        self.index = {w: i for i, w in enumerate(self.words)}
        self._input, self._input_scale = input, input_scale.astype(np.float32)
        self._output, self._output_scale = output, output_scale.astype(np.float32)
        self.window = int(window)

    @classmethod
    def load(cls, lm: LanguageModel | None = None, path: str | os.PathLike[str] | None = None) -> "Cbow":
        """The vectors in *path* (default: the shipped ``data/cbow.npz``) for *lm* (default: the
        shared model); :class:`CbowMismatch` when they were fitted for another model."""
        lm = lm if lm is not None else shared_model()
        path = Path(path) if path is not None else default_path()
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        expected, actual = str(arrays["lm_sha256"]), file_sha256(lm.path)
        if expected != actual:
            raise CbowMismatch(f"{path} was fitted for the language model with SHA-256 {expected}, "
                               f"not {lm.path} ({actual}); refit with python -m benchmarks.train_vectors")
        vocabulary = list(lm.unigram)
        ids = arrays["ids"]
        if len(ids) and (ids.min() < 0 or ids.max() >= len(vocabulary)):
            raise CbowMismatch(f"{path}: word indices outside the vocabulary of {lm.path}")
        return cls([vocabulary[i] for i in ids.tolist()], arrays["input"], arrays["input_scale"],
                   arrays["output"], arrays["output_scale"], int(arrays["window"]))

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def input_rows(self, ids: Sequence[int]) -> np.ndarray:
        """The input vectors of rows *ids*, as float32."""
        return self._input[ids].astype(np.float32) * self._input_scale[ids, None]

    def output_rows(self, ids: Sequence[int]) -> np.ndarray:
        """The output vectors of rows *ids*, as float32."""
        return self._output[ids].astype(np.float32) * self._output_scale[ids, None]

    @property
    def dims(self) -> int:
        return int(self._input.shape[1])

    def context_ids(self, left: Sequence[str], right: Sequence[str]) -> list[int]:
        """The rows of the known words among the nearest ``window`` words on each side of a
        slot (*left* ends at the slot, *right* starts there)."""
        index, w = self.index, self.window
        if w <= 0:
            return []
        return [i for x in (*left[-w:], *right[:w]) if (i := index.get(x)) is not None]

    def _context_vector(self, left: Sequence[str], right: Sequence[str]) -> np.ndarray | None:
        ids = self.context_ids(left, right)
        if not ids:
            return None
        return self.input_rows(ids).mean(axis=0)

    def logits(self, contexts: Sequence[tuple[Sequence[str], Sequence[str]]], words: Sequence[str]) -> np.ndarray:
        """Scores of shape (len(contexts), len(words)); NaN for a word the vectors do not know
        or a context with no known word among its nearest ``window`` on either side."""
        out = np.full((len(contexts), len(words)), np.nan, dtype=np.float32)
        cols = [j for j, x in enumerate(words) if x in self.index]
        if not cols:
            return out
        vectors = self.output_rows([self.index[words[j]] for j in cols])
        for i, (left, right) in enumerate(contexts):
            h = self._context_vector(left, right)
            if h is not None:
                out[i, cols] = vectors @ h
        return out


@functools.lru_cache(maxsize=4)
def _shared(lm: LanguageModel) -> Cbow:
    return Cbow.load(lm)


def shared_cbow(lm: LanguageModel | None = None) -> Cbow:
    """The shipped vectors for *lm* (default: the shared model), loaded once per process."""
    return _shared(lm if lm is not None else shared_model())
