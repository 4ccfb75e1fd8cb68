"""The one Jinja environment that turns data into HTML and SVG.

Autoescape is always on and undefined variables raise, so a value from YAML can
never inject markup and a typo in a template fails the build. YAML values are
passed in as data and never compiled as templates.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("macros", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    return env


def render(template: str, **context: object) -> Markup:
    """Render ``macros/templates/<template>`` to safe HTML that other templates can embed.

    Blank lines are dropped so that Markdown keeps the result as one HTML block.
    """
    html = environment().get_template(template).render(**context)
    return Markup("\n".join(line for line in html.splitlines() if line.strip()))
