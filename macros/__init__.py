"""Entry module for mkdocs-macros: it only registers the macros.

The rendering itself lives in :mod:`macros.render` as plain, tested functions;
each macro here binds one of them to the loaded handbook and the current page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


def define_env(env: Any) -> None:
    from .render import MACROS, View
    from .timing import timed

    def bind(func: Callable[..., str]) -> Callable[..., str]:
        @functools.wraps(func)
        def macro(*args: Any, **kwargs: Any) -> str:
            with timed("render"):
                view = View(env.conf.plugins["handbook"].handbook, env.page.url)
                return func(view, *args, **kwargs)

        return macro

    for func in MACROS:
        env.macro(bind(func), func.__name__)
