"""``make bench``: how fast the handbook builds and loads. Prints figures, judges nothing.

1. The real build of both editions (``python -m macros build``, exactly as ``make
   build``), with the share of it spent in the data layer: loading and validating
   ``data/`` and rendering it into pages (``macros/timing.py`` instruments the
   plugin and the macros; every build process appends its totals to a file).
2. Build time and time per page with synthetic data at 1×, 10× and 50× today's
   size: every procedure, checklist and duty cloned with new ids (references
   between clones rewired), built the same way in a scratch project.
3. Bytes a browser transfers on a first visit to the home page and to a
   procedure page (Chromium, empty cache, local server without compression),
   with the search index counted on its own.
4. Search latency, measured by :mod:`macros.search_bench`.

Targets (issue 7): data layer ≤ 10 % of the build; per-page time at 50× ≤ 1.2 ×
the time at 1×; a procedure page ≤ 250 KB.

Usage: ``python -m macros.bench [--scales 1 10 50] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .browser import chromium, serve
from .search_bench import bench_search

ROOT = Path(__file__).resolve().parent.parent
DATA_LAYER = ("load", "validate", "render", "git")
TARGET_SHARE = 0.10
TARGET_PAGE_RATIO = 1.2
TARGET_PROCEDURE_BYTES = 250 * 1024


# --- building -----------------------------------------------------------------------


def run_build(project: Path) -> dict[str, Any]:
    """``python -m macros build`` in ``project``; wall time and each edition's timing record."""
    timings = project / ".bench-timings.jsonl"
    timings.unlink(missing_ok=True)
    env = {**os.environ, "HANDBOOK_TIMINGS": str(timings), "NO_MKDOCS_2_WARNING": "1"}
    site = project / "site"
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-m", "macros", "build", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.time() - started
    if result.returncode != 0:
        raise SystemExit(f"构建失败（{project}）：\n{result.stdout}\n{result.stderr}")
    records = [json.loads(line) for line in timings.read_text(encoding="utf-8").splitlines()]
    editions = {}
    for record in records:
        name = "zh-Hant" if record["site_dir"].rstrip("/").endswith("zh-Hant") else "zh-Hans"
        record["process_seconds"] = record["finished_at"] - started
        editions[name] = record
    return {"wall": wall, "editions": editions, "site": site}


def data_seconds(record: dict[str, Any]) -> float:
    return sum(record["totals"].get(name, 0.0) for name in DATA_LAYER)


def check_seconds(data_dir: Path) -> float:
    """The data check `python -m macros build` runs before building (same process cost)."""
    from .handbook import load_handbook

    started = time.perf_counter()
    load_handbook(data_dir)
    return time.perf_counter() - started


# --- synthetic data -----------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def synthesize(data: Path, scale: int) -> dict[str, int]:
    """Clone every procedure, checklist and duty ``scale - 1`` times, in place, with new ids."""
    yaml = _yaml()
    procedures = sorted(p.stem for p in (data / "procedures").glob("*.yaml"))
    checklists = sorted(p.stem for p in (data / "checklists").glob("*.yaml"))

    def suffix(key: str, copy: int) -> str:
        return f"{key}-x{copy}"

    for copy in range(1, scale):
        for pid in procedures:
            tree = yaml.load((data / "procedures" / f"{pid}.yaml").read_text(encoding="utf-8"))
            tree["id"] = suffix(pid, copy)
            tree["title"] = f"{tree['title']}（副本 {copy}）"
            tree["checklists"] = [suffix(c, copy) for c in tree.get("checklists", [])]
            _dump(yaml, tree, data / "procedures" / f"{suffix(pid, copy)}.yaml", "procedure")
        for cid in checklists:
            tree = yaml.load((data / "checklists" / f"{cid}.yaml").read_text(encoding="utf-8"))
            tree["id"] = suffix(cid, copy)
            tree["title"] = f"{tree['title']}（副本 {copy}）"
            if tree.get("procedure"):
                tree["procedure"] = suffix(tree["procedure"], copy)
            _dump(yaml, tree, data / "checklists" / f"{suffix(cid, copy)}.yaml", "checklist")
    duties_path = data / "duties.yaml"
    tree = yaml.load(duties_path.read_text(encoding="utf-8"))
    originals = list(tree["duties"])
    for copy in range(1, scale):
        for duty in originals:
            clone = json.loads(json.dumps(duty))
            clone["id"] = suffix(duty["id"], copy)
            clone["title"] = f"{duty['title']}（副本 {copy}）"
            for key in ("procedures", "checklists"):
                if key in clone:
                    clone[key] = [suffix(x, copy) for x in clone[key]]
            tree["duties"].append(clone)
    _dump(yaml, tree, duties_path, "duties")
    return {
        "procedures": len(procedures) * scale,
        "checklists": len(checklists) * scale,
        "duties": len(originals) * scale,
    }


