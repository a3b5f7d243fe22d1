"""The sizes of the shipped catalogues (isms/frameworks/data/), named once for every test."""

ISO_CONTROLS = 93  # ISO/IEC 27001:2022 Annex A
ISO_CONTROLS_BY_THEME = {"organizational": 37, "people": 8, "physical": 14, "technological": 34}
CSF_SUBCATEGORIES = 106  # NIST CSF 2.0, withdrawn ones left out
CSF_FUNCTIONS = 6
CSF_CATEGORIES = 34
