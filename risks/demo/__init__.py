"""The demo company's risk register (`manage.py load_demo`, `risks_demo_findings`).

Demo data only: the product never imports this package (see isms/demo/).
"""