def _dump(yaml: YAML, tree: Any, path: Path, schema: str) -> None:
    prefix = "../" if path.parent.name in ("procedures", "checklists") else ""
    with path.open("w", encoding="utf-8") as fh:
        fh.write(f"# yaml-language-server: $schema={prefix}schemas/{schema}.schema.json\n")
        yaml.dump(tree, fh)


def scratch_project(where: Path, scale: int) -> tuple[Path, dict[str, int]]:
    """A project folder sharing docs, theme and configs with this one, with scaled data."""
    project = where / f"x{scale}"
    project.mkdir(parents=True)
    for name in ("docs", "overrides"):
        if (ROOT / name).exists():
            (project / name).symlink_to(ROOT / name, target_is_directory=True)
    for config in ROOT.glob("mkdocs*.yml"):
        shutil.copyfile(config, project / config.name)
    shutil.copytree(ROOT / "data", project / "data")
    counts = synthesize(project / "data", scale)
    return project, counts


# --- browser ---------------------------------------------------------------------------


def transferred(site: Path, pages: list[str]) -> dict[str, dict[str, int]]:
    """Bytes (headers + bodies) a fresh Chromium fetches to show each page, search index apart.

    Also what the same files would weigh gzip-compressed (a web server's usual setting;
    opened from disk, file:// has no compression), and the theme's share (``assets/``).
    """
    out: dict[str, dict[str, int]] = {}
    with serve(site) as url, chromium() as browser:
        for rel in pages:
            context = browser.new_context()
            sizes = {"page": 0, "search_index": 0, "requests": 0, "theme": 0, "html": 0, "gzip": 0}

            def count(request: Any, sizes: dict[str, int] = sizes) -> None:
                info = request.sizes()
                total = info["responseBodySize"] + info["responseHeadersSize"]
                rel = request.url.removeprefix(url).split("?")[0].split("#")[0]
                if "search/search_index" in rel:
                    sizes["search_index"] += total
                    return
                sizes["page"] += total
                sizes["requests"] += 1
                part = "theme" if rel.startswith("assets/") else "html" if rel.endswith(".html") else "other"
                sizes[part] = sizes.get(part, 0) + total
                on_disk = site / rel
                if on_disk.is_file():
                    sizes["gzip"] += len(gzip.compress(on_disk.read_bytes(), 6)) + info["responseHeadersSize"]

            context.on("requestfinished", count)
            page = context.new_page()
            page.goto(url + rel, wait_until="networkidle")
            page.wait_for_timeout(500)  # the search worker fetches its index after load
            context.close()
            out[rel] = sizes
    return out


# --- search ----------------------------------------------------------------------------


# --- report ----------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1024:.0f} KB"


