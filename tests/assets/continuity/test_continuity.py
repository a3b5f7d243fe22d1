"""Business continuity: recovery objectives flowing down the dependency graph, the gaps
(declared and AWS configuration), plans and exercises, the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assets import services as asset_services
from assets.continuity import selectors, services
from assets.continuity.models import RecoveryObjective
from assets.models import AwsResource, AwsResourceLink, AwsService
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.factories import AssetFactory, essential

pytestmark = pytest.mark.django_db


def required(asset):
    row = RecoveryObjective.objects.filter(asset=asset).first()
    if row is None:
        return None
    return (row.required_mtd_minutes, row.required_rto_minutes, row.required_rpo_minutes)


def objectives(asset, **data):
    return services.objective_save(asset=asset, user=None, data=data)


@pytest.fixture
def graph():
    """Two processes sharing a server, which needs a database:
    orders(RTO 60, RPO 15, MTD 240) -> server <- billing(RTO 240, RPO 0); server -> db."""
    db = AssetFactory(name="db")
    server = AssetFactory(name="server", depends_on=[db])
    orders = essential(name="orders", depends_on=[server])
    billing = essential(name="billing", depends_on=[server])
    objectives(orders, mtd_minutes=240, rto_minutes=60, rpo_minutes=15)
    objectives(billing, rto_minutes=240, rpo_minutes=0)
    return orders, billing, server, db


def test_the_strictest_objective_flows_down_shared_dependencies(graph):
    orders, billing, server, db = graph
    assert required(orders) == (240, 60, 15)
    assert required(billing) == (None, 240, 0)
    assert required(server) == required(db) == (240, 60, 0)


def test_objectives_follow_edits_of_objectives_and_of_the_graph(graph):
    orders, billing, server, db = graph
    objectives(orders, rto_minutes=30)
    assert required(db) == (240, 30, 0)
    asset_services.asset_dependency_remove(dependent=billing, dependency=server, user=None)
    assert required(server) == (240, 30, 15)
    asset_services.asset_dependency_remove(dependent=server, dependency=db, user=None)
    assert required(db) is None  # nothing left above it: the row is gone
    asset_services.asset_dependency_add(dependent=billing, dependency=db, user=None)
    assert required(db) == (None, 240, 0)
    fresh = AssetFactory(depends_on=[])
    asset_services.asset_update(asset=server, user=None, data={}, depends_on=[db, fresh])
    assert required(fresh) == (240, 30, 15)
    assert required(db) == (240, 30, 0)


def test_a_loop_is_still_refused_and_changes_nothing(graph):
    orders, billing, server, db = graph
    with pytest.raises(ValidationError, match="loop"):
        asset_services.asset_dependency_add(dependent=db, dependency=orders, user=None)
    assert required(db) == (240, 60, 0)


def test_deleting_a_process_releases_what_it_required(graph):
    orders, billing, server, db = graph
    asset_services.asset_delete(asset=billing, user=None, force=True)
    assert required(db) == (240, 60, 15)


def test_bad_objectives_are_refused_whole(graph):
    orders, billing, server, db = graph
    with pytest.raises(ValidationError) as error:
        objectives(server, mtd_minutes=60, rto_minutes=120)
    assert "rto_minutes" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        objectives(server, impact_over_time=[{"after_minutes": -1, "impact": "x"}])
    assert "impact_over_time" in error.value.message_dict
    row = RecoveryObjective.objects.get(asset=server)
    assert (row.mtd_minutes, row.rto_minutes, row.impact_over_time) == (None, None, [])


def _resource(asset, service, resource_type, configuration, name):
    account = AwsAccountFactory()
    now = timezone.now()
    resource = AwsResource.objects.create(
        account=account,
        arn=f"arn:aws:{service}:eu-west-1:{account.account_id}:{name}",
        service=AwsService.objects.get(code=service),
        resource_type=resource_type,
        region="eu-west-1",
        partition_region="eu-west-1",
        name=name,
        configuration=configuration,
        first_seen=now,
        last_seen=now,
    )
    AwsResourceLink.objects.create(resource=resource, asset=asset, source="manual")
    return resource


def test_gaps_name_the_assets_that_cannot_meet_their_objectives(graph):
    orders, billing, server, db = graph
    _resource(db, "rds", "db-instance", {"BackupRetentionPeriod": 0, "MultiAZ": False}, "pg")
    _resource(db, "rds", "db-instance", {"BackupRetentionPeriod": 7, "MultiAZ": True}, "ok")
    _resource(server, "s3", "bucket", {"Versioning": {"Status": "Suspended"}}, "files")
    objectives(server, achievable_rto_minutes=120)
    kinds = {(gap.asset.name, gap.kind) for gap in selectors.gaps()}
    assert kinds == {
        ("db", "rds_backups_off"),
        ("db", "rds_single_az"),
        ("server", "s3_no_versioning"),
        ("server", "declared_rto"),
    }
    # Relaxing the objective above removes the gaps it caused.
    objectives(billing, rpo_minutes=60 * 24)
    objectives(orders, rpo_minutes=60 * 24, rto_minutes=60 * 24, mtd_minutes=60 * 48)
    assert {gap.kind for gap in selectors.gaps()} == {"rds_single_az"}


def test_plans_and_exercises(graph, security_manager):
    orders, billing, server, db = graph
    with pytest.raises(ValidationError):
        services.plan_create(user=security_manager, data={"title": "DR", "processes": [server]})
    plan = services.plan_create(
        user=security_manager, data={"title": "Orders DR", "processes": [orders]}
    )
    assert plan.ref == "BCP-001"
    plan = services.plan_update(plan=plan, user=security_manager, data={"content": "Failover"})
    assert plan.version == 2
    exercise = services.exercise_record(
        plan=plan,
        user=security_manager,
        data={
            "held_on": datetime.date(2026, 3, 1),
            "kind": "tabletop",
            "scenario": "Region lost",
            "result": "partly",
            "achieved_rto_minutes": 90,
        },
    )
    assert exercise.recorded_by == security_manager


def test_bia_api(graph, security_manager, auditor, client_as):
    orders, billing, server, db = graph
    client = client_as(security_manager)
    answer = client.get("/api/bia/", {"q": "db"})
    assert answer.status_code == 200
    [row] = answer.json()["results"]
    assert row["required_rto_minutes"] == 60 and row["rto_minutes"] is None
    answer = client.patch(
        f"/api/bia/{server.pk}/",
        {"rto_minutes": 20, "required_rto_minutes": 1},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["required_rto_minutes"] == 20  # read-only: derived, not taken
    assert required(db)[1] == 20
    answer = client.post(
        "/api/bia/",
        {"asset": db.pk, "mtd_minutes": 10, "rto_minutes": 30},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "rto_minutes" in answer.json()["errors"]
    assert client.get("/api/bia/gaps/").status_code == 200
    auditor_client = client_as(auditor)
    assert auditor_client.get(f"/api/bia/{db.pk}/").status_code == 200
    assert (
        auditor_client.patch(
            f"/api/bia/{db.pk}/", {"rto_minutes": 1}, content_type="application/json"
        ).status_code
        == 403
    )


def test_pages(graph, security_manager, client_as):
    orders, billing, server, db = graph
    client = client_as(security_manager)
    for url in ("/continuity/bia/", f"/continuity/bia/{db.pk}/", "/continuity/bia/gaps/"):
        assert client.get(url).status_code == 200
    answer = client.post(
        f"/continuity/bia/{server.pk}/edit/",
        {"mtd_minutes": "10", "rto_minutes": "30", "impact_over_time": "60 Orders lost"},
    )
    assert answer.status_code == 200 and "cannot exceed" in answer.content.decode()
    answer = client.post(
        f"/continuity/bia/{server.pk}/edit/",
        {"rto_minutes": "30", "impact_over_time": "60 Orders lost"},
    )
    assert answer.status_code == 302
    assert RecoveryObjective.objects.get(asset=server).impact_over_time == [
        {"after_minutes": 60, "impact": "Orders lost"}
    ]


def test_audit_pack_and_export_hold_the_bia(graph, auditor, client_as):
    import io
    import zipfile

    from isms.governance import audit_pack

    _name, data = audit_pack.audit_pack_build(user=auditor)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "11-continuity/business-impact-analysis.xlsx" in names
    assert "11-continuity/continuity-plans.xlsx" in names
    answer = client_as(auditor).get("/continuity/bia/", {"export": "csv"})
    assert answer.status_code == 200 and b"required_rto_minutes" in answer.content


def test_a_plan_not_exercised_in_time_is_due(graph, security_manager):
    from isms.governance import reviews

    plan = services.plan_create(
        user=security_manager, data={"title": "DR", "test_interval_days": 30}
    )
    services.exercise_record(
        plan=plan,
        user=security_manager,
        data={
            "held_on": datetime.date.today() - datetime.timedelta(days=40),
            "kind": "tabletop",
            "scenario": "Region lost",
            "result": "met",
        },
    )
    [item] = [i for i in reviews.due(datetime.date.today()) if i.obj == plan]
    assert item.overdue and item.owners == [security_manager]


def test_a_plan_is_approved_as_a_frozen_version(graph, security_manager, manager, client_as):
    from isms import approvals
    from isms.models.approvals import ApprovedVersionFrozen
    from tests.factories import PASSWORD

    orders, *_ = graph
    plan = services.plan_create(
        user=security_manager, data={"title": "Orders DR", "processes": [orders]}
    )
    with pytest.raises(ValidationError):
        services.plan_submit(plan=plan, user=security_manager)  # nothing written yet
    services.plan_update(plan=plan, user=security_manager, data={"content": "Fail over"})
    request = services.plan_submit(plan=plan, user=security_manager)
    with pytest.raises(ValidationError, match="awaiting approval"):
        services.plan_submit(plan=plan, user=security_manager)
    approvals.approval_request_approve(request=request, user=manager, password=PASSWORD)
    version = plan.versions.get()
    assert version.approval_state == "approved" and '"content": "Fail over"' in (
        version.canonical_json()
    )
    version.content = "changed"
    with pytest.raises(ApprovedVersionFrozen):
        version.save()
    services.plan_update(plan=plan, user=security_manager, data={"content": "Fail over v2"})
    answer = client_as(security_manager).post(f"/api/continuity-plans/{plan.pk}/submit/")
    assert answer.status_code == 201 and answer.json()["version"] == 2
