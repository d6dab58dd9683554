"""A report written once as Markdown and rendered to a self-contained HTML page.

:class:`Document` collects headings, paragraphs, tables (DataFrames) and figures (PNG files
next to the report). :meth:`Document.markdown` is ``report.md`` (figures linked by relative
path); :meth:`Document.html` renders the same Markdown (markdown-it-py, CommonMark with
tables) and embeds every figure as a base64 ``data:`` URI, so ``report.html`` opens from disk
or a mail attachment without a server or the ``figures/`` folder.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markdown_it import MarkdownIt

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px;
       padding: 0 1.5em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #444; padding-bottom: .2em; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .15em; margin-top: 2em; }
table { border-collapse: collapse; margin: .8em 0 1.4em; font-size: 13px; }
th, td { border: 1px solid #d0d0d0; padding: 3px 7px; vertical-align: top; }
th { background: #f2f2f2; position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fafafa; }
td[style*="right"] { white-space: nowrap; }
td:first-child { min-width: 12em; }
img { max-width: 100%; display: block; margin: .6em 0 .2em; }
p.caption, em { color: #555; }
code { background: #f4f4f4; padding: 0 3px; font-size: 90%; }
.wide { overflow-x: auto; }
.v-true { color: #1a7f37; font-weight: 600; } .v-late { color: #b35900; font-weight: 600; }
.v-false { color: #c62828; font-weight: 600; } .v-open { color: #555; }
"""
#: verdict words of the scorecard, coloured in HTML
VERDICT_CLASSES = {"✓ true": "v-true", "⚠ late": "v-late", "✗ false": "v-false", "○ open": "v-open"}


def md_escape(text: object) -> str:
    """A table cell for Markdown: pipes escaped, newlines as spaces.

    >>> md_escape("a|b\\nc")
    'a\\\\|b c'
    """
    return str(text).replace("|", "\\|").replace("\n", " ")


def md_table(df: pd.DataFrame, align_right: Sequence[str] = ()) -> str:
    """A DataFrame as a Markdown (GFM) table; ``align_right`` columns are right-aligned.

    >>> print(md_table(pd.DataFrame({"a": [1], "b": ["x"]}), ["a"]))
    | a | b |
    |--:|:--|
    | 1 | x |
    """
    head = "| " + " | ".join(md_escape(c) for c in df.columns) + " |"
    rule = "|" + "|".join("--:" if c in align_right else ":--" for c in df.columns) + "|"
    body = ["| " + " | ".join(md_escape(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


@dataclass
class Document:
    """Blocks of Markdown and the figures they show (paths relative to the report's folder)."""

    title: str
    blocks: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append("#" * level + " " + text)

    def paragraph(self, text: str) -> None:
        self.blocks.append(text)

    def bullets(self, items: Sequence[str]) -> None:
        self.blocks.append("\n".join(f"- {i}" for i in items))

    def table(self, df: pd.DataFrame, align_right: Sequence[str] = ()) -> None:
        self.blocks.append(md_table(df, align_right) if len(df) else "*(none)*")

    def figure(self, relpath: str, caption: str) -> None:
        """A figure (PNG path relative to the report) with its caption below."""
        self.figures.append(relpath)
        self.blocks.append(f"![{md_escape(caption)}]({relpath})\n\n*{caption}*")

    def markdown(self) -> str:
        return f"# {self.title}\n\n" + "\n\n".join(self.blocks) + "\n"

    def html(self, folder: Path) -> str:
        """The report as one HTML page with every figure embedded (read from ``folder``)."""
        body = MarkdownIt("commonmark", {"html": False}).enable("table").render(self.markdown())

        def embed(match: re.Match[str]) -> str:
            src = html.unescape(match.group(1))
            data = base64.b64encode((folder / src).read_bytes()).decode("ascii")
            return f'<img src="data:image/png;base64,{data}"'

        body = re.sub(r'<img src="([^"]+\.png)"', embed, body)
        body = body.replace("<table>", '<div class="wide"><table>').replace("</table>", "</table></div>")
        for word, cls in VERDICT_CLASSES.items():
            body = body.replace(word, f'<span class="{cls}">{word}</span>')
        return (
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(self.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
        )
