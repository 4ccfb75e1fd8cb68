"""Shared fixtures: copies of the test data, one real build of the site, a local server."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from macros.browser import chromium, serve

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "fixtures" / "good"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the small, valid fixture data set."""
    target = tmp_path / "data"
    shutil.copytree(GOOD, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a fixture file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def run_build(site_dir: Path, config: Path = ROOT / "mkdocs.yml") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "macros", "build", "--site-dir", str(site_dir), "--config", str(config)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real handbook, built once with --strict for all tests that read the output."""
    site = tmp_path_factory.mktemp("build") / "site"
    result = run_build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="session")
def site_server(built_site: Path):
    """Serve the built site on 127.0.0.1 for the browser tests; yields the base URL."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """The system Chromium driven by Playwright (make test installs it when missing)."""
    with chromium() as b:
        yield b


@contextlib.contextmanager
def fresh_page(browser, media: str | None = None):
    """A page in a context of its own (own storage), closed afterwards."""
    context = browser.new_context()
    try:
        page = context.new_page()
        if media:
            page.emulate_media(media=media)
        yield page
    finally:
        context.close()


def is_local(url: str) -> bool:
    """True for requests that stay on this machine: our server, the disk, inline data."""
    parsed = urlparse(url)
    return parsed.scheme in ("file", "data", "blob", "about") or parsed.hostname in ("127.0.0.1", "localhost")


class LocalOnly:
    """Refuses and records every request of a context that would leave this machine."""

    def __init__(self, context) -> None:
        self.foreign: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()


@dataclass
class HtmlPage:
    """What the link and language checks need from a built page."""

    lang: str | None = None
    ids: list[str] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, URL)


class _HtmlCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = HtmlPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.page.ids.append(values["id"])
        if tag == "a" and values.get("name"):
            self.page.ids.append(values["name"])
        if tag == "html":
            self.page.lang = values.get("lang")
        for attribute in ("href", "src"):
            if values.get(attribute) is not None:
                self.page.links.append((tag, attribute, values[attribute]))


def read_html(path: Path) -> HtmlPage:
    collector = _HtmlCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector.page
