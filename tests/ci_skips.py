"""Under CI, a test skipped for a missing tool is a failure: set-up broke, nothing was tested.

Locally a test that needs Chromium, the npm assets (``js/node_modules``), strace or Linux
namespaces skips with a reason saying how to install it. With ``CI=true`` (or ``1``/``yes``)
the same skip fails the run, naming the reason, so a CI whose ``scripts/setup.sh --browser``
went wrong cannot pass quietly. The hook is registered by ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import re

import pytest

#: Skip reasons that mean a tool or an installed asset is missing, not that a test does not
#: apply here. Matched case-insensitively against the reason.
SETUP_SKIPS = re.compile(r"chromium|npm|node_modules|namespace|strace", re.IGNORECASE)


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and under_ci()) or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if SETUP_SKIPS.search(reason):
        report.outcome = "failed"
        report.longrepr = (
            f"CI=true: this test was skipped because a tool is missing ({reason}). Under CI "
            "that is a set-up failure, not a skip: run scripts/setup.sh --browser."
        )
