"""Serializers of /api/management-reviews/ and /api/management-review-decisions/."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from isms.audits.models.reviews import ManagementReview, ReviewDecision


def _people():
    return get_user_model().objects.filter(is_active=True)


class ReviewDecisionSerializer(serializers.ModelSerializer):
    """A decision (its wording, owner and due date: writable while the review is a
    draft) and the action it became (status, done date, note: writable once approved)."""

    reference = serializers.CharField(read_only=True)
    review_reference = serializers.CharField(source="review.reference", read_only=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=_people())
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReviewDecision
        fields = [
            "id",
            "review",
            "review_reference",
            "reference",
            "number",
            "kind",
            "description",
            "owner",
            "due_date",
            "status",
            "done_on",
            "status_note",
            "overdue",
            "updated_at",
        ]
        read_only_fields = ["review", "number", "status", "done_on", "status_note", "updated_at"]


class DecisionTrackSerializer(serializers.ModelSerializer):
    """The follow-up of an action of an approved review."""

    class Meta:
        model = ReviewDecision
        fields = ["status", "done_on", "status_note"]


class ReviewInputSerializer(serializers.Serializer):
    key = serializers.CharField()
    clause = serializers.CharField()
    title = serializers.CharField()
    data = serializers.JSONField(help_text="{summary, figures: [{label, value}], rows: [{...}]}")


class ManagementReviewSerializer(serializers.ModelSerializer):
    """A management review: the meeting, its frozen input snapshot (read-only: taken by
    the service, re-taken with POST inputs/), its decisions (read-only here) and its
    approval. `version` is sent back on PATCH/PUT: a stale one answers 409."""

    attendees = serializers.PrimaryKeyRelatedField(queryset=_people(), many=True, required=False)
    inputs = ReviewInputSerializer(many=True, read_only=True)
    decisions = ReviewDecisionSerializer(many=True, read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = ManagementReview
        fields = [
            "id",
            "reference",
            "title",
            "held_on",
            "attendees",
            "guests",
            "minutes",
            "inputs_taken_at",
            "inputs",
            "decisions",
            "prepared_by",
            "approval_state",
            "approved_at",
            "approved_by",
            "approved_sha256",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "reference",
            "inputs_taken_at",
            "prepared_by",
            "approval_state",
            "approved_at",
            "approved_by",
            "approved_sha256",
            "created_at",
            "updated_at",
        ]


class ReviewSubmitSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SubmittedSerializer(serializers.Serializer):
    approval_request = serializers.IntegerField()
    content_sha256 = serializers.CharField()
