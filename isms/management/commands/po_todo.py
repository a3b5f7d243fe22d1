"""List and fill the untranslated or fuzzy entries of the shipped catalogues.

    python manage.py po_todo list [fr de]        # numbered msgids still to translate
    python manage.py po_todo fill FILE [fr de]   # FILE: lines "N<TAB>fr text<TAB>de text"

`list` prints each msgid (in its .po escaped form) once, numbered, with the languages that
lack it, and saves the numbering to var/po_todo.json for `fill`. Plural entries are
marked `[plural: ...]`; give their translation as "singular || plural". Texts in FILE are
written in .po escaped form (`\\n`, `\\"`); a bare double quote is escaped. `fill`
removes the `fuzzy` flag of each entry it translates. Exit status 1 when `list` finds
something to translate (for CI).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

ROOT = Path(__file__).resolve().parents[3]
STATE = ROOT / "var" / "po_todo.json"


def po_path(code):
    return ROOT / "locale" / code / "LC_MESSAGES" / "django.po"


def _joined(lines, key):
    out, on = [], False
    for line in lines:
        if line.startswith(key + " "):
            on, line = True, line[len(key) + 1 :]
        elif not line.startswith('"'):
            on = False
            continue
        if on:
            out.append(line[1:-1])
    return "".join(out)


def parse(path):
    """The blocks of a .po file: (lines, msgctxt, msgid, plural, msgstrs, fuzzy)."""
    blocks = []
    for raw in path.read_text(encoding="utf-8").split("\n\n"):
        lines = raw.strip("\n").splitlines()
        msgid = _joined(lines, "msgid")
        plural = _joined(lines, "msgid_plural")
        ctxt = _joined(lines, "msgctxt")
        strs = [_joined(lines, k) for k in ("msgstr", "msgstr[0]", "msgstr[1]")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        blocks.append([lines, ctxt, msgid, plural, strs, fuzzy])
    return blocks


def todo(block):
    lines, ctxt, msgid, plural, strs, fuzzy = block
    if not msgid:
        return False
    done = all(strs[1:]) if plural else bool(strs[0])
    return fuzzy or not done


def key(block):
    return f"{block[1]}\x04{block[2]}" if block[1] else block[2]


def cmd_list(codes):
    items = {}
    for code in codes:
        for block in parse(po_path(code)):
            if todo(block):
                entry = items.setdefault(key(block), {"plural": block[3], "langs": []})
                entry["langs"].append(code)
    numbered = list(items)
    STATE.parent.mkdir(exist_ok=True)
    STATE.write_text(json.dumps(numbered, ensure_ascii=False), encoding="utf-8")
    for n, k in enumerate(numbered, 1):
        extra = f"  [plural: {items[k]['plural']}]" if items[k]["plural"] else ""
        print(f"{n}\t{k.replace(chr(4), ' || ctx ')}{extra}")
    print(f"{len(numbered)} to translate", file=sys.stderr)
    return 1 if numbered else 0


def _esc(text):
    return re.sub(r'(?<!\\)"', r'\\"', text.strip("\r\n"))


def cmd_fill(file, codes):
    numbered = json.loads(STATE.read_text(encoding="utf-8"))
    wanted = {}
    for line in Path(file).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        n, *texts = line.split("\t")
        wanted[numbered[int(n) - 1]] = dict(zip(["fr", "de"], texts, strict=True))
    for code in codes:
        path = po_path(code)
        blocks = parse(path)
        for block in blocks:
            k = key(block)
            if k not in wanted or not block[2]:
                continue
            text = wanted[k][code]
            cut = next(i for i, ln in enumerate(block[0]) if ln.startswith("msgstr"))
            lines = [_unfuzzy(ln) for ln in block[0][:cut] if not ln.startswith("#|")]
            lines = [ln for ln in lines if ln != "#,"]
            if block[3]:
                one, _, many = (part.strip() for part in text.partition("||"))
                lines += [f'msgstr[0] "{_esc(one)}"', f'msgstr[1] "{_esc(many or one)}"']
            else:
                lines.append(f'msgstr "{_esc(text)}"')
            block[0] = lines
        path.write_text("\n\n".join("\n".join(b[0]) for b in blocks) + "\n", encoding="utf-8")


def _unfuzzy(line):
    if not line.startswith("#,"):
        return line
    flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
    return "#, " + ", ".join(flags) if flags else "#,"


def main(argv):
    cmd, rest = argv[0], argv[1:]
    if cmd == "list":
        return cmd_list(rest or ["fr", "de"])
    if cmd == "fill":
        return cmd_fill(rest[0], rest[1:] or ["fr", "de"]) or 0
    raise SystemExit(__doc__)


class Command(BaseCommand):
    help = "List (numbered) or fill the untranslated and fuzzy entries of the catalogues."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="+", metavar="list [fr de] | fill FILE [fr de]")

    def handle(self, *args, **options):
        status = main(list(args))
        if status:
            raise SystemExit(status)
