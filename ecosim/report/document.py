"""A report written once as Markdown and rendered to a self-contained HTML page.

:class:`Document` collects headings, paragraphs, tables (DataFrames) and figures (PNG files
next to the report, each optionally with an interactive twin). :meth:`Document.markdown` is
``report.md`` (figures linked by relative path); :meth:`Document.html` renders the same
Markdown (markdown-it-py, CommonMark with tables) and shows each figure that has an
interactive :class:`~ecosim.report.interactive.Chart` as that chart (hover, zoom, legend
toggles, its data as a CSV download), the others as PNGs embedded as base64 ``data:`` URIs.
plotly.js is embedded once, so ``report.html`` opens from disk or a mail attachment without a
server, a network or the ``figures/`` folder.
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

from ecosim.report.interactive import Chart, plotly_js

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
.headline { font-size: 1.08em; background: #f6f8fa; border-left: 4px solid #0072B2; padding: .6em 1em; margin: 1em 0 1.4em; }
.headline p { margin: .35em 0; }
.chart { margin: .6em 0 1.2em; border: 1px solid #e3e3e3; padding: 4px; }
.chart-tools { margin: 2px 6px; font-size: 12px; }
"""
#: a block holding an HTML-only chart (never written to report.md)
CHART_BLOCK = "\x00chart:"
#: verdict words of the scorecard, coloured in HTML
VERDICT_CLASSES = {"✓ true": "v-true", "⚠ late": "v-late", "✗ false": "v-false", "○ open": "v-open"}


#: what makes Markdown of text: a backslash, code, emphasis, an autolink or HTML, a table pipe,
#: the "](" or "][" of a link or an image, an underscore at the edge of a word
_MD_SYNTAX = re.compile(r"[\\`*<|]|\](?=[(\[])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def md_text(text: object) -> str:
    """Text from data (a scenario's name, a description, a claim) as Markdown that renders as
    exactly that text: the characters of Markdown's inline syntax that would make links,
    images, emphasis, code, autolinks or table cells backslash-escaped, newlines as spaces.

    >>> md_text("![x](/etc/a.png) *b* a_b _c_ [p10, p90]")
    '![x\\\\](/etc/a.png) \\\\*b\\\\* a_b \\\\_c\\\\_ [p10, p90]'
    """
    one_line = " ".join(str(text).splitlines())
    return _MD_SYNTAX.sub(lambda m: "\\" + m.group(0), one_line)


def md_escape(text: object) -> str:
    """A table cell for Markdown: its text rendered as text (:func:`md_text`).

    >>> md_escape("a|b\\nc")
    'a\\\\|b c'
    """
    return md_text(text)


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
    charts: dict[str, Chart] = field(default_factory=dict)
    headline_lines: list[str] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append("#" * level + " " + text)

    def paragraph(self, text: str) -> None:
        self.blocks.append(text)

    def bullets(self, items: Sequence[str]) -> None:
        self.blocks.append("\n".join(f"- {i}" for i in items))

    def table(self, df: pd.DataFrame, align_right: Sequence[str] = ()) -> None:
        self.blocks.append(md_table(df, align_right) if len(df) else "*(none)*")

    def headline(self, lines: Sequence[str]) -> None:
        """The findings that matter, in words: the first thing after the title (both formats)."""
        self.headline_lines = list(lines)

    def figure(self, relpath: str, caption: str, chart: Chart | None = None) -> None:
        """A figure (PNG path relative to the report, inside its folder) with its caption below
        (the caption is text: :func:`md_text`); ``chart``: its interactive twin, shown instead of
        the PNG in the HTML report."""
        if Path(relpath).is_absolute() or ".." in Path(relpath).parts or not relpath.endswith(".png"):
            raise ValueError(f"a report's figure must be a PNG inside the report's folder (got {relpath!r})")
        self.figures.append(relpath)
        if chart is not None:
            self.charts[relpath] = chart
        self.blocks.append(f"![{md_text(caption)}]({relpath})\n\n*{md_text(caption)}*")

    def chart(self, chart: Chart) -> None:
        """An interactive chart with no PNG twin: in the HTML report only."""
        self.charts[CHART_BLOCK + chart.id] = chart
        self.blocks.append(CHART_BLOCK + chart.id)

    def markdown(self) -> str:
        head = "\n\n".join(self.headline_lines)
        blocks = [b for b in self.blocks if not b.startswith(CHART_BLOCK)]
        return f"# {md_text(self.title)}\n\n" + (head + "\n\n" if head else "") + "\n\n".join(blocks) + "\n"

    def html(self, folder: Path) -> str:
        """The report as one HTML page with its own figures embedded (read from ``folder``).

        Only the figures added with :meth:`figure` are embedded, and only from inside ``folder``;
        any other image in the Markdown is shown as its alternative text, and a figure whose file
        is missing as a note, so no text can make the page carry another file."""
        md = MarkdownIt("commonmark", {"html": False}).enable("table")
        body = "".join(self.charts[b].html() if b.startswith(CHART_BLOCK) else md.render(b + "\n") for b in self.blocks)
        head = "".join(md.render(line) for line in self.headline_lines)

        def interactive(match: re.Match[str]) -> str:
            chart = self.charts.get(html.unescape(match.group(1)))
            return chart.html() if chart is not None else match.group(0)

        body = re.sub(r'<p><img src="([^"]+\.png)"[^>]*></p>', interactive, body)

        inside = folder.resolve()

        def embed(match: re.Match[str]) -> str:
            src, alt = html.unescape(match.group(1)), match.group(2)
            path = (folder / src).resolve()
            if src not in self.figures or not path.is_relative_to(inside):
                return alt
            if not path.is_file():
                return f"<em>(figure {html.escape(src)} is missing)</em>"
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            return f'<img src="data:image/png;base64,{data}" alt="{alt}" />'

        body = re.sub(r'<img src="([^"]*)" alt="([^"]*)"(?: title="[^"]*")? />', embed, body)
        head = re.sub(r'<img src="([^"]*)" alt="([^"]*)"(?: title="[^"]*")? />', embed, head)
        top = f"<h1>{html.escape(self.title)}</h1>\n" + (f'<div class="headline">{head}</div>\n' if head else "")
        body = body.replace("<table>", '<div class="wide"><table>').replace("</table>", "</table></div>")
        for word, cls in VERDICT_CLASSES.items():
            body = body.replace(word, f'<span class="{cls}">{word}</span>')
        script = f'<script type="text/javascript">{plotly_js()}</script>\n' if self.charts else ""
        return (
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(self.title)}</title>\n<style>{CSS}</style>\n{script}</head>\n<body>\n{top}{body}</body>\n</html>\n"
        )
