"""The demo organisation of the governance core (`make demo`, `manage.py load_demo`).

Demo data only: the product never imports this package. `load_demo` and `demo_serve`
import it when they run, and the tests do; a production install works without it.
"""
