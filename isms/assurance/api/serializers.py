"""API serializers of control assurance: validation only; writes go through services."""

from rest_framework import serializers

from isms.assurance import services
from isms.assurance.choices import Conclusion
from isms.assurance.models import ControlTest, ControlTestResult
from isms.assurance.selectors import visible_tests
from isms.choices import EvidenceKind, EvidenceState
from isms.models import ControlImplementation, Evidence, User


class ControlTestSerializer(serializers.ModelSerializer):
    implementation = serializers.PrimaryKeyRelatedField(
        queryset=ControlImplementation.objects.all()
    )
    control = serializers.CharField(source="implementation.control.identifier", read_only=True)
    tester = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    next_due = serializers.DateField(required=False)

    class Meta:
        model = ControlTest
        fields = [
            "id",
            "implementation",
            "control",
            *services.TEST_FIELDS,
            "next_due",
            "active",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def create(self, validated_data):
        return services.control_test_save(
            user=self.context["request"].user,
            implementation=validated_data.pop("implementation"),
            data=validated_data,
        )

    def update(self, instance, validated_data):
        validated_data.pop("implementation", None)
        return services.control_test_save(
            user=self.context["request"].user, test=instance, data=validated_data
        )


class ControlTestResultSerializer(serializers.ModelSerializer):
    test = serializers.PrimaryKeyRelatedField(queryset=ControlTest.objects.all())
    control = serializers.CharField(source="test.implementation.control.identifier", read_only=True)
    tester = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    # Blank on an open (due) result; required, and not blank, to record one (the service
    # says "Choose a conclusion.").
    conclusion = serializers.ChoiceField(choices=Conclusion.choices, allow_blank=True)
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), many=True, required=False
    )
    pass_rate = serializers.FloatField(read_only=True, allow_null=True)
    evidence_title = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200
    )
    evidence_url = serializers.URLField(
        write_only=True, required=False, allow_blank=True, max_length=500
    )
    evidence_file = serializers.FileField(write_only=True, required=False, allow_null=True)
    evidence_kind = serializers.ChoiceField(
        choices=EvidenceKind.choices, write_only=True, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "test" in self.fields:
            # A tester without a role names only the tests assigned to them.
            self.fields["test"].queryset = visible_tests(request.user)

    class Meta:
        model = ControlTestResult
        fields = [
            "id",
            "test",
            "control",
            "status",
            "due_date",
            "performed_on",
            "tester",
            "sample",
            "conclusion",
            "evidence",
            "remarks",
            "passed",
            "failed",
            "pass_rate",
            "created_at",
            "evidence_title",
            "evidence_url",
            "evidence_file",
            "evidence_kind",
        ]
        read_only_fields = ["status", "due_date", "passed", "failed", "created_at"]

    def create(self, validated_data):
        validated_data["new_evidence"] = {
            "title": validated_data.pop("evidence_title", ""),
            "url": validated_data.pop("evidence_url", ""),
            "upload": validated_data.pop("evidence_file", None),
            "kind": validated_data.pop("evidence_kind", ""),
        }
        return services.result_record(
            user=self.context["request"].user,
            test=validated_data.pop("test"),
            data=validated_data,
        )


class EvidenceSerializer(serializers.ModelSerializer):
    control = serializers.CharField(source="implementation.control.identifier", read_only=True)
    state = serializers.ChoiceField(choices=EvidenceState.choices, read_only=True)
    added_by = serializers.StringRelatedField()
    file = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "implementation",
            "control",
            "title",
            "kind",
            "url",
            "file",
            "added_by",
            "added_at",
            "valid_from",
            "valid_until",
            "state",
        ]
        read_only_fields = fields

    def get_file(self, obj) -> str:
        return obj.file.name if obj.file else ""
