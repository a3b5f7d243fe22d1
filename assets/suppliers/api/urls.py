"""API routes of the supplier register (included under /api/)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("supplier-contracts", views.ContractViewSet, basename="suppliercontract")
router.register(
    "supplier-certifications", views.CertificationViewSet, basename="suppliercertification"
)
router.register("questionnaires", views.QuestionnaireViewSet, basename="questionnaire")
router.register("supplier-assessments", views.AssessmentViewSet, basename="supplierassessment")

urlpatterns = router.urls
