"""The grammar suite (tests/grammar/*.yaml): every case's text yields exactly the events it expects.

One test per case, with ids like ``relatives-07``; every case is extracted in one pass of the real extractor,
once per session. A case with ``known_failure`` is an xfail(strict=True), so one that starts passing says so.
How a case is judged, and the report of pass rates per phenomenon: see ``tests/grammar_suite.py``.
"""

from __future__ import annotations

import pytest
from grammar_suite import all_cases, check, extract_cases, load_suite, problems

CASES = all_cases(load_suite())


def _param(case):
    marks = [pytest.mark.xfail(reason=case.known_failure, strict=True)] if case.known_failure else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="session")
def suite_events(extractor):
    return extract_cases(extractor, CASES)


def test_the_suite_data_is_well_formed():
    """Every file loads, every case has its keys, categories and actors are valid, phenomena are unique, there
    are at least 300 cases and at most 10 % known failures."""
    assert problems() == []


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_grammar_case(case, suite_events):
    result = check(case, suite_events[case.id])
    if not result.passed:
        pytest.fail(result.message, pytrace=False)
