"""Rendering, diffing and merging are bounded in size and time, and run off the hub when asked.

The XSS regression corpus is tests/test_text.py; these are the limits around it: the longest source,
the deepest nesting, the sanitiser's time on a 20,000-row table (bleach took 14 s, nh3 0.1 s), and
merge3's time on a large interleaved change (difflib's matching took minutes). Timings are bounded
generously, an order of magnitude above what the code needs and far below what the old code took.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from app import offload
from app.merging import diff_text, merge_text
from app.text import MAX_NESTING, MAX_SOURCE, SourceTooLong, clean_html, excerpt, render_markdown

TABLE = "|a|b|\n|-|-|\n" + "|a|b|\n" * 20_000


def seconds(work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = work()
    return result, time.monotonic() - started


# --- size and nesting ------------------------------------------------------------------------------------


def test_a_source_at_the_limit_renders() -> None:
    source = ("Sana " * (MAX_SOURCE // 5))[:MAX_SOURCE]
    assert render_markdown(source).html.startswith("<p>Sana Sana")


def test_a_longer_source_is_refused_not_rendered() -> None:
    with pytest.raises(SourceTooLong):
        render_markdown("x" * (MAX_SOURCE + 1))
    with pytest.raises(SourceTooLong):
        excerpt("x" * (MAX_SOURCE + 1))


@pytest.mark.parametrize("marker, tag", [("> ", "<blockquote>"), ("- ", "<ul>"), ("1. ", "<ol>")])
def test_nesting_stops_at_the_limit(marker: str, tag: str) -> None:
    html = render_markdown(marker * (MAX_NESTING * 50) + "syvä").html
    assert 0 < html.count(tag) <= MAX_NESTING


def test_deeply_nested_emphasis_stays_bounded() -> None:
    html = render_markdown("*" * 10_000 + "a" + "*" * 10_000).html
    assert html.count("<strong>") + html.count("<em>") <= MAX_NESTING


def test_the_sanitiser_is_linear_on_a_huge_table() -> None:
    rendered = render_markdown(TABLE).html
    assert rendered.count("<tr>") == 20_001
    _, took = seconds(lambda: clean_html(rendered))
    assert took < 2.0, f"cleaning a 20,000-row table took {took:.1f} s"


def test_rendering_a_huge_table_takes_seconds_not_minutes() -> None:
    _, took = seconds(lambda: render_markdown(TABLE))
    assert took < 8.0, f"rendering a 20,000-row table took {took:.1f} s"


# --- diffs and merges ------------------------------------------------------------------------------------


def interleaved(lines: int, every: int, word: str) -> str:
    return "\n".join(f"{word} {n}" if n % every == 0 else f"rivi {n}" for n in range(lines))


def test_diff_of_two_large_rewrites_settles_and_stays_whole() -> None:
    old, new = TABLE, TABLE.replace("|a|b|", "|b|a|")
    pieces, took = seconds(lambda: diff_text(old, new))
    assert took < 5.0, f"the diff took {took:.1f} s"
    assert "".join(t for op, t in pieces if op <= 0) == old
    assert "".join(t for op, t in pieces if op >= 0) == new


def test_merging_large_interleaved_changes_is_bounded_and_never_wrong() -> None:
    base = interleaved(12_000, 12_001, "")
    mine, theirs = interleaved(12_000, 2, "minun"), interleaved(12_000, 3, "heidän")
    merged, took = seconds(lambda: merge_text(base, mine, theirs))
    assert took < 8.0, f"the merge took {took:.1f} s"
    assert not merged.clean  # both changed line 0, 6, 12 ...: refused, never guessed


def test_merging_a_large_text_with_distant_changes_still_combines_them() -> None:
    base = interleaved(30_000, 30_001, "")
    mine = base.replace("rivi 100\n", "minun 100\n")
    theirs = base.replace("rivi 29000\n", "heidän 29000\n")
    merged, took = seconds(lambda: merge_text(base, mine, theirs))
    assert merged.clean and "minun 100\n" in merged.text and "heidän 29000\n" in merged.text
    assert took < 5.0, f"the merge took {took:.1f} s"


# --- off the hub ------------------------------------------------------------------------------------------


@pytest.fixture
def thread_pool() -> Iterator[ThreadPoolExecutor]:
    """A real pool in the place of eventlet's (tests run in threading mode); inline again afterwards."""
    with ThreadPoolExecutor(8) as pool:
        offload.use_thread_pool(lambda work, *args, **kwargs: pool.submit(work, *args, **kwargs).result())
        try:
            yield pool
        finally:
            offload.use_thread_pool(None)


def test_without_a_pool_work_runs_inline() -> None:
    assert offload.run_off_hub(threading.get_ident) == threading.get_ident()


def test_with_a_pool_work_runs_elsewhere_and_errors_come_back(thread_pool: ThreadPoolExecutor) -> None:
    assert offload.run_off_hub(threading.get_ident) != threading.get_ident()
    assert render_markdown("**x**").html == "<p><strong>x</strong></p>\n"
    with pytest.raises(SourceTooLong):
        render_markdown("x" * (MAX_SOURCE + 1))


def test_mentions_are_resolved_in_the_callers_thread(thread_pool: ThreadPoolExecutor) -> None:
    """The resolver reads the database, which belongs to the request's thread (and context)."""
    asked_from: list[int] = []

    def resolve(handles: set[str]) -> dict[str, str]:
        asked_from.append(threading.get_ident())
        return {h: f"/u/{h}" for h in handles}

    out = render_markdown("Hei @liisa ja `@koodi`", resolve)
    assert asked_from == [threading.get_ident()]
    assert out.mentions == frozenset({"liisa"}) and 'href="/u/liisa"' in out.html


def test_at_most_slots_pieces_of_work_run_at_once(thread_pool: ThreadPoolExecutor) -> None:
    running, most = 0, 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    with ThreadPoolExecutor(6) as callers:
        list(callers.map(lambda _: offload.run_off_hub(work), range(6)))
    assert most == offload.SLOTS


def test_password_hashing_never_waits_for_a_slot(thread_pool: ThreadPoolExecutor) -> None:
    """Renders filling every slot do not hold up a sign-in (argon2 runs beside them)."""
    release = threading.Event()
    with ThreadPoolExecutor(offload.SLOTS) as callers:
        busy = [callers.submit(offload.run_off_hub, release.wait, 10) for _ in range(offload.SLOTS)]
        try:
            assert offload.run_native_off_hub(threading.get_ident) != threading.get_ident()
        finally:
            release.set()
        assert all(f.result() for f in busy)
