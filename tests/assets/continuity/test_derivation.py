"""The set-based derivation of required recovery objectives: one pass over the whole
graph in memory (large changes) gives exactly what the upward walks give (small ones),
on graphs with shared dependencies, diamonds, objectives at several levels and a loop
that slipped past the inventory."""

import random

import pytest

from assets import graph as asset_graph
from assets.continuity import services
from assets.continuity.models import OWN, REQUIRED, RecoveryObjective
from assets.models import Asset, AssetDependency
from tests.assets.factories import AssetFactory

pytestmark = pytest.mark.django_db

TABLE = RecoveryObjective._meta.db_table


def stored():
    return {
        row[0]: tuple(row[1:])
        for row in RecoveryObjective.objects.values_list("asset_id", *REQUIRED)
        if any(value is not None for value in row[1:])
    }


def walked(ids):
    """What the upward walk (one recursive query per 500 assets) gives, without the
    all-None rows it reports for assets under a row with no figure."""
    return {
        pk: values
        for pk, values in asset_graph.minimum_above(
            ids, table=TABLE, key="asset_id", columns=OWN
        ).items()
        if any(value is not None for value in values)
    }


@pytest.fixture
def layered():
    """Five layers of 8 assets; each depends on 1-3 assets of the next one or two layers
    (diamonds and shared dependencies), and a few on one shared hub. Objectives (some
    MTDs unset, RPO 0 among them) on the top layer and on two assets further down."""
    rng = random.Random(7)
    layers = [[AssetFactory(name=f"L{level}-{n}") for n in range(8)] for level in range(5)]
    hub = AssetFactory(name="hub")
    edges = set()
    for level, layer in enumerate(layers[:-1]):
        for asset in layer:
            for _ in range(rng.randint(1, 3)):
                pool = layers[level + 1] if level == 3 or rng.random() < 0.7 else layers[level + 2]
                edges.add((asset.pk, rng.choice(pool).pk))
            if rng.random() < 0.2:
                edges.add((asset.pk, hub.pk))
    AssetDependency.objects.bulk_create(
        [AssetDependency(dependent_id=a, dependency_id=b) for a, b in sorted(edges)]
    )
    for asset in layers[0]:
        services.objective_save(
            asset=asset,
            user=None,
            data={
                "mtd_minutes": rng.choice([None, 480, 1440]),
                "rto_minutes": rng.choice([60, 240]),
                "rpo_minutes": rng.choice([0, 15, 60]),
            },
        )
    services.objective_save(asset=layers[2][3], user=None, data={"rto_minutes": 30})
    services.objective_save(asset=layers[3][5], user=None, data={"rpo_minutes": 5})
    return layers, hub


def test_one_pass_in_memory_equals_the_upward_walks(layered):
    ids = set(Asset.objects.values_list("pk", flat=True))
    everywhere = asset_graph.minimum_above_all(table=TABLE, key="asset_id", columns=OWN)
    assert everywhere == walked(ids)
    assert stored() == everywhere  # and the edits' incremental upkeep agrees
    layers, hub = layered
    assert everywhere[hub.pk] is not None  # shared by several top-level processes


def test_a_large_refresh_rederives_every_figure_as_the_edits_did(layered, monkeypatch):
    before = stored()
    # Figures lost (or never derived: objectives loaded in bulk, the benchmark's first run).
    RecoveryObjective.objects.update(
        required_mtd_minutes=None, required_rto_minutes=None, required_rpo_minutes=None
    )
    RecoveryObjective.objects.exclude(rto_minutes__isnull=False).exclude(
        rpo_minutes__isnull=False
    ).delete()
    ids = list(Asset.objects.values_list("pk", flat=True))
    monkeypatch.setattr(services, "FULL_PASS_FROM", 10)  # the whole-graph pass
    changed = services.objectives_refresh(asset_ids=ids)
    assert stored() == before
    assert changed == set(before)
    assert services.objectives_refresh(asset_ids=ids) == set()  # idempotent


def test_a_large_refresh_deletes_rows_left_empty_and_keeps_the_others(layered, monkeypatch):
    layers, hub = layered
    top = layers[0][0]
    below = asset_graph.down_closure([top.pk]) - {top.pk}
    annotated = sorted(below)[0]
    RecoveryObjective.objects.filter(asset_id=annotated).update(notes="restore tested in May")
    # Every top-level objective gone behind the service's back: only the two lower ones
    # still require anything.
    RecoveryObjective.objects.filter(asset__in=layers[0]).update(
        mtd_minutes=None, rto_minutes=None, rpo_minutes=None
    )
    monkeypatch.setattr(services, "FULL_PASS_FROM", 10)
    services.objectives_refresh(asset_ids=Asset.objects.values_list("pk", flat=True))
    ids = set(Asset.objects.values_list("pk", flat=True))
    assert stored() == walked(ids)
    assert not RecoveryObjective.objects.filter(asset__in=layers[0]).exists()
    kept = RecoveryObjective.objects.get(asset_id=annotated)  # its notes keep the row
    assert kept.notes == "restore tested in May"
    assert (kept.required_rto_minutes, kept.required_rpo_minutes) == walked([annotated]).get(
        annotated, (None, None, None)
    )[1:]


def test_a_loop_already_in_the_data_is_computed_by_the_walk(layered):
    """The inventory refuses loops; a loop loaded behind its back (a raw restore) must not
    make the pass drop or invent figures for the assets on and below it."""
    layers, hub = layered
    top = layers[0][0]
    child = AssetDependency.objects.filter(dependent=top).first().dependency
    AssetDependency.objects.create(dependent=child, dependency=top)  # top -> child -> top
    result, unsettled = asset_graph.minimum_down_everywhere(
        {
            pk: tuple(values)
            for pk, *values in RecoveryObjective.objects.values_list("asset_id", *OWN)
            if any(value is not None for value in values)
        },
        AssetDependency.objects.values_list("dependent_id", "dependency_id"),
    )
    assert {top.pk, child.pk} <= unsettled
    assert not unsettled & set(result)  # nothing half-computed is returned for them
    ids = set(Asset.objects.values_list("pk", flat=True))
    everywhere = asset_graph.minimum_above_all(table=TABLE, key="asset_id", columns=OWN)
    assert everywhere == walked(ids)


def test_figures_are_the_strictest_column_by_column():
    own = {1: (None, 60, 15), 2: (480, 240, 0), 3: (None, None, 30)}
    edges = [(1, 4), (2, 4), (4, 5), (3, 5)]
    result, unsettled = asset_graph.minimum_down_everywhere(own, edges)
    assert unsettled == set()
    assert result[4] == (480, 60, 0)
    assert result[5] == (480, 60, 0)
    assert 6 not in result
