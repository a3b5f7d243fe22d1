"""Reading catalogue and mapping files, validation first.

`parse_catalogue(raw)` returns a `Catalogue` (plain data, nothing touches the database)
or raises `CatalogueError` listing *every* problem found, so a user fixes a file in one
pass and a malformed file imports nothing. Formats:

- `isms-catalogue/1`: the project's own JSON or YAML format (docs/frameworks-format.md);
- OSCAL catalog JSON (what NIST publishes): `catalog.groups[]` become groups, controls
  of class `category` become groups too (NIST CSF's convention), every other control a
  control; nested controls (enhancements) keep their parent. A control or group whose
  prop `status` is `withdrawn` is imported as withdrawn.
- `isms-mapping/1` (`parse_mapping`): control-to-control links between two frameworks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from isms import importing as reader
from isms.models.frameworks import CODE_PATTERN
from isms.validators import CONTROL_CHARACTERS

CATALOGUE_FORMAT = "isms-catalogue/1"
MAPPING_FORMAT = "isms-mapping/1"
MAX_PROBLEMS = 50
IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._()\-]{0,59}$")
# OSCAL control classes that group other controls rather than being implemented.
OSCAL_GROUPING_CLASSES = {"category"}


class CatalogueError(ValueError):
    """A file that cannot be imported; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            self.problems.append(f"... and {len(problems) - MAX_PROBLEMS} more problems.")
        super().__init__("; ".join(self.problems))


@dataclass
class GroupData:
    identifier: str
    title: str
    description: str = ""
    parent: str | None = None
    theme: str = ""
    withdrawn: bool = False


@dataclass
class ControlData:
    identifier: str
    title: str
    group: str | None = None
    parent: str | None = None
    description: str = ""
    examples: list[str] = field(default_factory=list)
    kind: str = ""
    theme: str = ""
    withdrawn: bool = False
    withdrawn_note: str = ""


@dataclass
class Catalogue:
    code: str
    name: str
    version: str = ""
    publisher: str = ""
    description: str = ""
    source_format: str = "catalogue"
    groups: list[GroupData] = field(default_factory=list)
    controls: list[ControlData] = field(default_factory=list)

    @property
    def active_controls(self) -> list[ControlData]:
        return [c for c in self.controls if not c.withdrawn]


@dataclass
class Mapping:
    source: str
    target: str
    relationship: str
    pairs: list[tuple[str, str]]


def load_document(raw: bytes | str, filename: str = "") -> object:
    """The parsed JSON or YAML document, read within the import bounds by
    isms.importing, or CatalogueError."""
    try:
        return reader.load_document(raw, filename)
    except reader.UnreadableFile as exc:
        raise CatalogueError([str(exc)]) from None


def detect_format(document) -> str:
    """'catalogue', 'oscal' or 'mapping'; CatalogueError when it is none of them."""
    if isinstance(document, dict):
        if document.get("format") == CATALOGUE_FORMAT:
            return "catalogue"
        if document.get("format") == MAPPING_FORMAT:
            return "mapping"
        if isinstance(document.get("catalog"), dict):
            return "oscal"
        if "format" in document:
            raise CatalogueError(
                [
                    f"Unknown format {document['format']!r}: expected {CATALOGUE_FORMAT!r}, "
                    f"{MAPPING_FORMAT!r} or an OSCAL catalog."
                ]
            )
    raise CatalogueError(
        [
            "Unknown format: expected an object with format "
            f"{CATALOGUE_FORMAT!r} or {MAPPING_FORMAT!r}, or an OSCAL catalog "
            '({"catalog": {...}}).'
        ]
    )


