"""Small browser widgets of the page, each a Vue template next to this file (no CDN, no build)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara


@solara.component_vue("copy_text.vue")
def CopyText(text: str, label: str = "Copy", link: bool = False) -> None:
    """A line of text (a command) with a button that copies it to the clipboard; ``link``: the
    text is a query string, shown and copied as the page's address with it."""


@solara.component_vue("file_load.vue")
def FileLoad(label: str, event_load: Callable[[dict[str, Any]], None]) -> None:
    """A file chooser for a scenario file: calls ``event_load({name, size, text})``."""


@solara.component_vue("url_state.vue")
def UrlState(query: str) -> None:
    """Keeps the browser's address query equal to ``query`` (history.replaceState, no reload)."""
