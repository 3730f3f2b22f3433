#!/usr/bin/env python
"""Rendering time of large Markdown, with the sanitiser in use (nh3) against bleach, in the same run.

app/text.py renders Markdown with markdown-it-py and cleans the HTML with nh3. bleach, which it
replaced, is super-linear on large tables: this prints, for each input, markdown-it's time, nh3's
time and bleach's time on the same HTML (with the same allow-list), and bleach / nh3. The inputs are
a 20,000-row table (120 kB, the one that froze the server for 24 s), a table at the 200 kB limit,
and the shape markdown-it itself is slowest on (`[![a](` repeated to 200 kB).

bleach is only the baseline here (requirements-dev.txt); the app does not import it.

Usage:
    .venv/bin/python bench/render.py [--rounds N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so `app` imports when run as a script

from app import text  # noqa: E402

INPUTS = {
    "table, 20,000 rows (120 kB)": "|a|b|\n|-|-|\n" + "|a|b|\n" * 20_000,
    "table at the limit (200 kB)": "|a|b|\n|-|-|\n" + "|a|b|\n" * 33_331,
    "markdown-it's worst (200 kB)": ("[![a](" * 40_000)[: text.MAX_SOURCE],
}


def bleach_cleaner() -> Callable[[str], str]:
    """bleach with app/text.py's allow-list, as it was configured before nh3."""
    import bleach

    return bleach.Cleaner(tags=text.ALLOWED_TAGS, attributes=text._allow_attribute,
                          protocols=text.ALLOWED_PROTOCOLS, strip=True, strip_comments=True).clean


def best_of(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="best of N for markdown-it and nh3 (bleach: 1)")
    args = parser.parse_args()
    try:
        bleach_clean: Callable[[str], str] | None = bleach_cleaner()
    except ImportError:
        bleach_clean = None
        print("bleach is not installed (pip install -r requirements-dev.txt): no baseline")
    print(f"{'input':30} {'markdown-it ms':>15} {'nh3 ms':>8} {'bleach ms':>10} {'bleach/nh3':>11}")
    for name, source in INPUTS.items():
        html = text._PARSER.render(text._normalise_source(source), {})
        parse = best_of(args.rounds, lambda: text._PARSER.render(text._normalise_source(source), {}))  # noqa: B023
        nh3 = best_of(args.rounds, lambda: text.clean_html(html))  # noqa: B023
        if bleach_clean is None:
            print(f"{name:30} {parse * 1000:15,.0f} {nh3 * 1000:8,.1f}")
            continue
        old = best_of(1, lambda: bleach_clean(html))  # noqa: B023
        print(f"{name:30} {parse * 1000:15,.0f} {nh3 * 1000:8,.1f} {old * 1000:10,.0f} {old / nh3:10,.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
