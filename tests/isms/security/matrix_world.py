"""The objects the permission matrix requests: one of each kind, built lazily.

Each *target* named in the matrix's second column is a property of `World` that
returns the URL kwargs of the object it names. Only the objects a route needs are
built, so a row costs what its route costs. Objects come from the services and the
factories, as in real use (levels, $ figures and audit rows included).

Reach: `owner` owns `own_asset`, `own_risk` and the implementation `own_control`;
`other_owner` (not a persona, so no column) owns `other_asset`, `other_risk` and
`other_control`. A column's "outside one's reach" is always one of the `other_*`
targets.
"""

import datetime
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from assets import services as asset_services
from assets.findings import services as finding_services
from assets.models import AwsLinkRule, AwsResource, AwsService, Finding, SyncRun
from isms import approvals
from isms import services as isms_services
from isms.frameworks import services as framework_services
from isms.governance import services as governance_services
from isms.models import ControlImplementation
from isms.models.approvals import ApprovalState
from risks import services as risk_services
from risks.models import Risk, Threat, TreatmentAction, Vulnerability
from tests.assets.aws.factories import AwsAccountFactory
from tests.assets.checks.factories import sample_estate
from tests.assets.factories import AssetFactory
from tests.factories import PASSWORD, UserFactory, soa_decide_all
from tests.isms.context import factories as ctx
from tests.isms.frameworks.conftest import load
from tests.isms.governance.factories import force_state, make_policy
from tests.risks.factories import approved_methodology, make_risk

CHECK_ID = "rds-storage-unencrypted"


