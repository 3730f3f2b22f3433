"""Run CPU-bound work (rendering, sanitising, diffing, merging) off eventlet's hub.

Under eventlet every request of a process shares one OS thread, the hub: a second of pure-Python
work in one request is a second in which no other client of the process is answered. Work handed to
`run_off_hub` runs in a real OS thread instead, and the hub keeps serving while it runs (Python
switches between the two threads every few milliseconds; nh3 releases the GIL altogether).

This module does not import eventlet (only wsgi.py does, per the design): wsgi.py hands it eventlet's
thread pool with `use_thread_pool(tpool.execute)` after monkey-patching. Without that (ASYNC_MODE
threading, tests, tools) each request already has a thread of its own, and the work runs inline.

The work must be pure: no database session, no `current_app`, no `g`, because the thread it runs in
has neither the request's context nor a green socket of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["run_native_off_hub", "run_off_hub", "use_thread_pool"]

P = ParamSpec("P")
R = TypeVar("R")

# How many pieces of work run at once per process; more wait (green, without blocking the hub).
# One: pure-Python work cannot run in parallel under the GIL anyway, and each more thread that wants
# the GIL leaves the hub fewer turns (four diffs at once with two slots stalled a page for 1.0 s;
# with one, 0.4 s at most). C code that releases the GIL uses run_native_off_hub, without a slot.
SLOTS = 1

_execute: Callable[..., object] | None = None
# Made after wsgi.py's monkey-patching, so under eventlet this is a green semaphore.
_slots = threading.BoundedSemaphore(SLOTS)


def use_thread_pool(execute: Callable[..., object] | None) -> None:
    """Send `run_off_hub` work to `execute(fn, *args, **kwargs)` (eventlet.tpool.execute); None: inline."""
    global _execute
    _execute = execute


def run_off_hub(work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`work(*args, **kwargs)` in a pool thread when the process runs on eventlet, else inline.

    Its result is returned and its exception raised here, as if it had been called directly.
    """
    execute = _execute
    if execute is None:
        return work(*args, **kwargs)
    with _slots:
        return execute(work, *args, **kwargs)  # type: ignore[return-value]


def run_native_off_hub(work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Like `run_off_hub`, for C code that releases the GIL while it works (argon2): it takes no
    slot, so a queue of renders never delays a sign-in, and it leaves the hub the whole GIL."""
    execute = _execute
    if execute is None:
        return work(*args, **kwargs)
    return execute(work, *args, **kwargs)  # type: ignore[return-value]