def parse_catalogue(
    raw: bytes | str, filename: str = "", *, code: str = "", name: str = "", version: str = ""
):
    """Parse and validate a catalogue file; `code`, `name` and `version` override the
    file's own (an OSCAL catalog's metadata version is the file's, not the framework's)."""
    document = load_document(raw, filename)
    kind = detect_format(document)
    if kind == "mapping":
        raise CatalogueError(["This is a mapping file, not a catalogue: import it as a mapping."])
    catalogue = _from_oscal(document) if kind == "oscal" else _from_own(document)
    if code:
        catalogue.code = code
    if name:
        catalogue.name = name
    if version:
        catalogue.version = version
    problems = _check(catalogue)
    if problems:
        raise CatalogueError(problems)
    return catalogue


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- The project's own format ---------------------------------------------------------


def _from_own(document: dict) -> Catalogue:
    problems: list[str] = []
    meta = document.get("framework")
    if not isinstance(meta, dict):
        raise CatalogueError(["'framework' must be an object with code and name."])
    catalogue = Catalogue(
        code=_text(meta.get("code")),
        name=_text(meta.get("name")),
        version=str(meta.get("version") or "").strip(),
        publisher=_text(meta.get("publisher")),
        description=_text(meta.get("description")),
        source_format="catalogue",
    )
    groups = document.get("groups", [])
    controls = document.get("controls")
    if not isinstance(groups, list):
        problems.append("'groups' must be a list.")
        groups = []
    if not isinstance(controls, list):
        problems.append("'controls' must be a list of controls.")
        controls = []
    for index, item in enumerate(groups, start=1):
        where = f"groups[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object.")
            continue
        theme = _text(item.get("theme"))
        catalogue.groups.append(
            GroupData(
                identifier=str(item.get("id") or "").strip(),
                title=_text(item.get("title")),
                description=_text(item.get("description")),
                parent=str(item["parent"]).strip() if item.get("parent") else None,
                theme=slugify(theme) if theme else "",
                withdrawn=bool(item.get("withdrawn", False)),
            )
        )
    for index, item in enumerate(controls, start=1):
        where = f"controls[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object.")
            continue
        examples = item.get("examples", [])
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            problems.append(f"{where}: 'examples' must be a list of texts.")
            examples = []
        catalogue.controls.append(
            ControlData(
                identifier=str(item.get("id") or "").strip(),
                title=_text(item.get("title")),
                group=str(item["group"]).strip() if item.get("group") else None,
                parent=str(item["parent"]).strip() if item.get("parent") else None,
                description=_text(item.get("description")),
                examples=examples,
                withdrawn=bool(item.get("withdrawn", False)),
                withdrawn_note=_text(item.get("withdrawn_note")),
            )
        )
    if problems:
        raise CatalogueError(problems)
    _inherit_themes(catalogue)
    return catalogue


def _inherit_themes(catalogue: Catalogue) -> None:
    """A group without a theme takes its parent's (or its own slugged title at the top);
    a control takes its group's."""
    by_id = {g.identifier: g for g in catalogue.groups}

    def theme_of(group: GroupData, depth=0) -> str:
        if group.theme:
            return group.theme
        parent = by_id.get(group.parent or "")
        if parent is not None and depth < 20:
            return theme_of(parent, depth + 1)
        return slugify(group.title)[:60]

    for group in catalogue.groups:
        group.theme = theme_of(group)
    for control in catalogue.controls:
        group = by_id.get(control.group or "")
        if group is not None and not control.theme:
            control.theme = group.theme


# --- OSCAL catalog --------------------------------------------------------------------


def _props(item: dict) -> dict:
    props = item.get("props") or []
    return {p.get("name"): p.get("value") for p in props if isinstance(p, dict)}


def _parts(item: dict, name: str) -> list[str]:
    found = []
    for part in item.get("parts") or []:
        if not isinstance(part, dict):
            continue
        if part.get("name") == name and _text(part.get("prose")):
            found.append(_text(part["prose"]))
        # Statements may nest items (800-53 style): keep their prose in order.
        if part.get("name") == name:
            for sub in part.get("parts") or []:
                if isinstance(sub, dict) and _text(sub.get("prose")):
                    found.append(_text(sub["prose"]))
    return found


