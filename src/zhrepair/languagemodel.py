"""The word n-gram language model (KenLM) and its vocabulary.

The default model is ``zh_CN.lm`` from Debian's ``libime-data-language-model``
(LGPL-2.1+, see ``data/lm/``): a KenLM binary trigram whose vocabulary is stored
NUL-separated at the end of the file. Any KenLM ``.arpa``/``.bin`` works with an explicit
vocabulary file (one word a line, or ``word<TAB>anything``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import mmap
import os
from array import array
from importlib import resources
from pathlib import Path
from typing import Sequence

from . import lexicon_cache
from .bulk import paused_gc
from .segment import Segmenter

log = logging.getLogger(__name__)

DEFAULT_MODEL = "zh_CN.lm"


def default_model_path() -> Path:
    return Path(str(resources.files("zhrepair").joinpath("data").joinpath("lm").joinpath(DEFAULT_MODEL)))


@functools.lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file (remembered while its size and modification time stay the same)."""
    st = os.stat(path)
    return _sha256(str(Path(path).resolve()), st.st_size, st.st_mtime_ns)


def verify_checksum(path: Path) -> bool:
    """True when *path* matches the SHA-256 recorded in ``SHA256SUMS`` beside it."""
    sums = path.parent / "SHA256SUMS"
    if not sums.exists():
        return False
    expected = {name.strip(): digest for digest, name in (row.split(None, 1) for row in sums.read_text().splitlines() if row)}
    return expected.get(path.name) == file_sha256(path)


def read_embedded_vocabulary(path: Path) -> list[str]:
    """The vocabulary that KenLM binaries built with ``-w`` keep at the end of the file."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        i = mm.rfind(b"\0<unk>\0")
        if i < 0:
            if mm[:6] == b"<unk>\0":
                i = -1
            else:
                raise ValueError(f"{path}: no embedded vocabulary; pass vocab_path=")
        words = mm[i + 1 :].decode("utf-8", errors="replace").split("\0")
    return [w for w in words if w and w != "<unk>"]


def read_vocabulary_file(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [line.split("\t")[0].split(" ")[0].strip() for line in f if line.strip()]


class LanguageModel:
    """A KenLM model plus each vocabulary word's unigram log10 probability.

    ``score(words, bos, eos)`` is the log10 probability of a word sequence.
    """

    def __init__(self, model_path: str | os.PathLike[str] | None = None,
                 vocab_path: str | os.PathLike[str] | None = None) -> None:
        import kenlm

        path = Path(model_path) if model_path else default_model_path()
        if not path.exists():
            raise FileNotFoundError(f"language model not found: {path}")
        config = kenlm.Config()
        config.load_method = kenlm.LoadMethod.LAZY  # memory-mapped: shared between processes
        self.path = path
        self._model = kenlm.Model(str(path), config)
        self.score_joined = self._model.score  # type: ignore[method-assign]
        self.order: int = self._model.order
        words = read_vocabulary_file(Path(vocab_path)) if vocab_path else read_embedded_vocabulary(path)
        self.unigram: dict[str, float] = dict(zip(words, self._unigram_logprobs(path, vocab_path, words)))
        self.unk_logprob: float = self._model.score("<unk>", bos=False, eos=False)
        self.max_word_len = max((len(w) for w in self.unigram), default=1)
        log.debug("loaded %s: order %d, %d words", path, self.order, len(self.unigram))

    def _unigram_logprobs(self, path: Path, vocab_path: str | os.PathLike[str] | None, words: list[str]) -> array:
        """Each word's log10 probability alone, from the compiled cache when this model and
        vocabulary were read before (asking KenLM for 286,000 words takes 0.3 s)."""
        key = {"what": "unigram log10 probabilities", "vocabulary": os.fspath(vocab_path) if vocab_path else None,
               "words": len(words)}
        cached = lexicon_cache.load_value(path, key)
        values = array("d")
        if isinstance(cached, bytes) and len(cached) == values.itemsize * len(words):
            values.frombytes(cached)
            return values
        score = self._model.score
        values.extend(score(w, bos=False, eos=False) for w in words)
        lexicon_cache.store_value(path, key, values.tobytes())
        return values

    def score(self, words: Sequence[str], bos: bool = False, eos: bool = False) -> float:
        return self._model.score(" ".join(words), bos=bos, eos=eos)

    def score_orders(self, words: Sequence[str], bos: bool = False) -> tuple[float, list[int]]:
        """:meth:`score` of *words* (no end of sentence) and, per word, the order of the
        longest n-gram the model holds for it (1: the word alone)."""
        total, orders = 0.0, []
        for logprob, order, _ in self._model.full_scores(" ".join(words), bos=bos, eos=False):
            total += logprob
            orders.append(order)
        return total, orders

    def score_joined(self, sentence: str, bos: bool = False, eos: bool = False) -> float:
        """:meth:`score` of words already joined by single spaces (replaced in ``__init__``
        by KenLM's own method, which takes the same arguments, to save a call)."""
        return self._model.score(sentence, bos=bos, eos=eos)

    @functools.cached_property
    def segmenter(self) -> Segmenter:
        """The max-probability segmenter over this model's vocabulary (built once)."""
        with paused_gc():
            return Segmenter(self.unigram, self.unk_logprob)

    def logprob(self, word: str) -> float:
        """Unigram log10 probability; the model's ``<unk>`` probability when out of vocabulary."""
        return self.unigram.get(word, self.unk_logprob)

    def __contains__(self, word: object) -> bool:
        return word in self.unigram


@functools.lru_cache(maxsize=4)
def _open(model_path: str | None, vocab_path: str | None) -> LanguageModel:
    with paused_gc():
        return LanguageModel(model_path, vocab_path)


def shared_model(model_path: str | os.PathLike[str] | None = None,
                 vocab_path: str | os.PathLike[str] | None = None) -> LanguageModel:
    """The process's :class:`LanguageModel` for these files, opened on first use and then
    shared by every Repairer (the model is memory-mapped and read-only)."""
    def key(p: str | os.PathLike[str] | None) -> str | None:
        return None if p is None else str(Path(p).resolve())

    return _open(key(model_path), key(vocab_path))
