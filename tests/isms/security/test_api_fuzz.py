"""API fuzzing: schemathesis generates requests for every operation of the OpenAPI
schema (the one /api/schema/ serves) and sends them to the WSGI application as each
role, with a personal API token.

Every response must hold to the schema: no server error, a documented status code,
content type and body, and no answer that ignores authentication (schemathesis'
`ignored_auth` check repeats a request without credentials). Anonymous and
wrong-token calls of every operation must get 401.

The database is populated once per module (personas, tokens, frameworks and SoA,
policies and approvals, risks, assets, an AWS account with resources and findings)
inside a transaction that is rolled back at the end; each request runs in a savepoint
of its own, so a DELETE or an approval never changes what the next request sees.
Generation is derandomised (a fixed seed) and bounded (FUZZ_EXAMPLES per operation),
so a CI run is reproducible; each generated request is sent as every role. A failure
prints the request to replay it, with the role it was sent as (`X-Fuzz-As`).
"""

import datetime
import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import resolve
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from isms import services as isms_services
from tests.conftest import make_persona
from tests.factories import soa_decide_all
from tests.openapi import openapi_document
from tests.transactions import owned_atomic, rolled_back

# Examples per operation, each sent as every role: enough to reach the error paths (bad
# ids, invalid bodies, filters) of each operation while keeping the run within CI's budget.
FUZZ_EXAMPLES = int(os.environ.get("ISMS_FUZZ_EXAMPLES", "5"))
ROLES = ["security_manager", "manager", "auditor", "owner", "outsider"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
]


def _live_schema() -> dict:
    """The OpenAPI document exactly as /api/schema/ renders it (built at collection
    time, before any database exists; test_the_fuzzed_schema_is_the_served_one checks
    that the two agree)."""
    return openapi_document()


def _schema(mode: str):
    return schemathesis.openapi.from_dict(
        SCHEMA_DOCUMENT,
        config=SchemathesisConfig.from_dict(
            {
                "seed": 20250101,
                "generation": {"mode": mode, "deterministic": True},
                # The coverage phase sends dozens of boundary cases per operation: too
                # many for 5 roles x ~85 operations on CI's two cores. Fuzzing reaches
                # the same error paths with a bounded budget.
                "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
            }
        ),
    )


SCHEMA_DOCUMENT = _live_schema()
# Valid and invalid requests (wrong types, missing fields, bad ids).
schema = _schema("all")
# Valid requests only: an invalid id misses the route (404 before authentication),
# which says nothing about whether the operation itself demands credentials.
valid_requests = _schema("positive")
FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def fuzz_data(django_db_setup, django_db_blocker):
    """The populated database of the whole module and one API token per role; rolled
    back when the module ends, so that no other test sees it."""
    with django_db_blocker.unblock():
        atomic = owned_atomic()
        atomic.__enter__()
        try:
            yield _populate()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()  # the counters the fuzzing ran up


def _populate() -> dict:
    from assets.aws.services import aws_account_sync
    from assets.findings.services import findings_evaluate
    from isms import approvals
    from isms.frameworks import services as framework_services
    from isms.frameworks.soa import soa_freeze
    from isms.governance import services as governance_services
    from tests.assets.aws.factories import AwsAccountFactory
    from tests.assets.checks.factories import sample_estate
    from tests.assets.factories import AssetFactory
    from tests.isms.frameworks.conftest import load
    from tests.isms.governance.factories import make_policy
    from tests.risks.factories import approved_methodology, make_risk

    users = {name: make_persona(name) for name in ROLES}
    tokens = {
        name: isms_services.api_token_create(user=user, name="fuzz")[1]
        for name, user in users.items()
    }
    author, approver, owner = users["security_manager"], users["manager"], users["owner"]

    iso = load("iso27001-2022.json")
    framework_services.framework_select(selected=[iso], soa_basis=iso)
    soa_decide_all(iso)
    soa = soa_freeze(user=author)
    approvals.approval_request_submit(obj=soa, user=author)
    soa_freeze(user=author)  # a second, draft SoA

    governance_services.scope_version_create(
        user=author, data={"description": "All of Example Ltd"}
    )
    make_policy(author, owner=owner)
    pending = make_policy(author).versions.get()
    approvals.approval_request_submit(obj=pending, user=author)

    approved_methodology(author=author, approver=approver)
    assets = [AssetFactory(owner=owner, value_usd=50_000), AssetFactory(value_usd=5_000)]
    make_risk(author, assets=assets[:1], owner=owner)
    make_risk(author, assets=assets[1:], title="Backups lost")

    account = AwsAccountFactory(name="Production")
    sample_estate(account, assets[0])
    findings_evaluate(account=account)
    aws_account_sync(account=account, requested_by=author)
    # --- mreview (issue 13): a draft and an approved management review, with decisions.
    from tests.isms.audits.reviews_helpers import approve as approve_review
    from tests.isms.audits.reviews_helpers import decide, prepare

    decide(prepare(author, attendees=[approver]), author, owner)
    approved_review = prepare(author, attendees=[approver])
    decide(approved_review, author, owner)
    approve_review(approved_review, author, approver)
    # --- ncs: a nonconformity raised from a finding, with an action (issue 13) ---
    from assets.findings.nonconformities import finding_raise_nonconformity
    from assets.models import Finding
    from isms.audits.services.nonconformities import action_add

    nc = finding_raise_nonconformity(finding=Finding.objects.order_by("pk").first(), user=author)
    action_add(nc=nc, user=author, data={"title": "Fix", "owner": owner, "due_on": nc.detected_on})

    # Control assurance (issue 22): tests, one assigned to the outsider (a tester without
    # a role, who records its results through the API), an open instance and a result.
    from isms.assurance import services as assurance_services
    from isms.models import ControlImplementation

    implementations = list(ControlImplementation.objects.filter(applicable=True)[:2])
    assigned = assurance_services.control_test_save(
        user=author,
        implementation=implementations[0],
        data={"title": "Leavers removed", "method": "inspection", "tester": users["outsider"]},
    )
    observed = assurance_services.control_test_save(
        user=author,
        implementation=implementations[1],
        data={"title": "Clean desks", "method": "observation"},
    )
    assurance_services.tests_open_due()
    assurance_services.result_record(user=author, test=observed, data={"conclusion": "partial"})
    assert assigned.results.filter(status="open").exists()

    # audits (issue 13): the clauses, a programme and an audit of one clause and one control.
    from isms.audits.services import audits as audit_services

    clauses = audit_services.clauses_load()
    programme = audit_services.programme_save(
        user=author, year=2026, title="Fuzz programme", objectives="Check", scope="ISMS"
    )
    audit_services.audit_create(
        user=author, programme=programme, title="Fuzz audit",
        planned_start=datetime.date(2026, 3, 1), planned_end=datetime.date(2026, 3, 2),
        auditors=[users["auditor"]],
        criteria=[clauses.controls.get(identifier="9.2.2"), iso.controls.get(identifier="5.1")],
    )  # fmt: skip
    # feedback (issue 13 item 4): one open piece of feedback from an interested party.
    from isms.context import services as context_services
    from isms.context.models import InterestedParty, PartyFeedback

    party = context_services.record_save(
        user=author, model=InterestedParty, data={"name": "Fuzz customer", "kind": "customer"}
    )
    context_services.record_save(
        user=author, model=PartyFeedback,
        data={"party": party, "received_on": datetime.date(2026, 3, 1), "kind": "complaint",
              "summary": "Slow answers."},
    )  # fmt: skip
    return {"tokens": tokens}


