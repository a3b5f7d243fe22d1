"""`manage.py demo_serve` stops what it started on SIGTERM as on Ctrl-C: the signal
becomes the KeyboardInterrupt its clean-up handles, and the previous handler returns."""

import os
import signal
import time

import pytest

from isms.management.commands.demo_serve import stop_on_sigterm


def test_sigterm_interrupts_like_ctrl_c_and_the_handler_is_restored():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), stop_on_sigterm():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the signal arrives first
    assert signal.getsignal(signal.SIGTERM) is before