def _withdrawal(item: dict) -> tuple[bool, str]:
    withdrawn = _props(item).get("status") == "withdrawn"
    if not withdrawn:
        return False, ""
    notes = []
    for link in item.get("links") or []:
        if isinstance(link, dict) and link.get("rel") in ("incorporated_into", "moved_to"):
            target = str(link.get("href", "")).lstrip("#")
            notes.append(f"{link['rel'].replace('_', ' ')} {target}")
    return True, "; ".join(notes)[:300]


def _from_oscal(document: dict) -> Catalogue:
    problems: list[str] = []
    catalog = document["catalog"]
    metadata = catalog.get("metadata")
    if not isinstance(metadata, dict) or not _text(metadata.get("title")):
        problems.append("OSCAL: catalog.metadata.title is required.")
        metadata = metadata if isinstance(metadata, dict) else {}
    if not _text(catalog.get("uuid")):
        problems.append("OSCAL: catalog.uuid is required.")
    title = _text(metadata.get("title"))
    catalogue = Catalogue(
        code=slugify(title)[:60],
        name=title,
        version=str(metadata.get("version") or "").strip(),
        publisher=", ".join(
            dict.fromkeys(
                _text(p.get("name")) for p in metadata.get("parties") or [] if isinstance(p, dict)
            )
        )[:200],
        source_format="oscal",
    )
    counter = {"order": 0}

    def walk_group(item, where, parent, theme):
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object.")
            return
        identifier = _text(item.get("id"))
        if not identifier:
            problems.append(f"{where}: a group needs an id.")
        withdrawn, _note = _withdrawal(item)
        own_theme = theme or slugify(_text(item.get("title")))[:60]
        catalogue.groups.append(
            GroupData(
                identifier=identifier,
                title=_text(item.get("title")),
                description=" ".join(_parts(item, "overview")),
                parent=parent,
                theme=own_theme,
                withdrawn=withdrawn,
            )
        )
        walk_children(item, where, group=identifier, parent_control=None, theme=own_theme)

    def walk_control(item, where, group, parent_control, theme):
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object.")
            return
        identifier = _text(item.get("id"))
        if not identifier:
            problems.append(f"{where}: a control needs an id.")
        kind = _text(item.get("class"))
        withdrawn, note = _withdrawal(item)
        statement = " ".join(_parts(item, "statement"))
        if kind in OSCAL_GROUPING_CLASSES and parent_control is None:
            catalogue.groups.append(
                GroupData(
                    identifier=identifier,
                    title=_text(item.get("title")),
                    description=statement,
                    parent=group,
                    theme=theme,
                    withdrawn=withdrawn,
                )
            )
            walk_children(item, where, group=identifier, parent_control=None, theme=theme)
            return
        label = _props(item).get("label") or ""
        title = _text(item.get("title"))
        catalogue.controls.append(
            ControlData(
                identifier=identifier,
                title=title,
                group=group,
                parent=parent_control,
                description=statement or (label if label != title else ""),
                examples=_parts(item, "example"),
                kind=kind,
                theme=theme,
                withdrawn=withdrawn,
                withdrawn_note=note,
            )
        )
        counter["order"] += 1
        walk_children(item, where, group=group, parent_control=identifier, theme=theme)

    def walk_children(item, where, *, group, parent_control, theme):
        for key, walker in (("groups", walk_group), ("controls", walk_control)):
            children = item.get(key, [])
            if not isinstance(children, list):
                problems.append(f"{where}.{key}: must be a list.")
                continue
            for index, child in enumerate(children, start=1):
                child_where = f"{where}.{key}[{index}]"
                if walker is walk_group:
                    walk_group(child, child_where, group, theme)
                else:
                    walk_control(child, child_where, group, parent_control, theme)

    walk_children(catalog, "catalog", group=None, parent_control=None, theme="")
    if problems:
        raise CatalogueError(problems)
    return catalogue


