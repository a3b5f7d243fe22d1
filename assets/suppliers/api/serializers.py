"""API serializers of the supplier register: validation only; writes go through services."""

from rest_framework import serializers

from assets.choices import AssetCategory
from assets.models import Asset
from assets.permissions import visible_assets
from assets.suppliers import selectors
from assets.suppliers.choices import Conclusion, FollowUpKind
from assets.suppliers.models import (
    Assessment,
    AssessmentFinding,
    Certification,
    Contract,
    Questionnaire,
    Supplier,
)
from isms.relations import VisiblePrimaryKeyRelatedField


class ContractSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contract
        fields = [
            "id",
            "supplier",
            "title",
            "start_date",
            "end_date",
            "security_clauses",
            "right_to_audit",
            "exit_plan",
        ]


class CertificationSerializer(serializers.ModelSerializer):
    expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = Certification
        fields = [
            "id",
            "supplier",
            "kind",
            "title",
            "issued_on",
            "expires_on",
            "reference",
            "expired",
            "reminded_on",
        ]
        read_only_fields = ["reminded_on"]


class SupplierSerializer(serializers.ModelSerializer):
    """A supplier. On creation, give `asset` (a partner-organisation asset) or `name` (a
    new one is created). `criticality` is the override when set, else derived from the
    value at stake of what depends on the supplier."""

    asset = VisiblePrimaryKeyRelatedField(
        visible=visible_assets,
        queryset=Asset.objects.filter(category=AssetCategory.PARTNER_ORGANIZATION),
        required=False,
    )
    name = serializers.CharField(write_only=True, required=False, max_length=200)
    ref = serializers.CharField(source="asset.ref", read_only=True)
    supplier_name = serializers.CharField(source="asset.name", read_only=True)
    criticality = serializers.CharField(read_only=True)
    derived_criticality = serializers.CharField(read_only=True)
    value_at_stake_usd = serializers.SerializerMethodField()
    contracts = ContractSerializer(many=True, read_only=True)
    certifications = CertificationSerializer(many=True, read_only=True)

    class Meta:
        model = Supplier
        fields = [
            "id",
            "asset",
            "name",
            "ref",
            "supplier_name",
            "is_aws",
            "services_provided",
            "data_shared",
            "data_classification",
            "criticality",
            "derived_criticality",
            "criticality_override",
            "criticality_reason",
            "value_at_stake_usd",
            "contact_name",
            "contact_email",
            "review_interval_days",
            "next_review_date",
            "contracts",
            "certifications",
        ]

    def get_value_at_stake_usd(self, supplier) -> str:
        return str(selectors.value_at_stake(supplier))


class QuestionnaireSerializer(serializers.ModelSerializer):
    """A questionnaire template; `content` is `{"sections": [{"title", "questions":
    [{"id", "text", "type": "yes_no|scale|text", "weight": 0-10}]}]}`."""

    class Meta:
        model = Questionnaire
        fields = ["id", "name", "description", "content", "created_at"]


class QuestionnaireDocumentSerializer(serializers.Serializer):
    """The JSON document a template is exported as and imported from."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    sections = serializers.JSONField()


class AssessmentFindingSerializer(serializers.ModelSerializer):
    raised_kind = serializers.CharField(read_only=True)  # "risk", "nonconformity" or ""

    class Meta:
        model = AssessmentFinding
        fields = ["id", "title", "description", "raised_kind", "raised_id"]
        read_only_fields = ["raised_kind", "raised_id"]


class AssessmentSerializer(serializers.ModelSerializer):
    """An assessment. POST sends it: the answer `link` is in that response only."""

    ref = serializers.CharField(read_only=True)
    findings = AssessmentFindingSerializer(many=True, read_only=True)
    link = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "ref",
            "supplier",
            "questionnaire",
            "contact_email",
            "status",
            "expires_at",
            "answered_at",
            "answers",
            "score",
            "conclusion",
            "conclusion_notes",
            "concluded_at",
            "findings",
            "link",
        ]
        read_only_fields = ["status", "conclusion", "conclusion_notes"]

    def get_link(self, assessment) -> str | None:
        return self.context.get("link")


class ConclusionSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class RaiseSerializer(serializers.Serializer):
    finding = serializers.IntegerField()
    follow_up = serializers.ChoiceField(choices=FollowUpKind.choices)
