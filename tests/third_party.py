"""Tests that run a third-party program (Chromium, the YAML language server, the SARIF
Multitool, the Nu checker) skip with a message where it is missing, and fail instead where
CI requires it (`CIREG_REQUIRE_BROWSER=1` and the like, set by `.ci/run`)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def required(variable: str) -> bool:
    return os.environ.get(variable, "") not in ("", "0")


def unavailable(tests: str, variable: str, reason: str) -> NoReturn:
    """Skip the `tests` (e.g. "browser tests") with `reason`, or fail them where `variable`
    says the program is required."""
    if required(variable):
        pytest.fail(f"{reason} ({variable} is set, so this is a failure)")
    pytest.skip(f"{tests} skipped: {reason}")
