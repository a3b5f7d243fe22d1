"""API routes of people."""

from rest_framework.routers import SimpleRouter

from isms.people.api import views

router = SimpleRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("isms-roles", views.IsmsRoleViewSet, basename="ismsrole")
router.register("competences", views.CompetenceViewSet, basename="competence")
router.register("competence-records", views.CompetenceRecordViewSet, basename="competencerecord")
router.register("awareness-campaigns", views.AwarenessCampaignViewSet, basename="awarenesscampaign")
urlpatterns = router.urls
