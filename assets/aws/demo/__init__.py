"""The demo's AWS side: a local fake AWS (moto, a development dependency), the estate
seeded into it, and the demo account that syncs it. Also the AWS test harness.

The product never imports this package: `make demo`, the tests and the benchmark do.
"""
