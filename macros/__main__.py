"""Command line: ``python -m macros check|build|schema``; the Makefile calls these."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import DataErrors
from .handbook import load_handbook
from .schema import write_schemas

ROOT = Path.cwd()


def check(data_dir: Path) -> int:
    try:
        hb = load_handbook(data_dir)
    except DataErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    counts = "、".join(f"{k} {len(v)}" for k, v in hb.entries.items())
    print(f"数据检查通过：{counts}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros", description="办公室工作手册的数据与构建工具")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="只校验 data/ 下的数据")
    build = sub.add_parser("build", help="校验数据并生成网站到 site/（失败时保留原有 site/）")
    build.add_argument("--site-dir", default="site")
    build.add_argument("--config", default="mkdocs.yml")
    sub.add_parser("schema", help="根据数据模型重新生成 data/schemas/ 下的 JSON Schema")
    sub.add_parser("lint", help="检查 data/ 和 docs/ 里中文的标点、空格和部首字")
    args = parser.parse_args(argv)
    data_dir = ROOT / "data"
    if args.command == "check":
        return check(data_dir)
    if args.command == "lint":
        from .lint import lint, report

        findings = lint(ROOT)
        print(report(findings), file=sys.stderr if findings else sys.stdout)
        return 1 if findings else 0
    if args.command == "schema":
        for path in write_schemas(data_dir / "schemas"):
            print(path.relative_to(ROOT))
        return 0
    from .build import build_site

    if check(data_dir):
        return 1
    return build_site(ROOT / args.config, ROOT / args.site_dir)


if __name__ == "__main__":
    sys.exit(main())
