"""Build the site into a temporary folder and replace ``site/`` only on success.

A failed build (bad data, a broken link under ``--strict``, a macro error) must
leave the last good site in place, so readers never see a half-published one.

When ``mkdocs.zh-Hant.yml`` sits next to the config, the Traditional edition is
built at the same time (two processes) and moved into ``<staging>/site/zh-Hant``
before the swap: a failure in either edition leaves ``site/`` untouched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TRADITIONAL = "zh-Hant"  # mkdocs.zh-Hant.yml builds into site/zh-Hant/


def build_site(config: Path, site_dir: Path) -> int:
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        builds = [(config, staging / "site")]
        traditional = config.with_name(f"{config.stem}.{TRADITIONAL}{config.suffix}")
        if traditional.is_file():
            builds.append((traditional, staging / TRADITIONAL))
        running = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mkdocs",
                    "build",
                    "--strict",
                    "--quiet",
                    "--config-file",
                    str(cfg),
                    "--site-dir",
                    str(out),
                ],
            )
            for cfg, out in builds
        ]
        codes = [proc.wait() for proc in running]
        for (cfg, _), code in zip(builds, codes):
            if code != 0:
                edition = "繁体版" if cfg == traditional else "网站"
                print(f"{edition}生成失败，原有的 {site_dir.name}/ 保持不变。", file=sys.stderr)
                return code
        if len(builds) > 1:
            (staging / TRADITIONAL).rename(staging / "site" / TRADITIONAL)
        _replace(staging / "site", site_dir)
        print(f"网站已生成到 {site_dir.name}/")
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace(new: Path, target: Path) -> None:
    """Swap ``new`` into ``target`` with renames, so ``target`` is never half-written."""
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
