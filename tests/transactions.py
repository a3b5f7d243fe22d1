"""A transaction owned by the test, rolled back at the end.

Some security tests run many requests against one populated database and roll each one
back. Their wrapping transaction plays the part of the test case's own (Django marks
that one `_from_testcase`), so it is marked the same way: product guards that refuse to
run inside a business transaction (`isms.reauth.reauth_confirm`) then see only the
transactions the product opens itself.
"""

from contextlib import contextmanager

from django.db import transaction


def owned_atomic():
    """An atomic block that counts as the test's own wrapper."""
    atomic = transaction.atomic()
    atomic._from_testcase = True
    return atomic


@contextmanager
def rolled_back():
    """Run the block in a test-owned transaction and roll it back."""
    with owned_atomic():
        yield
        transaction.set_rollback(True)
