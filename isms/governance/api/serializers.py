"""API serializers of governance: validation only; writes go through services."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from isms import approvals, reauth
from isms.governance import services
from isms.models import ApprovalDecision, ApprovalRequest, Policy, PolicyVersion, ScopeVersion


class ExclusionSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=300)
    justification = serializers.CharField(max_length=2000)


APPROVAL_FIELDS = ["approval_state", "approved_at", "approved_sha256"]


class ScopeVersionSerializer(serializers.ModelSerializer):
    exclusions = ExclusionSerializer(many=True, required=False)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ScopeVersion
        fields = [
            "id",
            "number",
            *services.SCOPE_FIELDS,
            *APPROVAL_FIELDS,
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", *APPROVAL_FIELDS, "created_at", "updated_at"]


class PolicySerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    body = serializers.CharField(
        write_only=True,
        required=False,
        help_text="Markdown of the first draft (create only); default: the kind's template.",
    )

    class Meta:
        model = Policy
        fields = [
            "id",
            "reference",
            "title",
            "kind",
            "owner",
            "classification",
            "review_interval_months",
            "published_version",
            "published_at",
            "next_review_due",
            "last_reviewed_at",
            "body",
        ]
        read_only_fields = ["published_version", "published_at"]

    def validate_review_interval_months(self, value):
        if not 1 <= value <= 60:
            raise serializers.ValidationError("Between 1 and 60 months.")
        return value


class PolicyVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "policy",
            "number",
            "body",
            "change_summary",
            *APPROVAL_FIELDS,
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", *APPROVAL_FIELDS, "created_at", "updated_at"]
        extra_kwargs = {"body": {"required": False}}

    def validate_policy(self, value):
        if self.instance is not None and value != self.instance.policy:
            raise serializers.ValidationError("A version cannot move to another policy.")
        return value


class ApprovalDecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ApprovalDecision
        fields = ["decided_by", "decision", "comment", "decided_at", "content_sha256"]


class ApprovalRequestSerializer(serializers.ModelSerializer):
    type = serializers.SerializerMethodField()
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decisions = ApprovalDecisionSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "type",
            "object_id",
            "title",
            "state",
            "quorum",
            "submitted_by",
            "submitted_at",
            "submit_comment",
            "content_sha256",
            "content",
            "decided_at",
            "decisions",
        ]

    def get_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class SubmitForApprovalSerializer(serializers.Serializer):
    """The body of a submission for approval: an optional comment for the approvers.
    Every approvable document's own `submit` action reads it (SoA, methodology,
    continuity plan), and the generic `/api/approval-requests/` adds what to submit."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SubmitSerializer(SubmitForApprovalSerializer):
    type = serializers.CharField(help_text='The approvable type, e.g. "isms.policyversion".')
    object_id = serializers.IntegerField(min_value=1)

    def validate(self, attrs):
        try:
            kind = approvals.type_for_key(attrs["type"])
        except LookupError:
            known = ", ".join(sorted(k.key for k in approvals.registered()))
            raise serializers.ValidationError(
                {"type": [f"Unknown type. Known: {known}."]}
            ) from None
        obj = kind.model._default_manager.filter(pk=attrs["object_id"]).first()
        if obj is None:
            raise serializers.ValidationError({"object_id": ["No such version."]})
        attrs["obj"] = obj
        return attrs


class DecisionSerializer(serializers.Serializer):
    """A decision's confirmation and comment. Users with a password send `password`;
    single sign-on users without one send `confirmation_code` (isms.reauth)."""

    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="Your password (re-authentication).",
    )
    confirmation_code = reauth.confirmation_code_field(default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
