"""Reading and validating catalogue files: the shipped ones parse to the right shape, and
a malformed or inconsistent file is rejected with every problem listed."""

import json

import pytest

from isms.frameworks.catalogue import CatalogueError, parse_catalogue, parse_mapping
from tests.counts import CSF_SUBCATEGORIES, ISO_CONTROLS, ISO_CONTROLS_BY_THEME
from tests.isms.frameworks.conftest import DATA


def own(controls, groups=None, **framework):
    return json.dumps(
        {
            "format": "isms-catalogue/1",
            "framework": {"code": "acme-1", "name": "ACME controls", **framework},
            "groups": groups if groups is not None else [{"id": "A", "title": "Access"}],
            "controls": controls,
        }
    )


def test_iso_has_93_controls_in_four_themes():
    catalogue = parse_catalogue((DATA / "iso27001-2022.json").read_bytes())
    assert catalogue.code == "iso27001-2022"
    assert len(catalogue.controls) == ISO_CONTROLS
    by_theme = {}
    for control in catalogue.controls:
        by_theme[control.theme] = by_theme.get(control.theme, 0) + 1
    assert by_theme == ISO_CONTROLS_BY_THEME
    assert (catalogue.controls[0].identifier, catalogue.controls[-1].identifier) == ("5.1", "8.34")


def test_nist_csf_oscal_gives_functions_categories_and_subcategories():
    catalogue = parse_catalogue((DATA / "nist-csf-2.0.json").read_bytes(), code="nist-csf-2.0")
    functions = [g for g in catalogue.groups if g.parent is None]
    categories = [g for g in catalogue.groups if g.parent is not None]
    assert [f.identifier for f in functions] == ["GV", "ID", "PR", "DE", "RS", "RC"]
    assert functions[0].title == "GOVERN"
    assert len([c for c in categories if not c.withdrawn]) == 22
    assert len(catalogue.active_controls) == CSF_SUBCATEGORIES
    first = catalogue.controls[0]
    assert (first.identifier, first.group, first.theme) == ("GV.OC-01", "GV.OC", "govern")
    assert first.description.startswith("The organizational mission is understood")
    assert first.examples  # implementation examples kept
    # Withdrawn subcategories under active categories are filtered by their own status.
    withdrawn = next(c for c in catalogue.controls if c.identifier == "ID.AM-06")
    assert withdrawn.withdrawn
    assert "incorporated into GV.RR-02" in withdrawn.withdrawn_note
    assert not next(g for g in categories if g.identifier == "ID.AM").withdrawn


def test_own_format_in_yaml():
    raw = """
format: isms-catalogue/1
framework: {code: acme-1, name: ACME controls, version: "1"}
groups:
  - {id: A, title: Access, theme: Access control}
controls:
  - {id: A-1, title: Accounts are reviewed, group: A}
  - {id: A-1.1, title: Quarterly, group: A, parent: A-1}
"""
    catalogue = parse_catalogue(raw, "acme.yaml")
    assert [c.identifier for c in catalogue.controls] == ["A-1", "A-1.1"]
    assert catalogue.controls[1].parent == "A-1"
    assert catalogue.controls[0].theme == "access-control"


@pytest.mark.parametrize(
    ("raw", "filename", "expected"),
    [
        ("{not json", "x.json", "not valid JSON (line 1, column 2)"),
        ("a: [", "x.yaml", "not valid YAML (line 1"),
        ('{"format": "other/2"}', "x.json", "Unknown format 'other/2'"),
        ("[1, 2]", "x.json", "Unknown format"),
        ('{"catalog": {"groups": "nope"}}', "x.json", "catalog.metadata.title is required"),
    ],
)
def test_unreadable_or_unknown_files_are_rejected(raw, filename, expected):
    with pytest.raises(CatalogueError) as error:
        parse_catalogue(raw, filename)
    assert any(expected in problem for problem in error.value.problems), error.value.problems


def test_every_problem_is_listed_at_once():
    raw = own(
        [
            {"id": "A-1", "title": "One", "group": "A"},
            {"id": "A-1", "title": "Again", "group": "A"},
            {"id": "A-2", "group": "A"},
            {"id": "A-3", "title": "Lost", "group": "Z"},
            {"id": "A-4", "title": "Orphan", "group": "A", "parent": "A-9"},
        ]
    )
    with pytest.raises(CatalogueError) as error:
        parse_catalogue(raw)
    assert error.value.problems == [
        "Duplicate control id 'A-1'.",
        "Control 'A-2' has no title.",
        "Control 'A-3': unknown group 'Z'.",
        "Control 'A-4': unknown parent 'A-9'.",
    ]


def test_invalid_oscal_lists_its_problems():
    document = {
        "catalog": {
            "uuid": "",
            "metadata": {"title": "Broken"},
            "groups": [{"id": "G", "title": "G", "controls": [{"title": "no id"}, "x"]}],
        }
    }
    with pytest.raises(CatalogueError) as error:
        parse_catalogue(json.dumps(document))
    problems = error.value.problems
    assert "OSCAL: catalog.uuid is required." in problems
    assert "catalog.groups[1].controls[1]: a control needs an id." in problems
    assert "catalog.groups[1].controls[2]: must be an object." in problems


def test_framework_code_must_be_a_code():
    with pytest.raises(CatalogueError) as error:
        parse_catalogue(own([{"id": "A-1", "title": "x", "group": "A"}]), code="Not A Code")
    assert "Framework code 'Not A Code'" in error.value.problems[0]


def test_mapping_file_is_parsed_and_checked():
    mapping = parse_mapping((DATA / "mappings" / "iso27001-2022__nist-csf-2.0.json").read_bytes())
    assert (mapping.source, mapping.target, mapping.relationship) == (
        "iso27001-2022",
        "nist-csf-2.0",
        "related",
    )
    assert ("5.1", "GV.PO-01") in mapping.pairs
    bad = {"format": "isms-mapping/1", "source": "a", "mappings": [{"source": "1"}]}
    with pytest.raises(CatalogueError) as error:
        parse_mapping(json.dumps(bad))
    assert error.value.problems == [
        "A mapping needs 'source' and 'target' framework codes.",
        "mappings[1]: 'targets' must be a non-empty list of ids.",
    ]
