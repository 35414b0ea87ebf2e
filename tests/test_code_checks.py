"""The checkers the project is kept clean with, run as tests so that CI (`.ci/run`) fails when one finds fault.

mypy checks `kg` with the settings of pyproject.toml; ruff lints and checks the formatting of the code,
tests and benchmarks. Both are in the `test` extra, so they are installed wherever the tests run.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

CHECKS = {
    "mypy": [sys.executable, "-m", "mypy", "kg"],
    "ruff-lint": [sys.executable, "-m", "ruff", "check", "kg", "tests", "benchmarks"],
    "ruff-format": [sys.executable, "-m", "ruff", "format", "--check", "kg", "tests", "benchmarks"],
}


@pytest.mark.parametrize("name", CHECKS)
def test_checker_finds_nothing(name: str):
    result = subprocess.run(CHECKS[name], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(CHECKS[name][2:])}:\n{result.stdout}{result.stderr}"
