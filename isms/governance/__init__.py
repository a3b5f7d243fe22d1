"""Governance core: scope (step 1), policies (step 2), acknowledgements, reviews,
notifications and the audit pack. The approval workflow itself is `isms.approvals`."""
