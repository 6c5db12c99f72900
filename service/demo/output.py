"""Entity files written chunk by chunk (CSV with a header row, or JSON Lines), and the
labels rows carry in them: account and post ids, ISO times, topic lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .names import TOPICS
from .sampling import IntArray
from .spec import GraphSpec

StrArray = npt.NDArray[np.str_]
ObjArray = npt.NDArray[np.object_]


def ids(prefix: str, n: int) -> StrArray:
    """Ids ``prefix000001`` ... for n rows (at least six digits)."""
    width = max(6, len(str(n)))
    if n == 0:
        return np.empty(0, dtype=f"<U{width + len(prefix)}")
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


@dataclass(frozen=True)
class Labels:
    """What indices and offsets are called in the files."""

    accounts: StrArray
    posts: StrArray
    start: datetime

    @staticmethod
    def of(spec: GraphSpec) -> Labels:
        """The labels of ``spec``'s accounts and posts."""
        return Labels(ids("a", spec.accounts), ids("p", spec.posts), spec.start)

    def iso(self, offsets: IntArray) -> StrArray:
        """ISO 8601 UTC times of second offsets into the window."""
        base = np.datetime64(self.start.astimezone(UTC).replace(tzinfo=None), "s")
        stamps = np.datetime_as_string(base + offsets.astype("timedelta64[s]"), unit="s")
        return np.char.add(stamps, "+00:00")


class TopicColumn:
    """Topic index rows rendered as `|`-joined strings (CSV) or lists (JSONL)."""

    def __init__(self, topics: IntArray) -> None:
        base = len(TOPICS) + 1
        codes = ((topics + 1) * np.array([base * base, base, 1])).sum(axis=1)
        _, first, self.inverse = np.unique(codes, return_index=True, return_inverse=True)
        names = [[TOPICS[t] for t in topics[i] if t >= 0] for i in first]
        self.strings: StrArray = np.array(["|".join(ts) for ts in names] or [""], dtype=str)
        self.lists: ObjArray = np.empty(len(names), dtype=object)
        for i, ts in enumerate(names):
            self.lists[i] = ts

    def render(self, fmt: str) -> Any:
        """The column as ``fmt`` wants it."""
        return self.strings[self.inverse] if fmt == "csv" else self.lists[self.inverse]


class Table:
    """One entity file, written a chunk of rows at a time (use it in a ``with`` block)."""

    def __init__(self, path: Path, fmt: str, columns: Sequence[str]) -> None:
        self.path, self.fmt, self.columns = path, fmt, list(columns)
        self.rows = 0
        self._fh: IO[str] | None = None

    def __enter__(self) -> Table:
        self._fh = self.path.open("w", encoding="utf-8", newline="")
        return self

    def write(self, columns: dict[str, Any]) -> None:
        """Append rows given as equally long columns."""
        assert self._fh is not None, "Table.write outside its with block"
        frame = pd.DataFrame(columns, columns=self.columns)
        if not len(frame):
            return
        if self.fmt == "csv":
            frame.to_csv(self._fh, header=self.rows == 0, index=False, lineterminator="\n")
        else:
            text = frame.to_json(orient="records", lines=True, force_ascii=False)
            self._fh.write(text if text.endswith("\n") else text + "\n")
        self.rows += len(frame)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._fh is not None
        if self.rows == 0 and self.fmt == "csv":
            self._fh.write(",".join(self.columns) + "\n")
        self._fh.close()
