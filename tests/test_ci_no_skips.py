"""With CI set, nothing may be skipped or expected to fail: a missing chromium, Redis or package, a
forgotten `pytest.skip` or an `xfail` must fail the run, not quietly make it test less
(the hook in tests/conftest.py). Each case runs in a pytest of its own, in a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ("pytester",)

ROOT = Path(__file__).resolve().parent.parent

ESCAPES = '''
import pytest


@pytest.fixture
def chromium():
    pytest.skip("no chromium here")


def test_skip_call():
    pytest.skip("not today")


@pytest.mark.skip(reason="marked")
def test_skip_mark():
    pass


@pytest.mark.skipif(True, reason="conditional")
def test_skipif_mark():
    pass


def test_skip_in_fixture(chromium):
    pass


def test_xfail_call():
    pytest.xfail("known bug")


@pytest.mark.xfail(reason="known bug")
def test_xfail_mark_failing():
    assert False


@pytest.mark.xfail(reason="fixed already")
def test_xfail_mark_passing():
    pass


def test_plain():
    pass
'''

IMPORTORSKIP = '''
import pytest

pytest.importorskip("no_such_package_anywhere")


def test_never_reached():
    pass
'''


def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str | None, source: str) -> pytest.RunResult:
    """The tiny test file under a pytest that loads our conftest's hooks as a plugin."""
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_escapes=source)
    return pytester.runpytest_subprocess("-p", "tests.conftest", "-p", "no:cacheprovider", "-rA")


@pytest.mark.parametrize("ci", ["true", "1", "Yes"])
def test_with_ci_set_every_skip_and_xfail_fails_the_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                         ci: str) -> None:
    result = run(pytester, monkeypatch, ci, ESCAPES)
    result.assert_outcomes(passed=1, failed=4, errors=3)  # a skip in setup is an error
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*CI is set: nothing may be skipped or expected to fail*"])


def test_with_ci_set_a_module_skipped_by_importorskip_fails_the_run(pytester: pytest.Pytester,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(pytester, monkeypatch, "true", IMPORTORSKIP)
    result.assert_outcomes(errors=1)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*no_such_package_anywhere*"])


@pytest.mark.parametrize("ci", [None, "false"])
def test_without_ci_a_developer_may_skip(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                         ci: str | None) -> None:
    result = run(pytester, monkeypatch, ci, ESCAPES)
    result.assert_outcomes(passed=1, skipped=4, xfailed=2, xpassed=1)
    assert result.ret == 0


def test_the_suite_has_a_per_test_timeout(pytestconfig: pytest.Config) -> None:
    """pyproject.toml's `timeout` (pytest-timeout): a hung test fails on its own, not the CI job's hour."""
    assert pytestconfig.pluginmanager.hasplugin("timeout")
    assert 60 <= float(pytestconfig.getini("timeout")) <= 600


def test_a_hung_test_fails_at_the_timeout(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_hangs="import time\n\ndef test_waits_forever():\n    time.sleep(60)\n")
    result = pytester.runpytest_subprocess("-p", "timeout", "-o", "timeout=1", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Timeout*"])