def _send(case, credentials: str, headers: dict, **checks) -> None:
    """Send a copy of `case` with `headers`, in a savepoint rolled back afterwards (a
    DELETE or an approval changes nothing the next request sees), with no failed-token
    count for the client's IP (the ignored-auth probes send bad tokens, and 20 of them
    throttle every token call from that IP) and an unspent download budget. The request
    names its credentials in an `X-Fuzz-As` header, which the replay command of a failure
    shows (schemathesis hides the token itself)."""
    cache.clear()
    with rolled_back():
        case.derive().call_and_validate(headers={**headers, "X-Fuzz-As": credentials}, **checks)


@pytest.fixture(scope="module", autouse=True)
def _wsgi_in_test_transaction():
    """Let the WSGI handler use the test's connection: a request's start and end would
    otherwise close it, and the open test transaction with it (Django's test client
    does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


APP = WSGIHandler()
schema.app = valid_requests.app = APP


def _model_of(view):
    """The model behind a viewset's routes (its queryset, or its serializer's model
    where the queryset is built per request)."""
    cls = getattr(view, "cls", None)
    queryset = getattr(cls, "queryset", None)
    if queryset is not None:
        return queryset.model
    meta = getattr(getattr(cls, "serializer_class", None), "Meta", None)
    return getattr(meta, "model", None)


def _aim_at_real_objects(case) -> None:
    """Point the detail-route examples with an even integer id (about half) at objects
    that exist, so that their success paths are fuzzed too, not only the 404s of random
    ids."""
    generated = case.path_parameters.get("id") if case.path_parameters else None
    if not isinstance(generated, int) or generated % 2:
        return
    model = _model_of(resolve(case.formatted_path).func)
    if model is None:
        return
    pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    if pks:
        case.path_parameters["id"] = pks[(generated // 2) % len(pks)]


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_holds_to_its_schema(fuzz_data, case):
    """Each generated request is sent as every role. (Generation is derandomised with
    one seed, so a test per role drew the very same requests five times over.)"""
    _aim_at_real_objects(case)
    for role in ROLES:
        headers = {"Authorization": f"Token {fuzz_data['tokens'][role]}"}
        _send(case, role, headers, checks=CHECKS)


def refuses_without_valid_credentials(ctx, response, case):
    if response.status_code != 401:
        raise AssertionError(f"Expected 401 without valid credentials, got {response.status_code}")


@pytest.mark.django_db
@valid_requests.parametrize()
@settings(FUZZ_SETTINGS, max_examples=2)
def test_every_operation_refuses_anonymous_calls(fuzz_data, case):
    # "none" sends no valid credentials: schemathesis may still add a generated (so
    # random) token header or session cookie, which must be refused the same way.
    for credentials, headers in (
        ("none", {}),
        ("wrong-token", {"Authorization": "Token 0123abcd.not-a-token"}),
    ):
        _send(
            case,
            credentials,
            headers,
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
            additional_checks=[refuses_without_valid_credentials],
        )


@pytest.mark.django_db
def test_the_fuzzed_schema_is_the_served_one(client_as, auditor):
    served = client_as(auditor).get("/api/schema/?format=json")
    assert served.status_code == 200
    assert served.json() == SCHEMA_DOCUMENT
