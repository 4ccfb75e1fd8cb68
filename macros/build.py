"""Build the site into a temporary folder and replace ``site/`` only on success.

A failed build (bad data, a broken link under ``--strict``, a macro error) must
leave the last good site in place, so readers never see a half-published one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def build_site(config: Path, site_dir: Path) -> int:
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
             "--config-file", str(config), "--site-dir", str(staging / "site")],
            check=False,
        )
        if result.returncode != 0:
            print(f"网站生成失败，原有的 {site_dir.name}/ 保持不变。", file=sys.stderr)
            return result.returncode
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
