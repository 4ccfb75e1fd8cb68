"""Where a build spends its time in the handbook's own code, for ``make bench``.

``timed(name)`` adds the time spent inside the block to ``TOTALS[name]``. Blocks
nest: time spent in an inner block counts for the inner name only, so the totals
add up to the time spent in all timed code together (loading a file, validating
the handbook, rendering a macro, writing the open data).

The plugin resets the totals when a build starts and, when the environment
variable ``HANDBOOK_TIMINGS`` names a file, appends one JSON line per build to it
(the bench runs the real build in a subprocess and reads that file).
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "HANDBOOK_TIMINGS"
TOTALS: dict[str, float] = defaultdict(float)
_stack: list[list[float]] = []  # per open block: [start, time spent in nested blocks]
_started: list[float] = []


@contextmanager
def timed(name: str) -> Iterator[None]:
    frame = [time.perf_counter(), 0.0]
    _stack.append(frame)
    try:
        yield
    finally:
        _stack.pop()
        elapsed = time.perf_counter() - frame[0]
        TOTALS[name] += elapsed - frame[1]
        if _stack:
            _stack[-1][1] += elapsed


def start_build() -> None:
    TOTALS.clear()
    _started[:] = [time.perf_counter()]


def finish_build(site_dir: str) -> None:
    """Append this build's totals to the file named by ``HANDBOOK_TIMINGS``, if any."""
    target = os.environ.get(ENV)
    if not target:
        return
    record = {
        "site_dir": site_dir,
        "pages": count_pages(Path(site_dir)),
        "mkdocs_seconds": time.perf_counter() - _started[0] if _started else None,
        "finished_at": time.time(),
        "totals": dict(TOTALS),
    }
    with Path(target).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def count_pages(site: Path) -> int:
    """HTML pages of one edition: sub-folders holding another edition (a sitemap of their own) are left out."""
    count = 0
    for path in site.rglob("*.html"):
        folders = path.relative_to(site).parents
        if not any((site / f / "sitemap.xml").is_file() for f in folders if str(f) != "."):
            count += 1
    return count
