"""The one registry mechanism (isms/registry.py) and the registries built on it."""

import pytest

from isms.registry import AlreadyRegistered, NotRegistered, Registry


def first(user):
    return ["first"]


def second(user):
    return ["second"]


def test_entries_come_back_in_registration_order_and_by_key():
    registry = Registry("numbers", key=lambda entry: entry["n"])
    one, two = {"n": 1}, {"n": 2}
    assert registry.register(two) is two
    registry.register(one)
    assert list(registry) == [two, one]
    assert registry[1] is one and registry.get(3) is None
    assert 1 in registry and 3 not in registry and len(registry) == 2
    assert list(registry.keys()) == [2, 1]


def test_a_taken_key_is_refused_unless_it_is_the_same_entry():
    registry = Registry("dashboard steps")
    registry.register(first, key=1)
    registry.register(first, key=1)  # an AppConfig.ready() run twice: no change
    with pytest.raises(AlreadyRegistered, match="dashboard steps: 1 is already registered"):
        registry.register(second, key=1)
    assert list(registry) == [first]


def test_a_missing_key_names_the_registry():
    registry = Registry("approvable types")
    with pytest.raises(NotRegistered, match="approvable types: nothing is registered as 'x'"):
        registry["x"]
    with pytest.raises(KeyError):  # NotRegistered is a KeyError, as dict users expect
        registry["x"]


def test_override_swaps_the_contents_for_one_block():
    registry = Registry("figures")
    registry.register(first)
    with registry.override([second]) as swapped:
        assert list(swapped) == [second]
    with registry.override() as copy:
        copy.register(second)
        copy.replace(first, second)
        assert list(registry) == [second, second]
    with registry.override({"k": second}):
        assert registry["k"] is second
    assert list(registry) == [first]


def test_replace_is_only_for_tests():
    registry = Registry("figures")
    with pytest.raises(RuntimeError, match="inside override"):
        registry.replace(first, second)


def test_a_failing_block_still_restores_the_contents():
    registry = Registry("figures")
    registry.register(first)
    with pytest.raises(RuntimeError), registry.override([]):
        raise RuntimeError("the test failed")
    assert list(registry) == [first]


def apps_of(registry) -> set[str]:
    """The packages (two levels: `isms.context`, `risks.steps`) of a registry's entries."""
    return {".".join(entry.__module__.split(".")[:2]) for entry in registry}


def test_every_app_registered_its_providers():
    from assets.hooks import value_at_stake_listeners
    from isms import approvals, dashboard, navigation
    from isms.frameworks import evidence, treatments
    from isms.governance import audit_pack, reviews, scope_estate

    assert set(dashboard.step_providers.keys()) == set(range(1, 10))
    assert {kind.key for kind in approvals.approvable_types} == {
        "isms.scopeversion",
        "isms.policyversion",
        "isms.soa",
        "risks.methodologyversion",
        "risks.riskacceptance",
        "continuity.continuityplanversion",
        "audits.managementreview",
        "audits.auditreport",
    }
    # Which apps registered (by module), rather than how many entries: a new register
    # adds itself here by name.
    assert apps_of(dashboard.figure_providers) == {
        "assets.continuity", "assets.figures", "assets.suppliers", "isms.assurance",
        "isms.audits", "isms.context", "isms.governance", "isms.people", "risks.incidents",
        "risks.steps",
    }  # fmt: skip
    assert apps_of(evidence.providers) == {"assets.findings"}
    assert len(treatments.providers) == 1
    # The registers evidence Annex A 5.19-5.30 and 6.8 with figures, not providers.
    assert {f.control for f in evidence.record_figures} == {
        *(f"5.{n}" for n in range(19, 32)),
        "6.3",
        "6.8",
    }
    assert len(scope_estate.providers) == 1
    assert apps_of(audit_pack.providers) == {
        "assets.continuity", "assets.suppliers", "isms.assurance", "isms.audits",
        "isms.context", "isms.frameworks", "isms.governance", "isms.people", "risks.incidents",
        "risks.providers",
    }  # fmt: skip
    assert apps_of(reviews.providers) == {
        "assets.continuity", "assets.reviews", "assets.suppliers", "isms.audits",
        "isms.context",
        "isms.frameworks", "isms.governance", "risks.incidents", "risks.providers",
        "risks.reviews",
    }  # fmt: skip
    assert len(value_at_stake_listeners) == 1
    assert "assets:asset_list" in navigation.items and "risks:risk_list" in navigation.items
    assert "suppliers:supplier_list" in navigation.items
    # Management-review inputs (issue 13): isms's own, and those of assets and risks.
    from isms.audits import review_inputs

    assert {"previous_actions", "measurement_results", "control_assurance", "overdue_reviews",
            "security_posture", "risk_results"} <= set(review_inputs.inputs.keys())  # fmt: skip
    assert apps_of(i.collect for i in review_inputs.inputs) >= {
        "isms.audits", "assets.review_inputs", "risks.review_inputs",
    }  # fmt: skip
    assert "audits:nonconformity_list" in navigation.items


def test_apps_register_unconditionally():
    """Registering the same entry again is the registry's own no-op, so no app guards a
    registration with `if ... not in registry:` (a guard would also hide a different
    entry under a taken key, which the registry refuses)."""
    import re
    from pathlib import Path

    from django.conf import settings

    guard = re.compile(r"^\s*if .+ not in .+:\s*\n\s*[\w.]*register\w*\(", re.MULTILINE)
    guarded = [
        f"{path.relative_to(settings.BASE_DIR)}:{text[: m.start()].count(chr(10)) + 2}"
        for app in ("isms", "assets", "risks")
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py"))
        for text in [path.read_text()]
        for m in guard.finditer(text)
    ]
    assert guarded == [], guarded