class World:
    """Lazily built records; `users` maps each matrix column to its persona (None for
    anonymous)."""

    def __init__(self, users: dict):
        self.users = users
        self.security_manager = users["security"]
        self.manager = users["management"]
        self.owner = users["owner"]

    # --- people -----------------------------------------------------------------

    @cached_property
    def other_owner(self):
        return UserFactory(username="other_owner")

    # --- assets -----------------------------------------------------------------

    @cached_property
    def _own_asset(self):
        return AssetFactory(name="Owned asset", owner=self.owner, value_usd=50_000)

    @cached_property
    def _other_asset(self):
        return AssetFactory(name="Someone else's asset", owner=self.other_owner)

    @property
    def own_asset(self):
        return {"pk": self._own_asset.pk}

    @property
    def other_asset(self):
        return {"pk": self._other_asset.pk}

    def _dependency(self, upper, lower):
        asset_services.asset_dependency_add(dependent=upper, dependency=lower, user=None)
        return {"pk": upper.pk, "dependency_pk": lower.pk}

    @cached_property
    def own_dependency(self):
        """The owner's asset depends on someone else's."""
        return self._dependency(self._own_asset, self._other_asset)

    @cached_property
    def other_dependency(self):
        return self._dependency(self._other_asset, AssetFactory(name="Lower"))

    # --- AWS connector and findings -----------------------------------------------

    @cached_property
    def _account(self):
        return AwsAccountFactory(name="Production")

    @property
    def account(self):
        return {"pk": self._account.pk}

    @cached_property
    def organization(self):
        from assets.aws import services as aws_services

        organization = aws_services.aws_organization_create(
            user=None,
            data={"name": "Acme", "management_account": AwsAccountFactory(name="Management")},
        )
        return {"pk": organization.pk}

    @cached_property
    def sync_run(self):
        run = SyncRun.objects.create(account=self._account, trigger="manual", status="running")
        return {"pk": run.pk}

    @cached_property
    def _estate(self):
        sample_estate(self._account, self._own_asset)
        finding_services.findings_evaluate(account=self._account)
        return AwsResource.objects.filter(account=self._account).order_by("pk")

    @property
    def resource(self):
        return {"pk": self._estate.first().pk}

    @property
    def resource_link(self):
        return {"pk": self._estate.first().pk, "asset_pk": self._own_asset.pk}

    @cached_property
    def finding(self):
        self._estate  # noqa: B018 - builds the findings
        return {"pk": Finding.objects.filter(account=self._account).first().pk}

    @cached_property
    def aws_service(self):
        self._estate  # noqa: B018 - loads the service catalogue
        return {"pk": AwsService.objects.order_by("pk").first().pk}

    @property
    def check(self):
        return {"pk": CHECK_ID}

    @cached_property
    def link_rule(self):
        rule = AwsLinkRule.objects.create(
            name="Billing", kind="tag", tag_key="app", tag_value="billing", asset=self._own_asset
        )
        return {"pk": rule.pk}

    # --- frameworks, controls, SoA --------------------------------------------------

    @cached_property
    def _iso(self):
        framework = load("iso27001-2022.json")
        framework_services.framework_select(selected=[framework], soa_basis=framework)
        return framework

    @property
    def framework(self):
        return {"code": self._iso.code}

    @property
    def framework_api(self):
        return {"pk": self._iso.pk}

    def _implementation(self, index, owner):
        implementations = ControlImplementation.objects.filter(
            control__framework=self._iso
        ).order_by("control__identifier")
        implementation = implementations[index]
        ControlImplementation.objects.filter(pk=implementation.pk).update(owner=owner)
        return implementation

    @cached_property
    def _own_implementation(self):
        return self._implementation(0, self.owner)

    @cached_property
    def _other_implementation(self):
        return self._implementation(1, self.other_owner)

    @property
    def own_control(self):
        return {"pk": self._own_implementation.control_id}

    @property
    def other_control(self):
        return {"pk": self._other_implementation.control_id}

    @property
    def own_implementation(self):
        return {"pk": self._own_implementation.pk}

    @property
    def other_implementation(self):
        return {"pk": self._other_implementation.pk}

    def _evidence(self, implementation):
        # A file, not a link: the download route serves files only.
        item = framework_services.evidence_add(
            implementation=implementation,
            user=self.security_manager,
            title="Runbook",
            upload=SimpleUploadedFile("runbook.txt", b"Restore from backup.\n"),
        )
        return {"pk": item.pk}

    @cached_property
    def own_evidence(self):
        return self._evidence(self._own_implementation)

    @cached_property
    def other_evidence(self):
        return self._evidence(self._other_implementation)

    @cached_property
    def _soa(self):
        soa_decide_all(self._iso)
        return framework_services.soa_freeze(user=self.security_manager)

    @property
    def soa(self):
        return {"number": self._soa.number}

    @property
    def soa_api(self):
        return {"pk": self._soa.pk}

    @property
    def soa_csv(self):
        return {"number": self._soa.number, "fmt": "csv"}

    @property
    def current_soa_csv(self):
        """The current SoA is the last approved one."""
        soa = self._soa
        framework_services.soa_submit(soa=soa, user=self.security_manager)
        framework_services.soa_decide(soa=soa, user=self.manager, approve=True, password=PASSWORD)
        return {"fmt": "csv"}

    # --- governance -----------------------------------------------------------------

    @cached_property
    def scope_draft(self):
        version = governance_services.scope_version_create(user=self.security_manager)
        return {"pk": version.pk}

    @cached_property
    def _published_policy(self):
        policy = make_policy(self.security_manager)
        version = policy.versions.get()
        force_state(version, ApprovalState.APPROVED, submitter=self.security_manager)
        governance_services.policy_publish(version=version, user=self.security_manager)
        policy.refresh_from_db()
        return policy

    @property
    def policy(self):
        return {"pk": self._published_policy.pk}

    @cached_property
    def policy_draft(self):
        """A new draft version of the published policy."""
        version = governance_services.policy_version_create(
            policy=self._published_policy, user=self.security_manager
        )
        return {"pk": version.pk}

    @cached_property
    def _approval_request(self):
        version = make_policy(self.security_manager).versions.get()
        return approvals.approval_request_submit(obj=version, user=self.security_manager)

    @property
    def approval_request(self):
        return {"pk": self._approval_request.pk}

    @property
    def approval_content_type(self):
        version = self._approval_request.target
        return {
            "content_type_id": ContentType.objects.get_for_model(version).pk,
            "object_id": str(version.pk),
        }

    @cached_property
    def owners_token(self):
        token, _ = isms_services.api_token_create(user=self.owner, name="owner's script")
        return {"pk": token.pk}

    @property
    def ping(self):
        return {"token": "0" * 32}

    # --- risks ----------------------------------------------------------------------

    @cached_property
    def _methodology(self):
        return approved_methodology(author=self.security_manager, approver=self.manager)

    @property
    def methodology(self):
        return {"pk": self._methodology.pk}

    @cached_property
    def methodology_draft(self):
        self._methodology  # noqa: B018 - a draft follows the active version
        version = risk_services.methodology_version_create(user=self.security_manager)
        return {"pk": version.pk}

    def _risk(self, owner, asset):
        self._methodology  # noqa: B018 - risks are scored by the active methodology
        return make_risk(
            self.security_manager,
            assets=[asset],
            owner=owner,
            inherent_likelihood=3,
            inherent_impact=3,
        )

    @cached_property
    def _own_risk(self):
        return self._risk(self.owner, self._own_asset)

    @cached_property
    def _other_risk(self):
        return self._risk(self.other_owner, self._other_asset)

    @property
    def own_risk(self):
        return {"pk": self._own_risk.pk}

    @property
    def other_risk(self):
        return {"pk": self._other_risk.pk}

    @staticmethod
    def risk_version(pk) -> int:
        """The risk's current version (writes must quote it: optimistic locking)."""
        return Risk.objects.get(pk=pk).version

    def _action(self, risk):
        action = TreatmentAction.objects.create(risk=risk, title="Encrypt backups")
        return {"pk": risk.pk, "action_pk": action.pk}

    @cached_property
    def own_action(self):
        return self._action(self._own_risk)

    @cached_property
    def other_action(self):
        return self._action(self._other_risk)

    @property
    def threats(self):
        return {"kind": "threats"}

    @cached_property
    def threat(self):
        return {"kind": "threats", "pk": Threat.objects.create(name="Matrix threat").pk}

    @cached_property
    def threat_api(self):
        return {"pk": Threat.objects.create(name="Matrix API threat").pk}

    @cached_property
    def vulnerability_api(self):
        return {"pk": Vulnerability.objects.create(name="Matrix API weakness").pk}

    # --- incidents and business continuity (issue 15) -------------------------------

    def _incident(self, reporter):
        from risks.incidents import services as incident_services

        return incident_services.incident_report(user=reporter, data={"title": "Matrix event"})

    @cached_property
    def _own_incident(self):
        return self._incident(self.owner)

    @property
    def own_incident(self):
        """Reported by the owner persona."""
        return {"pk": self._own_incident.pk}

    @cached_property
    def other_incident(self):
        return {"pk": self._incident(self.other_owner).pk}

    @cached_property
    def own_notification(self):
        from risks.incidents import services as incident_services

        notification = incident_services.notification_save(
            incident=self._own_incident,
            user=self.security_manager,
            data={"recipient": "Insurer", "due_at": self._own_incident.detected_at},
        )
        return {"pk": self._own_incident.pk, "notification_id": notification.pk}

    @cached_property
    def incident_evidence(self):
        from risks.incidents import services as incident_services

        evidence = incident_services.evidence_add(
            incident=self._own_incident,
            user=self.security_manager,
            upload=SimpleUploadedFile("log.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        return {"pk": evidence.pk}

    @cached_property
    def _bia_asset(self):
        from assets.continuity import services as continuity_services

        asset = self._own_asset
        continuity_services.objective_save(asset=asset, user=None, data={"rto_minutes": 60})
        return asset

    @property
    def bia(self):
        return {"asset_id": self._bia_asset.pk}

    @property
    def bia_api(self):
        return {"asset": self._bia_asset.pk}

    @cached_property
    def continuity_plan(self):
        from assets.continuity import services as continuity_services

        plan = continuity_services.plan_create(
            user=self.security_manager, data={"title": "Matrix plan"}
        )
        return {"pk": plan.pk}

    # --- issue 14: context (isms.context) and people (isms.people) -------------------

    @cached_property
    def context_issue(self):
        return {"pk": ctx.make_issue().pk}

    @cached_property
    def climate_determination(self):
        return {"pk": ctx.make_climate().pk}

    @cached_property
    def interested_party(self):
        return {"pk": ctx.make_party().pk}

    @cached_property
    def party_feedback(self):  # feedback (issue 13 item 4)
        return {"pk": ctx.make_feedback().pk}

    @cached_property
    def requirement(self):
        return {"pk": ctx.make_requirement().pk}

    @cached_property
    def objective(self):
        return {"pk": ctx.make_objective(owner=self.security_manager).pk}

    @cached_property
    def measure(self):
        return {"pk": ctx.make_measure().pk}

    @cached_property
    def measurement(self):
        return {"pk": ctx.make_measurement().pk}

    @cached_property
    def person(self):
        return {"pk": ctx.make_person().pk}

    @cached_property
    def isms_role(self):
        return {"pk": ctx.make_role().pk}

    @cached_property
    def competence(self):
        return {"pk": ctx.make_competence().pk}

    @cached_property
    def competence_record(self):
        return {"pk": ctx.make_record().pk}

    @cached_property
    def awareness_campaign(self):
        return {"pk": ctx.make_campaign(policy=self._published_policy).pk}

    # --- audits (isms.audits, issue 13): the security manager audits the clauses ----

    @cached_property
    def _audit_programme(self):
        from isms.audits.services import audits as audit_services

        audit_services.clauses_load()
        return audit_services.programme_save(
            user=self.security_manager, year=2026, title="Matrix programme",
            objectives="Check", scope="ISMS",
        )  # fmt: skip

    @property
    def audit_programme(self):
        return {"pk": self._audit_programme.pk}

    def _plan_audit(self):
        from isms.audits.services import audits as audit_services
        from isms.models import Control

        programme = self._audit_programme  # loads the clauses first
        clause = Control.objects.get(framework__code=audit_services.CLAUSES_CODE, identifier="4.3")
        return audit_services.audit_create(
            user=self.security_manager, programme=programme, title="Matrix audit",
            planned_start=datetime.date(2026, 3, 1), planned_end=datetime.date(2026, 3, 2),
            auditors=[self.security_manager], criteria=[clause],
        )  # fmt: skip

    @cached_property
    def _audit(self):
        return self._plan_audit()

    @property
    def audit(self):
        return {"pk": self._audit.pk}

    @property
    def audit_item(self):
        return {"pk": self._audit.items.get().pk}

    @cached_property
    def audit_evidence(self):
        from isms.audits.services import audits as audit_services

        evidence = audit_services.evidence_add(
            user=self.security_manager, item=self._audit.items.get(), title="Minutes",
            upload=SimpleUploadedFile("minutes.txt", b"minutes\n"),
        )  # fmt: skip
        return {"pk": evidence.pk}

    @cached_property
    def audit_report(self):
        from isms.audits.services import audits as audit_services

        audit = self._plan_audit()
        audit_services.item_conclude(
            user=self.security_manager, item=audit.items.get(), conclusion="conforming"
        )
        audit_services.audit_complete(user=self.security_manager, audit_obj=audit, summary="Ok")
        report = audit_services.report_create(
            user=self.security_manager, audit_obj=audit, conclusion="Conforming"
        )
        return {"pk": report.pk}

    # --- lookup ---------------------------------------------------------------------

    # --- suppliers (assets.suppliers) -----------------------------------------------

    @cached_property
    def _supplier(self):
        from assets.suppliers import services as supplier_services

        return supplier_services.supplier_create(user=None, data={}, name="Matrix supplier")

    @property
    def supplier(self):
        return {"pk": self._supplier.pk}

    @cached_property
    def supplier_contract(self):
        from assets.suppliers import services as supplier_services

        contract = supplier_services.contract_save(
            supplier=self._supplier,
            user=None,
            data={"title": "Hosting", "start_date": datetime.date(2026, 1, 1)},
        )
        return {"pk": contract.pk}

    @cached_property
    def supplier_certification(self):
        from assets.suppliers import services as supplier_services

        certification = supplier_services.certification_save(
            supplier=self._supplier,
            user=None,
            data={
                "kind": "iso27001",
                "issued_on": datetime.date(2026, 1, 1),
                "expires_on": datetime.date(2029, 1, 1),
            },
        )
        return {"pk": certification.pk}

    @property
    def questionnaire(self):
        # The shipped template, recreated if a transactional test's flush removed the
        # migration's row from this worker's database.
        from assets.suppliers.services import questionnaire_shipped

        return {"pk": questionnaire_shipped().pk}

    @cached_property
    def _supplier_assessment(self):
        from assets.suppliers import services as supplier_services

        return supplier_services.assessment_send(
            supplier=self._supplier,
            questionnaire=supplier_services.questionnaire_shipped(),
            user=None,
            contact_email="matrix@example.com",
        )

    @property
    def supplier_assessment(self):
        return {"pk": self._supplier_assessment[0].pk}

    @property
    def supplier_link(self):
        return {"token": self._supplier_assessment[1]}

    @cached_property
    def supplier_finding(self):
        from assets.suppliers import services as supplier_services

        assessment = self._supplier_assessment[0]
        finding = supplier_services.assessment_finding_add(
            assessment=assessment, user=None, data={"title": "No MFA"}
        )
        return {"pk": assessment.pk, "finding_pk": finding.pk}

    def kwargs(self, target: str) -> dict:
        return {} if target == "-" else getattr(self, target)

    # --- ncs: nonconformities (isms.audits, issue 13) ---------------------------------
    @cached_property
    def _nonconformity(self):
        """A major nonconformity (closed by Management) with one action of the
        security manager."""
        from isms.audits.services import nonconformities as nc_services

        nc = nc_services.nonconformity_create(
            user=self.security_manager,
            data={"title": "Matrix NC", "severity": "major", "requirement_ref": "Policy 4"},
        )
        action = nc_services.action_add(
            nc=nc,
            user=self.security_manager,
            data={"title": "Fix", "owner": self.security_manager, "due_on": datetime.date.today()},
        )
        return nc, action

    @property
    def nonconformity(self):
        return {"pk": self._nonconformity[0].pk}

    @property
    def nonconformity_action(self):
        nc, action = self._nonconformity
        return {"pk": nc.pk, "action_id": action.pk}

    # Control assurance (issue 22): a test of the other owner's control and its result.
    @cached_property
    def _control_test(self):
        from isms.assurance import services as assurance_services

        return assurance_services.control_test_save(
            user=self.security_manager,
            implementation=self._other_implementation,
            data={"title": "Matrix test", "method": "observation"},
        )

    @property
    def control_test(self):
        return {"pk": self._control_test.pk}

    @cached_property
    def control_test_result(self):
        from isms.assurance import services as assurance_services

        result = assurance_services.result_record(
            user=self.security_manager,
            test=self._control_test,
            data={"conclusion": "effective"},
        )
        return {"pk": result.pk}

    # --- mreview (issue 13): management reviews (isms.audits) ------------------------

    @cached_property
    def _management_review(self):
        from isms.audits.services import reviews as review_services

        return review_services.review_create(
            user=self.security_manager,
            data={"title": "Matrix review", "held_on": datetime.date(2026, 3, 1),
                  "minutes": "Minutes.", "guests": "Adviser"},
        )  # fmt: skip

    @property
    def management_review(self):
        return {"pk": self._management_review.pk}

    @cached_property
    def review_decision(self):
        from isms.audits.services import reviews as review_services

        decision = review_services.decision_add(
            review=self._management_review,
            user=self.security_manager,
            data={"kind": "improvement", "description": "Matrix decision.",
                  "owner": self.security_manager, "due_date": datetime.date(2026, 9, 1)},
        )  # fmt: skip
        return {"pk": decision.pk}

    # A test of another's control assigned to the `owner` persona: a tester without a
    # role, who sees and records only it.
    @cached_property
    def _assigned_test(self):
        from isms.assurance import services as assurance_services

        return assurance_services.control_test_save(
            user=self.security_manager,
            implementation=self._other_implementation,
            data={"title": "Assigned test", "method": "observation", "tester": self.owner},
        )

    @property
    def assigned_test(self):
        return {"pk": self._assigned_test.pk}

    @property
    def assigned_tests(self):
        """No URL kwargs: a list route, requested once the owner is a tester."""
        self._assigned_test  # noqa: B018 - built for its side effect
        return {}

    @cached_property
    def assigned_result(self):
        from isms.assurance import services as assurance_services

        result = assurance_services.result_record(
            user=self.security_manager,
            test=self._assigned_test,
            data={"conclusion": "effective", "tester": self.owner},
        )
        return {"pk": result.pk}

    # --- sup15: a contract and a certification as the kwargs of their supplier's pages ---
    @property
    def supplier_with_contract(self):
        return {"pk": self._supplier.pk, "contract_pk": self.supplier_contract["pk"]}

    @property
    def supplier_with_certification(self):
        return {
            "pk": self._supplier.pk,
            "certification_pk": self.supplier_certification["pk"],
        }


def token_for(user) -> str:
    """A fresh API token of `user` (the API is called as a script would)."""
    _, clear = isms_services.api_token_create(user=user, name="matrix")
    return clear