def report_build(label: str, build: dict[str, Any], check: float) -> None:
    print(f"\n== {label} ==")
    print(
        f"完整构建（python -m macros build，两版并行）：{build['wall']:.2f} s，其中构建前数据检查 {check:.2f} s"
    )
    for name, record in sorted(build["editions"].items()):
        totals = record["totals"]
        data = data_seconds(record)
        proc = record["process_seconds"]
        parts = "，".join(f"{k} {totals.get(k, 0.0):.3f} s" for k in DATA_LAYER)
        print(
            f"  {name}：{record['pages']} 页，进程 {proc:.2f} s（MkDocs 构建 {record['mkdocs_seconds']:.2f} s）；"
            f"数据层 {data:.3f} s = {data / proc:.1%}（{parts}）"
        )
    total_data = sum(data_seconds(r) for r in build["editions"].values()) + check
    total_cpu = sum(r["process_seconds"] for r in build["editions"].values()) + check
    share = total_data / total_cpu
    verdict = "达标" if share <= TARGET_SHARE else "未达标"
    print(
        f"  数据层合计 {total_data:.3f} s / 各进程合计 {total_cpu:.2f} s = {share:.1%}（目标 ≤ 10%，{verdict}）"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m macros.bench", description="测量手册的构建和加载速度（只打印，不判定）"
    )
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--keep", type=Path, help="把临时项目留在这个目录里（默认用完即删）")
    parser.add_argument("--skip-browser", action="store_true", help="不测页面传输量和搜索速度")
    args = parser.parse_args(argv)
    where = Path(tempfile.mkdtemp(prefix="handbook-bench-", dir=args.keep))
    try:
        return _run(where, args)
    finally:
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)


def _run(where: Path, args: argparse.Namespace) -> int:
    print(f"办公室工作手册 性能测量 · {time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} 核")
    # 1. the real build
    project, _ = scratch_project(where, 1)
    real = run_build(project)
    report_build("1. 真实数据，两版完整构建", real, check_seconds(project / "data"))

    # 2. scaling
    print("\n== 2. 合成数据放大（每个程序、清单、职责复制成新条目）==")
    rows = []
    for scale in args.scales:
        scaled, counts = (project, None) if scale == 1 else scratch_project(where, scale)
        build = real if scale == 1 else run_build(scaled)
        pages = sum(r["pages"] for r in build["editions"].values())
        data = sum(data_seconds(r) for r in build["editions"].values())
        cpu = sum(r["process_seconds"] for r in build["editions"].values())
        phase = sum(r["mkdocs_seconds"] for r in build["editions"].values())
        per_page = phase / pages
        rows.append((scale, build["wall"], pages, per_page, data / cpu))
        size = (
            f"（程序 {counts['procedures']}、清单 {counts['checklists']}、职责 {counts['duties']}）"
            if counts
            else ""
        )
        print(
            f"  {scale:>3}×{size}：构建 {build['wall']:.1f} s，两版共 {pages} 页，"
            f"每页 {per_page * 1000:.1f} ms（两版 MkDocs 构建阶段时间之和 ÷ 页数；含进程启动 {cpu / pages * 1000:.1f} ms；"
            f"按墙钟 {build['wall'] / pages * 1000:.1f} ms），数据层 {data / cpu:.1%}"
        )
        if scale != 1 and not args.keep:
            shutil.rmtree(scaled, ignore_errors=True)
    base = next((r for r in rows if r[0] == 1), rows[0])
    for scale, _, _, per_page, _ in rows:
        if scale != base[0]:
            ratio = per_page / base[3]
            verdict = "达标" if ratio <= TARGET_PAGE_RATIO else "未达标"
            print(f"  每页时间（MkDocs 构建阶段）{scale}× / 1× = {ratio:.2f}（目标 ≤ 1.2，{verdict}）")

    if args.skip_browser:
        return 0
    # 3. bytes on first load
    print("\n== 3. 首次打开传输量（Chromium，空缓存，本地服务器不压缩）==")
    sizes = transferred(real["site"], ["index.html", "procedures/outgoing-document.html"])
    for rel, s in sizes.items():
        verdict = ""
        if rel.startswith("procedures/"):
            verdict = "，目标 ≤ 250 KB：" + ("达标" if s["page"] <= TARGET_PROCEDURE_BYTES else "未达标")
        print(
            f"  {rel}：{kb(s['page'])}，{s['requests']} 个请求{verdict}；其中主题的 CSS/JS {kb(s['theme'])}，"
            f"页面 HTML {kb(s['html'])}，手册自己的样式和脚本等 {kb(s.get('other', 0))}；"
            f"若服务器启用 gzip 约 {kb(s['gzip'])}。搜索索引另计 {kb(s['search_index'])}"
        )

    # 4. search
    print("\n== 4. 搜索速度 ==")
    bench_search(real["site"], repeat=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
