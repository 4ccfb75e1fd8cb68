"""Ownership and review: when each data file last changed, and which entries are overdue.

``git_dates`` asks git, once per build and offline, for the date of the last commit
that touched each data file. A copy of the handbook that is not a git checkout (a
zip download, a folder copied to a shared drive) simply has no dates: pages then
show no "last updated" line rather than a wrong one.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .render import View

# Kinds whose records carry owner, last_reviewed and review_due.
REVIEWED_KINDS = ("procedures", "checklists")


def git_dates(data_dir: Path) -> dict[str, str]:
    """``data/<path>`` -> date (YYYY-MM-DD) of the last commit touching that file."""
    try:
        result = subprocess.run(
            [
                "git",
                "-c",
                "core.quotepath=off",
                "log",
                "--format=%x00%cs",
                "--name-only",
                "--relative",
                "--",
                ".",
            ],
            cwd=data_dir,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, str] = {}
    current = ""
    for line in result.stdout.splitlines():
        if line.startswith("\0"):
            current = line[1:].strip()
        elif line.strip() and current:
            dates.setdefault(f"data/{line.strip()}", current)  # newest commit comes first
    return dates


def last_updated(hb: Any, kind: str, key: str) -> str:
    """Date of the last commit of the file a record was read from, or "" when unknown."""
    doc, _ = hb.origins[(kind, key)]
    return hb.file_dates.get(doc.path, "")


def review_rows(hb: Any, today: dt.date) -> list[dict[str, Any]]:
    """Every reviewed entry, most overdue first, with how its review date stands."""
    rows = []
    for kind in REVIEWED_KINDS:
        for key, record in hb.entries[kind].items():
            rows.append(
                {
                    "kind": kind,
                    "key": key,
                    "record": record,
                    "days": (today - record.review_due).days,
                    "updated": last_updated(hb, kind, key),
                }
            )
    rows.sort(key=lambda r: (r["record"].review_due, r["kind"], r["key"]))
    return rows


def overdue_reviews(v: View, today: str | None = None, soon: int = 60) -> str:
    """Entries whose review date has passed by the build date, and those due within ``soon`` days.

    ``today`` (YYYY-MM-DD) is for tests; a page calls ``{{ overdue_reviews() }}``.
    """
    day = dt.date.fromisoformat(today) if today else dt.date.today()
    rows = review_rows(v.hb, day)
    return v.page(
        "review.html.j2",
        today=day,
        overdue=[r for r in rows if r["days"] > 0],
        upcoming=[r for r in rows if -soon <= r["days"] <= 0],
        soon=soon,
        total=len(rows),
    )
