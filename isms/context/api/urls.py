"""API routes of the context app."""

from rest_framework.routers import SimpleRouter

from isms.context.api import views

router = SimpleRouter()
router.register("context-issues", views.ContextIssueViewSet, basename="contextissue")
router.register(
    "climate-determinations", views.ClimateDeterminationViewSet, basename="climatedetermination"
)
router.register("interested-parties", views.InterestedPartyViewSet, basename="interestedparty")
router.register("requirements", views.RequirementViewSet, basename="requirement")
router.register("party-feedback", views.PartyFeedbackViewSet, basename="partyfeedback")
router.register("objectives", views.ObjectiveViewSet, basename="objective")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("measurements", views.MeasurementViewSet, basename="measurement")
urlpatterns = router.urls
