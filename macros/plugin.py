"""MkDocs plugin ``handbook``: loads the data once per build and turns it into pages.

- ``on_config``: load and validate ``data/`` (a data error stops the build with the
  Chinese report, no traceback), add the generated pages to the navigation, and
  hand the glossary to the abbreviation extension for tooltips.
- ``on_files``: one virtual page per procedure, checklist, role and guide, so a new
  YAML file is a new page with no Markdown to write.
- ``on_post_build``: write ``data/handbook.json`` (all validated data, with URLs).

Search and the Traditional edition (see ``search.py`` and ``traditional.py``):
``on_config`` writes and loads the jieba dictionary, ``on_post_page`` points
the language switch at the same page in the other edition and converts the
zh-Hant edition's pages, and ``on_post_build`` tunes the search
index (after the search plugin wrote it, before the offline plugin copies it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import search, timing, traditional
from .errors import DataErrors
from .handbook import Handbook, load_handbook
from .links import PAGE_KINDS, site_url
from .review import git_dates

# Which macro renders a generated page of each kind.
PAGE_MACROS = {
    "procedures": "procedure_page",
    "checklists": "checklist_page",
    "roles": "role_page",
    "guides": "guide_page",
}
ABBR_EXTENSION = "macros.cjk_abbr"


class HandbookConfig(base.Config):
    data_dir = c.Type(str, default="data")
    # zh-Hans or zh-Hant; unset: zh-Hant when theme.language is zh-Hant (mkdocs.zh-Hant.yml).
    edition = c.Optional(c.Choice(("zh-Hans", "zh-Hant")))


class HandbookPlugin(BasePlugin[HandbookConfig]):
    handbook: Handbook

    def on_config(self, config: Any) -> Any:
        data_dir = Path(config.config_file_path).parent / self.config.data_dir
        timing.start_build()
        self.site_dir = config.site_dir
        try:
            with timing.timed("load"):
                self.handbook = load_handbook(data_dir)
        except DataErrors as exc:
            raise PluginError(exc.report()) from None
        with timing.timed("git"):
            self.handbook.file_dates = git_dates(data_dir)  # "last updated" on each page
        config.nav = expand_nav(config.nav or [], self.handbook)
        if ABBR_EXTENSION not in config.markdown_extensions:
            raise PluginError(f"mkdocs.yml 的 markdown_extensions 中缺少 {ABBR_EXTENSION}（术语提示要用）")
        config.mdx_configs.setdefault(ABBR_EXTENSION, {})["glossary"] = self.handbook.tooltips
        self.edition = traditional.edition_of(self.config.edition, config.theme["language"])
        self.alternates = traditional.alternate_roots(config.extra)
        cache = Path(config.config_file_path).parent / ".cache" / "handbook"
        search.load_user_dict(search.write_user_dict(self.handbook, cache))
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        for path, content in generated_pages(self.handbook):
            files.append(File.generated(config, path, content=content))
        # The site's own scripts, styles and images (not the theme's), for the zh-Hant edition.
        self.static_files = [
            Path(f.abs_dest_path)
            for f in files
            if not f.is_documentation_page() and f.src_dir and Path(f.src_dir) == Path(config.docs_dir)
        ]
        return files

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        # Material writes meta.title into <title> as is, where page.title would be
        # unescaped by its striptags filter; give generated pages the inert title.
        kind, _, name = page.file.src_uri.partition("/")
        if kind in PAGE_KINDS and name.endswith(".md") and name[:-3] in self.handbook.entries[kind]:
            page.meta["title"] = nav_title(self.handbook.entries[kind][name[:-3]])
        return markdown

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        return self._edition_html(output, page.url)

    def on_post_template(self, output_content: str, template_name: str, config: Any) -> str:
        if template_name.endswith(".html"):  # 404.html
            return self._edition_html(output_content, None)
        return output_content

    def _edition_html(self, html: str, page_url: str | None) -> str:
        """Language switch to the same page in the other edition; zh-Hant text converted."""
        html = traditional.link_alternates(html, self.alternates, page_url, self.edition)
        return traditional.to_traditional(html) if self.edition == traditional.EDITION else html

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        server.watch(str(Path(config.config_file_path).parent / self.config.data_dir))
        return server

    # After the search plugin wrote its index (priority 0), before the offline
    # plugin copies it into search_index.js (priority -100).
    @event_priority(-50)
    def on_post_build(self, config: Any) -> None:
        index = Path(config.site_dir) / "search" / "search_index.json"
        if index.is_file():
            data = search.tune_index(json.loads(index.read_text(encoding="utf-8")), self.handbook)
            if self.edition == traditional.EDITION:
                traditional.convert_search_index(data)
            search.write_index(index, data)
        if self.edition == traditional.EDITION:
            # The open data stays one Simplified file, at the root of the Simplified edition.
            traditional.convert_files(self.static_files)
            return
        out = Path(config.site_dir) / "data" / "handbook.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        with timing.timed("render"):
            text = json.dumps(handbook_json(self.handbook), ensure_ascii=False, indent=1)
        out.write_text(text, encoding="utf-8")

    def on_shutdown(self) -> None:
        # For `make bench`: how long this build spent in the handbook's own code.
        if getattr(self, "site_dir", None):
            timing.finish_build(self.site_dir)


def generated_pages(hb: Handbook) -> list[tuple[str, str]]:
    """(docs path, Markdown) for every page made from a YAML file.

    The Markdown is only a macro call with an id (ids are validated to be
    ``[a-z0-9-]``), so no YAML text is ever read as a template.
    """
    return [
        (f"{kind}/{key}.md", f'{{{{ {PAGE_MACROS[kind]}("{key}") }}}}\n')
        for kind in PAGE_KINDS
        for key in hb.entries[kind]
    ]


def expand_nav(nav: list[Any], hb: Handbook) -> list[Any]:
    """Append generated pages to the nav section whose index is ``<kind>/index.md``."""
    out = []
    for item in nav:
        if isinstance(item, dict):
            item = {
                title: expand_nav(value, hb) if isinstance(value, list) else value
                for title, value in item.items()
            }
        out.append(item)
    for kind in PAGE_KINDS:
        if f"{kind}/index.md" in out:
            out += [{nav_title(hb.entries[kind][key]): f"{kind}/{key}.md"} for key in hb.entries[kind]]
    return out


def nav_title(record: Any) -> str:
    """A record's title for the nav, inert as HTML and as a template.

    MkDocs puts nav titles into HTML unescaped, and mkdocs-macros renders any
    title that looks like Jinja; entities keep both from acting on YAML text.
    """
    title = getattr(record, "title", None) or record.name
    return str(escape(title)).replace("{", "&#123;").replace("%", "&#37;")


def handbook_json(hb: Handbook) -> dict[str, list[dict[str, Any]]]:
    """All validated data; every entry keeps its id, its sources and its page URL."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, table in hb.entries.items():
        entries = []
        for key, record in table.items():
            data = {"id": key, **record.model_dump(mode="json")}
            if kind == "sources":
                data["sources"] = [key]
            data["url"] = site_url(kind, key)
            entries.append(data)
        out[kind] = entries
    return out
