"""Drive the site's real search box in Chromium: ranked results for the tests, timings for the bench.

The page is loaded with a small init script that watches the messages between
Material's search UI and its web worker (QUERY out, RESULT back) and the last
``keyup``; nothing in the page is changed. A query is typed the way a reader
types it: select all, Backspace, the text (as an input method commits it), End.

Bench (``make bench`` calls this)::

    python -m macros.search_bench [SITE_DIR] [--repeat N]

or from Python ``bench_search(site_dir: Path, *, repeat: int = 3) -> dict[str, dict[str, float]]``,
which prints and returns, per edition (``zh-Hans`` and ``zh-Hant`` when ``SITE_DIR/zh-Hant``
exists), the time from the last keystroke to the result list being rendered and
painted, in milliseconds, once the index is loaded. Target: under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .browser import chromium, serve
from .traditional import to_traditional

# The query set lives with the tests that hold the site to it.
QUERIES = Path(__file__).resolve().parent.parent / "tests" / "search_queries.yaml"

# Message types of Material's search worker (integrations/search/worker/message).
_HOOK = """
(() => {
  const Native = window.Worker;
  const log = window.__hbSearch = { ready: false, done: [], keyup: 0 };
  document.addEventListener("keyup", () => { log.keyup = performance.now(); }, true);
  window.Worker = function (url, options) {
    const worker = new Native(url, options);
    const post = worker.postMessage.bind(worker);
    const pending = [];
    worker.postMessage = (message, ...rest) => {
      if (message && message.type === 2)
        pending.push({ query: message.data, keyup: log.keyup, sent: performance.now() });
      return post(message, ...rest);
    };
    worker.addEventListener("message", ev => {
      if (ev.data && ev.data.type === 1) log.ready = true;
      if (ev.data && ev.data.type === 3 && pending.length) {
        const entry = pending.shift();
        entry.received = performance.now();
        // Material renders the list in its own handler for this same event;
        // a task later the list is in the DOM, a frame later it is painted.
        setTimeout(() => {
          entry.rendered = performance.now();
          entry.pages = [...document.querySelectorAll(
            ".md-search-result__list > li.md-search-result__item")]
            .map(li => li.querySelector("a.md-search-result__link").href);
          requestAnimationFrame(() => { entry.painted = performance.now(); log.done.push(entry); });
        }, 0);
      }
    });
    return worker;
  };
  window.Worker.prototype = Native.prototype;
})();
"""


def load_queries(path: Path = QUERIES) -> list[dict[str, str]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class SearchBox:
    """One Chromium tab on a built edition with its search index loaded."""

    def __init__(self, browser, base_url: str):
        self.base_url = base_url
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.add_init_script(_HOOK)
        self.page.goto(base_url + "index.html")
        self.page.wait_for_function("() => window.__hbSearch && window.__hbSearch.ready", timeout=20_000)
        self.input = self.page.locator("input.md-search__input")
        self.input.click()

    def close(self) -> None:
        self.context.close()

    def search(self, query: str) -> dict:
        """Type ``query`` into the search box; return the log entry with ``pages`` in list order."""
        page = self.page
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.wait_for_function("() => window.__hbSearch.done.some(e => e.query === '')")
        page.evaluate("() => { window.__hbSearch.done = []; }")
        page.keyboard.insert_text(query)
        page.keyboard.press("End")
        handle = page.wait_for_function(
            "q => window.__hbSearch.done.find(e => e.query === q)", arg=query, timeout=10_000
        )
        entry = handle.json_value()
        entry["pages"] = [self._relative(href) for href in entry["pages"]]
        return entry

    def ranked_pages(self, query: str, top: int = 5) -> list[str]:
        """Pages of the result list, best first, as paths relative to the edition root."""
        return self.search(query)["pages"][:top]

    def _relative(self, href: str) -> str:
        path = urlsplit(href).path
        base = urlsplit(self.base_url).path
        return path[len(base) :] if path.startswith(base) else path


def reciprocal_rank(pages: list[str], expected: str, top: int = 5) -> float:
    for rank, page in enumerate(pages[:top], start=1):
        if page == expected:
            return 1.0 / rank
    return 0.0


def edition_queries(edition: str, queries: Iterable[str]) -> list[str]:
    """The queries as a reader of ``edition`` types them (Traditional: OpenCC, as the site)."""
    if edition != "zh-Hant":
        return list(queries)
    return [to_traditional(q) for q in queries]


def measure(box: SearchBox, queries: Iterable[str], repeat: int = 3) -> dict[str, float]:
    rendered: list[float] = []
    painted: list[float] = []
    for _ in range(repeat):
        for query in queries:
            entry = box.search(query)
            rendered.append(entry["rendered"] - entry["keyup"])
            painted.append(entry["painted"] - entry["keyup"])
    rendered.sort()
    painted.sort()
    p95 = lambda xs: xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]  # noqa: E731
    return {
        "queries": len(rendered),
        "median_ms": round(statistics.median(rendered), 1),
        "p95_ms": round(p95(rendered), 1),
        "max_ms": round(rendered[-1], 1),
        "painted_median_ms": round(statistics.median(painted), 1),
        "painted_p95_ms": round(p95(painted), 1),
        "painted_max_ms": round(painted[-1], 1),
    }


def bench_search(site_dir: Path, *, repeat: int = 3) -> dict[str, dict[str, float]]:
    """Time from the last keystroke to rendered (and painted) results, per edition; prints a table."""
    site_dir = Path(site_dir)
    base_queries = [q["query"] for q in load_queries()]
    editions = [("zh-Hans", "")] + (
        [("zh-Hant", "zh-Hant/")] if (site_dir / "zh-Hant" / "index.html").is_file() else []
    )
    results: dict[str, dict[str, float]] = {}
    with serve(site_dir) as url, chromium() as browser:
        for edition, prefix in editions:
            index = site_dir / prefix / "search" / "search_index.json"
            box = SearchBox(browser, url + prefix)
            try:
                box.search(base_queries[0])  # warm up the worker once
                stats = measure(box, edition_queries(edition, base_queries), repeat)
            finally:
                box.close()
            stats["index_bytes"] = index.stat().st_size
            results[edition] = stats
            print(
                f"搜索速度 {edition:8} {stats['queries']} 次查询：渲染中位数 {stats['median_ms']} ms，"
                f"P95 {stats['p95_ms']} ms，最慢 {stats['max_ms']} ms；"
                f"绘制中位数 {stats['painted_median_ms']} ms，P95 {stats['painted_p95_ms']} ms；"
                f"索引 {stats['index_bytes']} 字节"
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="测量站内搜索从输入到出结果的时间（毫秒）")
    parser.add_argument("site_dir", nargs="?", default="site", help="已生成的网站目录（默认 site/）")
    parser.add_argument("--repeat", type=int, default=3, help="每个查询重复的次数")
    args = parser.parse_args(argv)
    site = Path(args.site_dir)
    if not (site / "search" / "search_index.json").is_file():
        print(f"{site}/ 下没有搜索索引，请先生成网站（make build）。", file=sys.stderr)
        return 1
    results = bench_search(site, repeat=args.repeat)
    slow = [e for e, s in results.items() if s["p95_ms"] > 100]
    if slow:
        print(f"超过 100 ms：{'、'.join(slow)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