# --- Consistency ----------------------------------------------------------------------


def _check(catalogue: Catalogue) -> list[str]:
    problems = []
    if not catalogue.code:
        problems.append("The framework needs a code (framework.code, or --code).")
    elif not re.match(CODE_PATTERN, catalogue.code):
        problems.append(
            f"Framework code {catalogue.code!r} must be lower-case letters, digits, dots, "
            "dashes or underscores (at most 60)."
        )
    if not catalogue.name:
        problems.append("The framework needs a name.")
    elif CONTROL_CHARACTERS.search(catalogue.name):
        problems.append("The framework's name must be one line, without control characters.")
    seen_groups: set[str] = set()
    for group in catalogue.groups:
        if not group.identifier:
            continue
        if group.identifier in seen_groups:
            problems.append(f"Duplicate group id {group.identifier!r}.")
        seen_groups.add(group.identifier)
        if not group.title:
            problems.append(f"Group {group.identifier!r} has no title.")
        elif CONTROL_CHARACTERS.search(group.title):
            problems.append(f"Group {group.identifier!r}: the title must be one line.")
    for group in catalogue.groups:
        if group.parent and group.parent not in seen_groups:
            problems.append(f"Group {group.identifier!r}: unknown parent {group.parent!r}.")
    seen: set[str] = set()
    if not catalogue.controls:
        problems.append("The catalogue has no controls.")
    for control in catalogue.controls:
        name = control.identifier or "(no id)"
        if control.identifier:
            if control.identifier in seen:
                problems.append(f"Duplicate control id {control.identifier!r}.")
            seen.add(control.identifier)
            if not IDENTIFIER_RE.match(control.identifier):
                problems.append(
                    f"Control id {control.identifier!r} must be at most 60 letters, digits, "
                    "dots, dashes or brackets."
                )
        if not control.title:
            problems.append(f"Control {name!r} has no title.")
        elif len(control.title) > 300:
            problems.append(f"Control {name!r}: title longer than 300 characters.")
        elif CONTROL_CHARACTERS.search(control.title):
            problems.append(f"Control {name!r}: the title must be one line.")
        if control.group and control.group not in seen_groups:
            problems.append(f"Control {name!r}: unknown group {control.group!r}.")
    for control in catalogue.controls:
        if control.parent and control.parent not in seen:
            problems.append(f"Control {control.identifier!r}: unknown parent {control.parent!r}.")
    return problems


# --- Mappings -------------------------------------------------------------------------


def parse_mapping(raw: bytes | str, filename: str = "") -> Mapping:
    """Parse an `isms-mapping/1` file (ids are checked against the database on import)."""
    document = load_document(raw, filename)
    if detect_format(document) != "mapping":
        raise CatalogueError([f"Not a mapping file: expected format {MAPPING_FORMAT!r}."])
    problems = []
    source = _text(document.get("source"))
    target = _text(document.get("target"))
    if not source or not target:
        problems.append("A mapping needs 'source' and 'target' framework codes.")
    entries = document.get("mappings")
    pairs: list[tuple[str, str]] = []
    if not isinstance(entries, list):
        problems.append("'mappings' must be a list.")
        entries = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not _text(str(entry.get("source") or "")):
            problems.append(f"mappings[{index}]: needs a 'source' control id.")
            continue
        targets = entry.get("targets")
        if not isinstance(targets, list) or not targets:
            problems.append(f"mappings[{index}]: 'targets' must be a non-empty list of ids.")
            continue
        for item in targets:
            pair = (str(entry["source"]).strip(), str(item).strip())
            if pair in pairs:
                problems.append(f"mappings[{index}]: duplicate link {pair[0]} -> {pair[1]}.")
            pairs.append(pair)
    if problems:
        raise CatalogueError(problems)
    return Mapping(
        source=source,
        target=target,
        relationship=_text(document.get("relationship")) or "related",
        pairs=pairs,
    )
