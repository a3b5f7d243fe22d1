"""What `manage.py demo_serve` runs for this app (isms.demo.processes): the process that
links the demo findings to the register once the first sync has produced them (see
risks/demo/register.py)."""

from isms.demo.processes import DemoProcess

PROCESSES = [
    DemoProcess(
        name="risks demo findings",
        argv=["manage.py", "risks_demo_findings", "--wait", "900", "--stay"],
    )
]
