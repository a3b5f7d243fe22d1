"""The methodology's arithmetic: presets, complete-matrix validation, the mapping."""

import pytest

from risks import scoring


@pytest.mark.parametrize("name", ["5x5", "4x4", "3x3"])
def test_presets_are_valid_and_complete(name):
    content = scoring.preset(name)
    assert scoring.validate_content(content) == {}
    size = int(name[0])
    assert len(content["matrix"]) == size * size


def test_an_incomplete_matrix_is_refused_naming_the_missing_cells():
    content = scoring.preset("3x3")
    del content["matrix"]["3x3"]
    content["matrix"]["1x2"] = "no-such-level"
    errors = scoring.validate_content(content)
    assert list(errors) == ["matrix"]
    assert "2 cell(s)" in errors["matrix"][0]
    assert "likelihood 3 x impact 3" in errors["matrix"][0]


def test_bad_scales_and_levels_are_named():
    content = scoring.preset("4x4")
    content["impact"][1]["exposure_factor"] = "1.5"
    content["likelihood"][0]["aro"] = "-1"
    content["levels"][0]["colour"] = "hotpink"
    content["acceptance_criteria"] = " "
    errors = scoring.validate_content(content)
    assert set(errors) == {"impact", "likelihood", "levels", "acceptance_criteria"}
    assert "between 0 and 1" in errors["impact"][0]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (5, 3, {1: 1, 2: 2, 3: 2, 4: 3, 5: 3}),
        (3, 5, {1: 1, 2: 3, 3: 5}),
        (4, 4, {1: 1, 2: 2, 3: 3, 4: 4}),
        (5, 4, {1: 1, 2: 2, 3: 3, 4: 3, 5: 4}),
    ],
)
def test_rescale_keeps_the_relative_position(old, new, expected):
    assert {v: scoring.rescale(v, old, new) for v in range(1, old + 1)} == expected


def test_scale_levels_and_factors():
    scale = scoring.Scale(scoring.preset("5x5"))
    assert scale.level(scale.level_rank(5, 5))["key"] == "critical"
    assert scale.level(scale.level_rank(1, 1))["key"] == "low"
    assert str(scale.aro(4)) == "1"
    assert str(scale.exposure_factor(3)) == "0.2"
    assert scale.needs_acceptance(scale.level_rank(4, 4))
    assert not scale.needs_acceptance(scale.level_rank(1, 2))
