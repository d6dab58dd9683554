"""Reports embed only their own figures: text from data renders as text, and report.html carries
no file but the report's own PNGs, wherever Markdown in a name or description points."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from ecosim.report.document import Document, md_text
from tests.safety.helpers import SHORT, cli

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

#: text a hostile or careless user could put in a name, description or claim
HOSTILE = {
    "absolute image": "![x]({secret})",
    "relative image": "![x](../secret.png)",
    "missing image": "![x](/no/such/file.png)",
    "reference image": "![x][r]\n\n[r]: {secret}",
    "html image": '<img src="{secret}">',
    "autolink": "<file://{secret}>",
    "link": "[click](javascript:alert(1))",
    "script": "<script>alert(1)</script>",
    "emphasis and code": "*a* _b_ `c` **d**",
    "table pipe": "a | b | c",
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_text_from_data_renders_as_text(tmp_path: Path, text: str) -> None:
    """md_text(text) renders to exactly that text in HTML: no image, link, tag or emphasis, and no file embedded."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    text = text.replace("{secret}", str(secret))
    doc = Document("t")
    doc.paragraph(md_text(text))
    page = doc.html(tmp_path / "report")
    body = page.split("<body>", 1)[1]
    assert "<img" not in body and "<a " not in body and "<script" not in body and "<em>" not in body and "<code>" not in body
    assert base64.b64encode(PNG).decode() not in page
    import html

    assert html.escape(" ".join(text.split()), quote=False) in " ".join(body.replace("&quot;", '"').split())


def test_raw_markdown_cannot_embed_other_files(tmp_path: Path) -> None:
    """Even Markdown that reaches the page unescaped embeds only figures the report added, inside its folder."""
    folder = tmp_path / "report"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "own.png").write_bytes(PNG + b"own")
    (tmp_path / "secret.png").write_bytes(PNG + b"secret")
    doc = Document("t")
    doc.figure("figures/own.png", "our figure")
    doc.paragraph(f"![a]({tmp_path / 'secret.png'}) ![b](../secret.png) ![c](figures/own.png) ![d](missing.png)")
    page = doc.html(folder)
    assert base64.b64encode(PNG + b"secret").decode() not in page
    assert page.count(base64.b64encode(PNG + b"own").decode()) == 2  # the figure, and the same file named again
    with pytest.raises(ValueError, match="inside the report's folder"):
        doc.figure("../secret.png", "escape")
    with pytest.raises(ValueError, match="inside the report's folder"):
        doc.figure(str(tmp_path / "secret.png"), "absolute")


def test_missing_figure_does_not_crash(tmp_path: Path) -> None:
    """A figure the report names but whose file is gone: a note in the page, no crash (it crashed)."""
    doc = Document("t")
    doc.figure("figures/gone.png", "gone")
    page = doc.html(tmp_path)
    assert "(figure figures/gone.png is missing)" in page


@pytest.mark.slow
def test_compare_report_embeds_only_its_own_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ecosim compare` of scenarios whose names and descriptions hold image Markdown: report.html carries only its figures."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG + b"secret")
    work = tmp_path / "work"
    work.mkdir()
    a = SHORT.replace('name = "short"', f'name = "![a]({secret})"').replace("three months of history, for tests", "![b](../secret.png) <script>x</script>")
    (work / "a.toml").write_text(a, encoding="utf-8")
    (work / "b.toml").write_text(SHORT.replace('name = "short"', 'name = "![c](/no/such.png)"'), encoding="utf-8")
    result = cli(["compare", "a.toml", "b.toml", "--out", "cmp"], work, capsys)
    assert result.code == 0, result.err
    page = (work / "cmp" / "report.html").read_text(encoding="utf-8")
    assert base64.b64encode(PNG + b"secret").decode() not in page
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    embedded = re.findall(r'<img src="data:image/png;base64,', page)
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse((work / "cmp" / "report.md").read_text(encoding="utf-8"))
    images = [c.attrs["src"] for t in tokens for c in (t.children or []) if c.type == "image"]
    assert images and all(str(src).startswith("figures/") for src in images), images  # report.md shows its own figures only
    assert len(embedded) <= len(images)  # each figure embedded as its PNG or shown as its interactive chart
