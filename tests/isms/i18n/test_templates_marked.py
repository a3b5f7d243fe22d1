"""Every template's visible text is marked for translation.

SCOPE: every `.html` and `.txt` template of the project — `templates/` and each app's
`templates/` folder — including templates added later: a new template is checked
automatically. Text counts as visible when, outside `{% translate %}` /
`{% blocktranslate %}` / `{% comment %}` / `<script>` / `<style>`, it has letters once
tags and template variables are removed; the attributes `title`, `alt`, `placeholder`
and `aria-label` are checked too. There are no exceptions: every template is converted
(issue 21).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("*/*/templates")]

_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&[#\w]+;")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_ATTR = re.compile(r"""\b(?:title|alt|placeholder|aria-label)\s*=\s*"([^"{]*[A-Za-z][^"{]*)\"""")
_MARKED = re.compile(
    r"\{%\s*(blocktranslate|blocktrans|comment)\b.*?\{%\s*end\1\s*%\}|\{#.*?#\}", re.S
)
_TEMPLATE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_RAW = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)


def template_files():
    seen = set()
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".html", ".txt"} and path not in seen and ".venv" not in path.parts:
                seen.add(path)
                yield path


def unmarked(source: str) -> list[str]:
    """The pieces of visible text in `source` that are not marked for translation."""
    text = _MARKED.sub(" ", source)
    text = _TEMPLATE.sub("", text)
    text = _RAW.sub(" ", text)
    found = _ATTR.findall(text)
    visible = _ENTITY.sub(" ", _TAG.sub(" ", text))
    return found + _LETTERS.findall(visible)


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_every_template_marks_its_text():
    offenders = {}
    for path in template_files():
        words = unmarked(path.read_text(encoding="utf-8"))
        if words:
            offenders[relative(path)] = " ".join(words[:12])
    assert not offenders, "Unmarked text (wrap it in {% translate %}):\n" + "\n".join(
        f"  {name}: {words}" for name, words in offenders.items()
    )


def test_the_check_sees_unmarked_text():
    assert unmarked("<p>Hello <b>world</b></p>") == ["Hello", "world"]
    assert unmarked('<a title="Open menu">{% translate "x" %}</a>') == ["Open menu"]
    assert unmarked("{% load i18n %}<p>{% translate 'Hi' %} {{ name }}</p>") == []
    assert unmarked("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}") == []
    assert unmarked("<script>var a = 'text';</script>") == []
