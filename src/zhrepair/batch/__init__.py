"""Batch cleaning, the library side of ``zhrepair clean``: many records in, one output record each.

    >>> from zhrepair.batch import clean_records
    >>> [rec] = clean_records([{"id": 1, "text": "党筑引颈与科技改进两翼齐飞。"}], edits=False)
    >>> rec["text"], rec["changed"], rec["id"]
    ('党建引领与科技创新两翼齐飞。', True, 1)

:mod:`.records` reads inputs (JSONL, text files, folders, gzip, stdin) into
:class:`Item` records; :mod:`.loop` repairs one record into its output record;
:mod:`.pool` runs that over many items in worker processes, in order; :mod:`.output`
writes a resumable output file. The command line lives in :mod:`zhrepair.cli.clean`.
"""

from __future__ import annotations

from .loop import Options, Stats, clean_item, clean_records, encode_record, record_status
from .output import ResumableOutput
from .pool import RepairerSpec, WorkerFailure, WorkerPool, clean_lines
from .records import DEFAULT_GLOB, STDIN, Item, Source, count_records, expand_inputs, iter_items, parse_jsonl_line

__all__ = [
    "DEFAULT_GLOB",
    "STDIN",
    "Item",
    "Options",
    "RepairerSpec",
    "ResumableOutput",
    "Source",
    "Stats",
    "WorkerFailure",
    "WorkerPool",
    "clean_item",
    "clean_lines",
    "clean_records",
    "count_records",
    "encode_record",
    "expand_inputs",
    "iter_items",
    "parse_jsonl_line",
    "record_status",
]
