"""The demo company's asset inventory (`manage.py load_demo`).

Demo data only: the product never imports this package (see isms/demo/).
"""
