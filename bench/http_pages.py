#!/usr/bin/env python
"""Page and API latency over HTTP, on a thread of 10,000 posts, against a static file baseline.

ARCHITECTURE.md ("Scale") promises that page 500 costs what page 1 costs (keyset paging) and that
no page issues a query per row. This script checks both the way a reader would feel them: it builds
a fresh database (SQLite by default, PostgreSQL with --database), seeds one public workspace with
200 threads, one of which holds 10,000 posts, serves the app as production does (`python wsgi.py`,
eventlet), and loads six URLs with wrk at concurrency 32:

    /w/<slug>                                   the workspace page (thread list)
    /t/<id>            /t/<id>?page=200         a thread's first and last HTML page
    /api/v1/workspaces/<slug>/threads           the API's thread list
    /api/v1/threads/<id>/posts  (+ ?cursor=…)   the API's first and last page of posts

It also counts the SQL statements each URL runs (in-process, Flask test client, same database),
times one request at a time in-process (the page's own cost, free of scheduling effects), and
measures /static/css/app.css through the same server, so every req/s figure comes with the share
of the request cost that is the server stack's rather than ours.

wrk runs as `wrk -t2 -c32 -d15s --latency`, plus `--timeout=30s`: its default 2 s timeout silently
drops slower requests from the latency figures, and a saturated single process exceeds 2 s.

Exit status: 0 when every URL answered 200 and was measured, 1 when one failed (its row says how).

Usage:
    .venv/bin/python bench/http_pages.py [--quick] [--database URL] [--json FILE] [--sql]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from math import ceil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so `app`, `config` and `bench` import when run as a script

from flask import Flask  # noqa: E402
from sqlalchemy import bindparam, event, insert, select, update  # noqa: E402
from sqlalchemy import inspect as sa_inspect  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.actions.accounts import do_create_token, do_register  # noqa: E402
from app.actions.threads import do_create_thread  # noqa: E402
from app.actions.workspaces import do_create_workspace, do_join_workspace  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Post, Thread, User, Workspace, utcnow  # noqa: E402
from app.queries.paging import encode_cursor  # noqa: E402
from app.text import render_markdown  # noqa: E402
from config import Config, engine_options, normalise_database_url  # noqa: E402
from tests.server import LiveServer, recreate_postgres_database  # noqa: E402

THREADS = 200
BIG_THREAD_POSTS = 10_000
CONCURRENCY = 32
WRK_THREADS = 2
WARMUP_SECONDS = 2
# wrk drops requests slower than its timeout (default 2 s) from the latency figures, counting them only as
# "timeout" errors; a saturated server exceeds 2 s, so the default would cut the slow tail out of p50/p99.
WRK_TIMEOUT = "30s"
ALONE_SAMPLES = 20
FULL_SECONDS = 15
QUICK_SECONDS = 3
LATENCY_TARGET = 1.2
QUERY_TARGET = 10
PROTECTED_DATABASES = {"test", "postgres", "template0", "template1"}
PASSWORD = "mittaus-kortteli-2030"
SLUG = "mittauspaja"
BASELINE_PATH = "/static/css/app.css"

# One realistic post: paragraphs, emphasis, a list and a link, so rendering it costs what real ones do.
POST_BODY = """Kiitos koosteesta! Meillä **Tampereella** kokeiltiin samaa viime talvena, ja tulokset olivat
lupaavia: kiinteistöjen energiankulutus laski noin *12 %*, kun lämpötilat säädettiin käytön mukaan.

Kolme asiaa, jotka oppisimme nyt toisin:

1. Käyttäjät mukaan heti alussa, ei vasta pilotin lopussa.
2. Mittarit sovitaan ennen kuin laitteita hankitaan.
3. Tulokset julkaistaan avoimesti, myös ne huonot.

Raportti on luettavissa täällä: https://example.fi/raportit/energia-2024 — palautetta otetaan vastaan.
"""


@dataclass(frozen=True)
class Target:
    """One URL to load; `api` ones carry the Bearer token."""

    name: str
    path: str
    api: bool = False


@dataclass(frozen=True)
class Seeded:
    """What the seeding made that the measurements need to address."""

    slug: str
    thread_id: int
    token: str
    last_page: int
    last_cursor: str


@dataclass(frozen=True)
class Probe:
    """One in-process request: its status, and its SQL statements when it answered 200."""

    status: int
    queries: int | None
    alone_ms: float | None  # fastest of sequential requests, no concurrency: the page's own cost
    statements: tuple[str, ...] = ()


@dataclass(frozen=True)
class WrkResult:
    """The figures read from one wrk run; errors are kept so a fast page of failures shows."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


# --- database ----------------------------------------------------------------------------------


def prepare_database(database: str | None, workdir: Path) -> str:
    """A fresh, empty database: a new SQLite file, or the named PostgreSQL database recreated."""
    if not database:
        return f"sqlite:///{workdir / 'bench.db'}"
    url = normalise_database_url(database)
    if not url.startswith("postgresql"):
        raise SystemExit(f"--database must be a PostgreSQL URL, not {database!r}")
    name = make_url(url).database or ""
    if not name or name in PROTECTED_DATABASES:
        # The test suite's `test` and the system databases are shared with other work: never drop them.
        raise SystemExit(f"refusing to drop database {name!r}; name a database of its own")
    recreate_postgres_database(url)  # tests.server's: DROP … WITH (FORCE) + CREATE, autocommit, via `postgres`
    return url


def migrate(url: str) -> None:
    """Build the schema with the migrations, as an operator would, so we measure the real indexes."""
    env = migration_environment(url)
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"migration failed:\n{done.stdout}\n{done.stderr}")


def migration_environment(url: str) -> dict[str, str]:
    """Production settings on our database; threading, so the migration process patches nothing."""
    dropped = {"ASYNC_MODE", "FLASK_CONFIG", "REDIS_URL", "DATABASE_URL", "FLASK_APP"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    # The production Config needs PUBLIC_URL; the migration makes no links, any address will do.
    return env | {"DATABASE_URL": url, "ASYNC_MODE": "threading", "PUBLIC_URL": env.get("PUBLIC_URL") or "http://127.0.0.1"}


def production_server(url: str, workdir: Path) -> LiveServer:
    """`python wsgi.py` (eventlet, production Config) on a free port, through the test suite's launcher,
    which already sets SECRET_KEY, RATELIMIT_ENABLED=0 (wrk would be limited within a second) and
    SESSION_COOKIE_SECURE=0, and (entered) waits until `/` answers. We migrated and seeded: it does neither."""
    return LiveServer(workdir, database_url=url, create_database=False, migrate=False)


def build_app(url: str, workdir: Path) -> Flask:
    """The in-process app for seeding and query counting; cheap argon2 only here, never in the server."""
    return create_app(
        Config,
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(url),
        ASYNC_MODE="threading",
        RATELIMIT_ENABLED=False,
        SESSION_COOKIE_SECURE=False,
        UPLOAD_DIR=str(workdir / "uploads"),
        PUBLIC_URL="http://127.0.0.1",  # the in-process app sends no mail
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_COST=1024,
    )


# --- seeding -----------------------------------------------------------------------------------


def seed(app: Flask) -> Seeded:
    """Users, workspace, threads and first posts through the real actions (so every invariant the
    actions keep holds), then the big thread's bulk in a few Core inserts (actions would take minutes)."""
    with app.app_context():
        people = _seed_people()
        ws = do_create_workspace(
            people[0], "Mittauspaja", "Kuormitusmittausten työtila.", ["mittaus"], "public", "open", SLUG
        )
        for member in people[1:]:
            do_join_workspace(member, SLUG)
        token, _ = do_create_token(people[0], "bench")
        big, first = do_create_thread(people[0], SLUG, "Pitkä ketju: kokemuksia energiasäästöstä", POST_BODY)
        for n in range(1, THREADS):
            do_create_thread(people[n % len(people)], SLUG, f"Keskustelu numero {n}", POST_BODY)
        _bulk_posts(big.id, first, [p.id for p in people])
        _finish_thread(big.id, ws.id)
        _check_thread(big.id, first.html)
        per_page = int(app.config["POSTS_PER_PAGE"])
        last_page = ceil(BIG_THREAD_POSTS / per_page)
        # The API's last page: posts after number (last page's first - 1), encoded as paging.py does.
        last_cursor = encode_cursor([(last_page - 1) * per_page])
        return Seeded(SLUG, big.id, token, last_page, last_cursor)


def _seed_people() -> list[User]:
    """An owner and four members, so pages show several authors as real threads do."""
    names = ["Anna Virtanen", "Mikko Korhonen", "Liisa Mäkinen", "Jussi Nieminen", "Sanna Laine"]
    return [
        do_register(f"mittaaja{i}@example.fi", PASSWORD, name, "Kortteli-mittaus")
        for i, name in enumerate(names, start=1)
    ]


def _post_times(start: datetime, count: int) -> list[datetime]:
    """Strictly increasing times from just after the first post up to now, so the thread's posts
    interleave with the other threads' activity and none lies in the future."""
    end = utcnow()
    step = max((end - start) / count, timedelta(microseconds=1))
    return [start + step * (i + 1) for i in range(count)]


def _row_template(first: Post) -> dict[str, Any]:
    """The action-made first post's columns, minus its id: every bulk row starts as a copy of it, so a
    column added to Post later (client_id, say) is filled the way the actions fill it."""
    return {
        attr.columns[0].name: getattr(first, attr.key)
        for attr in sa_inspect(Post).column_attrs
        if not attr.columns[0].primary_key
    }


def _bulk_posts(thread_id: int, first: Post, author_ids: list[int]) -> None:
    """Posts 2..10,000 as copies of the action-made first post with their own number, author and time;
    the HTML is rendered once by the actions' renderer. Every 7th post quotes an earlier one, so the
    reply_to preload is exercised on every page."""
    template = _row_template(first) | {"html": render_markdown(POST_BODY).html, "reply_to_id": None}
    times = _post_times(first.created_at, BIG_THREAD_POSTS - 1)
    rows = [
        template | {"number": n, "author_id": author_ids[n % len(author_ids)], "created_at": times[n - 2]}
        for n in range(2, BIG_THREAD_POSTS + 1)
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(Post.__table__), rows[start : start + 1000])
    ids = dict(db.session.execute(select(Post.number, Post.id).where(Post.thread_id == thread_id)).all())
    quotes = [{"pid": ids[n], "rid": ids[n - 3]} for n in range(7, BIG_THREAD_POSTS + 1, 7)]
    table = Post.__table__
    db.session.execute(update(table).where(table.c.id == bindparam("pid")).values(reply_to_id=bindparam("rid")), quotes)
    db.session.commit()


def _finish_thread(thread_id: int, workspace_id: int) -> None:
    """Bring the thread's counters to what 9,999 replies through do_post_reply would have left."""
    last = db.session.execute(
        select(Post.id, Post.created_at, Post.author_id).where(Post.thread_id == thread_id).order_by(Post.number.desc())
    ).first()
    assert last is not None
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread_id)
        .values(post_count=BIG_THREAD_POSTS, last_post_id=last.id, last_activity_at=last.created_at,
                last_author_id=last.author_id)
    )
    ws = db.session.get(Workspace, workspace_id)
    assert ws is not None
    ws.last_activity_at = max(ws.last_activity_at, last.created_at)
    db.session.commit()


def _check_thread(thread_id: int, action_html: str) -> None:
    """Fail loudly if the bulk rows differ from what actions make: numbers 1..N without gaps, times
    in number order, counters matching, and HTML identical to the action-rendered first post."""
    thread = db.session.get(Thread, thread_id)
    assert thread is not None
    numbers = list(db.session.scalars(select(Post.number).where(Post.thread_id == thread_id).order_by(Post.number)))
    by_time = list(
        db.session.scalars(select(Post.number).where(Post.thread_id == thread_id).order_by(Post.created_at, Post.id))
    )
    last = db.session.scalar(select(Post).where(Post.thread_id == thread_id, Post.number == BIG_THREAD_POSTS))
    problems = [
        (numbers != list(range(1, BIG_THREAD_POSTS + 1)), "post numbers are not 1..N"),
        (by_time != numbers, "created_at does not increase with the number"),
        (thread.post_count != BIG_THREAD_POSTS, "post_count is off"),
        (last is None or thread.last_post_id != last.id, "last_post_id is off"),
        (last is None or thread.last_activity_at != last.created_at, "last_activity_at is off"),
        (render_markdown(POST_BODY).html != action_html, "bulk HTML differs from the action's"),
    ]
    failed = [message for bad, message in problems if bad]
    if failed:
        raise SystemExit("seeded thread is inconsistent: " + "; ".join(failed))


# --- measuring ---------------------------------------------------------------------------------


def targets_for(seeded: Seeded) -> list[Target]:
    """The six URLs the issue names, in a fixed order so runs compare line by line."""
    t = seeded.thread_id
    return [
        Target("workspace page", f"/w/{seeded.slug}"),
        Target("thread page 1", f"/t/{t}"),
        Target(f"thread page {seeded.last_page}", f"/t/{t}?page={seeded.last_page}"),
        Target("API threads", f"/api/v1/workspaces/{seeded.slug}/threads", api=True),
        Target("API posts first", f"/api/v1/threads/{t}/posts", api=True),
        Target("API posts last", f"/api/v1/threads/{t}/posts?cursor={seeded.last_cursor}", api=True),
    ]


def headers_for(target: Target, token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if target.api else {}


def probe(app: Flask, target: Target, token: str) -> Probe:
    """SQL statements one request runs, after a warm request has filled the caches. A fresh client
    per request, as wrk sends no cookies; no app context is held, so each request gets its own.
    A page that does not answer 200 is reported as failing rather than timed: wrk would time errors."""
    with app.app_context():
        engine = db.engine
    headers = headers_for(target, token)
    warm = app.test_client().get(target.path, headers=headers)
    if warm.status_code != 200:
        return Probe(warm.status_code, None, None)
    _check_last_api_page(target, warm)
    statements: list[str] = []

    def on_execute(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        counted = app.test_client().get(target.path, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    if counted.status_code != 200:
        return Probe(counted.status_code, None, None)
    return Probe(200, len(statements), _alone_ms(app, target.path, headers), tuple(statements))


def _alone_ms(app: Flask, path: str, headers: dict[str, str]) -> float:
    """Fastest of sequential in-process requests. Under wrk the single eventlet process is saturated,
    so its p50 mostly reflects how the hub schedules 32 connections; this is what the page itself costs.
    The minimum, as timeit reports it: on a shared machine every slower sample is someone else's work."""
    times = []
    for _ in range(ALONE_SAMPLES):
        start = time.perf_counter()
        app.test_client().get(path, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def _check_last_api_page(target: Target, response: Any) -> None:
    """The cursor we built must really land on the last page (50 posts, no next), or the ratio lies."""
    if target.api and "cursor=" in target.path:
        data = response.get_json()
        numbers = [item["number"] for item in data["items"]]
        if data["next"] is not None or not numbers or numbers[-1] != BIG_THREAD_POSTS:
            raise SystemExit(f"{target.path} is not the last page: next={data['next']!r}, numbers={numbers[:3]}…")


_TIME_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> WrkResult:
    """Read req/s, the 50th and 99th percentiles and the error counts from wrk's --latency output."""

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s|m|h)\s", output, re.MULTILINE)
        if match is None:
            raise ValueError(f"no {label} line in wrk output:\n{output}")
        return float(match.group(1)) * _TIME_UNITS[match.group(2)]

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if rate is None or total is None:
        raise ValueError(f"unreadable wrk output:\n{output}")
    return WrkResult(
        requests_per_s=float(rate.group(1)),
        p50_ms=latency("50%"),
        p99_ms=latency("99%"),
        mean_ms=latency("Latency"),
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def run_wrk(url: str, seconds: int, headers: dict[str, str]) -> WrkResult:
    """One wrk run at the issue's concurrency; wrk's own threads stay at 2 (the machine has 2 cores)."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONCURRENCY}", f"-d{seconds}s", f"--timeout={WRK_TIMEOUT}", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}) on {url}:\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def drain(base_url: str) -> None:
    """Wait until the server has finished the requests wrk left in flight when it stopped (up to 32
    of them, abandoned but still computed), so they do not eat into the next measurement. eventlet
    runs a CPU-bound request to its end, so a static file fetched now answers once they are done."""
    for _ in range(2):
        try:
            with urllib.request.urlopen(base_url + BASELINE_PATH, timeout=120) as response:
                response.read()
        except OSError as error:
            raise RuntimeError(f"the server did not answer after a wrk run: {error}") from None


def measure(server: LiveServer, targets: list[Target], token: str, seconds: int) -> dict[str, WrkResult]:
    """Warm each URL for 2 s (fills the pool, the template and statement caches), then measure it."""
    results: dict[str, WrkResult] = {}
    for target in [Target("static baseline", BASELINE_PATH), *targets]:
        results[target.path] = _measure_one(server, target, token, seconds)
        print(f"  measured {target.name:<18} {results[target.path].requests_per_s:9.1f} req/s", flush=True)
    return results


def _measure_one(server: LiveServer, target: Target, token: str, seconds: int) -> WrkResult:
    """One URL; if the server was stopped from outside meanwhile (a shared machine, where someone may
    end every `wsgi.py`), start it again on the same data and measure the URL once more."""
    headers = headers_for(target, token)
    for attempt in (1, 2):
        try:
            run_wrk(server.url + target.path, WARMUP_SECONDS, headers)
            drain(server.url)
            result = run_wrk(server.url + target.path, seconds, headers)
            drain(server.url)
            return result
        except RuntimeError as error:
            if server.running or attempt == 2:
                state = "running" if server.running else f"exited with {server.returncode}"
                raise SystemExit(f"{error}\nserver {state}; its log ends:\n{server.log_tail()}") from None
            print(f"  the server exited with {server.returncode} (stopped from outside?); restarting it", flush=True)
            server.stop()
            server.start()
    raise AssertionError("unreachable")


# --- reporting ---------------------------------------------------------------------------------


def _ratio(results: dict[str, WrkResult], last: Target, first: Target, field: str = "p50_ms") -> float | None:
    """last/first of a latency figure, or None when either page could not be measured."""
    if last.path not in results or first.path not in results:
        return None
    if not results[last.path].requests or not results[first.path].requests:
        return None  # wrk finished no request in the window: there is no latency to compare
    return float(getattr(results[last.path], field) / getattr(results[first.path], field))


def _alone_ratio(probes: dict[str, Probe], last: Target, first: Target) -> float | None:
    """last/first unloaded in-process time, or None when either page failed."""
    a, b = probes[last.path].alone_ms, probes[first.path].alone_ms
    return a / b if a is not None and b is not None else None


def figures(targets: list[Target], results: dict[str, WrkResult], probes: dict[str, Probe]) -> dict[str, Any]:
    """Everything the report prints, as data, so --json and the table cannot disagree. A failing
    page keeps its row (status, no figures), so a reader sees what is missing and why."""
    baseline = results[BASELINE_PATH]
    pages = []
    for t in targets:
        row: dict[str, Any] = {"name": t.name, "path": t.path, "status": probes[t.path].status,
                               "sql_queries": probes[t.path].queries, "alone_ms": probes[t.path].alone_ms}
        if t.path in results:
            row |= asdict(results[t.path])
            row["vs_baseline"] = results[t.path].requests_per_s / baseline.requests_per_s
        pages.append(row)
    counts = [probes[t.path].queries for t in targets]
    known = [c for c in counts if c is not None]
    pairs = [(counts[1], counts[2]), (counts[4], counts[5])]
    return {
        "baseline": {"path": BASELINE_PATH, **asdict(baseline)},
        "pages": pages,
        "html_last_first_p50_ratio": _ratio(results, targets[2], targets[1]),
        "api_last_first_p50_ratio": _ratio(results, targets[5], targets[4]),
        "html_last_first_mean_ratio": _ratio(results, targets[2], targets[1], "mean_ms"),
        "api_last_first_mean_ratio": _ratio(results, targets[5], targets[4], "mean_ms"),
        "html_last_first_alone_ratio": _alone_ratio(probes, targets[2], targets[1]),
        "api_last_first_alone_ratio": _alone_ratio(probes, targets[5], targets[4]),
        "sql_queries_min": min(known, default=None),
        "sql_queries_max": max(known, default=None),
        "first_last_queries_equal": all(a == b for a, b in pairs if a is not None and b is not None),
        "failed": [row["path"] for row in pages if row["status"] != 200],
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _cells(row: dict[str, Any]) -> str:
    """One table row's figures, or the failing status in their place."""
    if "requests_per_s" not in row:
        return f"{'FAILS: HTTP ' + str(row['status']):>27} {'-':>4} {'-':>9} {'-':>9}"
    queries = "-" if row.get("sql_queries") is None else row["sql_queries"]
    alone = "-" if row.get("alone_ms") is None else f"{row['alone_ms']:.2f}"
    share = row.get("vs_baseline", 1.0)
    return (f"{row['requests_per_s']:>9.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f}"
            f" {queries:>4} {share:>9.3f} {alone:>9}")


def _ratio_line(data: dict[str, Any], kind: str) -> str:
    """The issue's figure, with two checks beside it: a saturated eventlet process's p50 depends on how
    its hub happens to schedule the 32 connections, while the mean and the unloaded time do not."""
    label = {"html": "HTML", "api": "API "}[kind]
    ratio = data[f"{kind}_last_first_p50_ratio"]
    if ratio is None:
        return (f"{label} last-page/first-page p50 latency ratio: n/a (a page failed or finished no request;"
                f" target <= {LATENCY_TARGET})")
    mean, alone = data[f"{kind}_last_first_mean_ratio"], data[f"{kind}_last_first_alone_ratio"]
    return (f"{label} last-page/first-page p50 latency ratio: {ratio:.2f} (target <= {LATENCY_TARGET})"
            f"  {verdict(ratio <= LATENCY_TARGET)}   [mean latency: {mean:.2f}; one request alone: {alone:.2f}]")


def print_report(data: dict[str, Any], setup: dict[str, Any]) -> None:
    """The table, then the issue's figures with their targets, then the ratios to the baseline."""
    print()
    print(f"database: {setup['database']}   duration: {setup['seconds']} s per URL   concurrency: {CONCURRENCY}")
    print(f"seeded: {THREADS} threads, one of {BIG_THREAD_POSTS:,} posts, in {setup['seed_seconds']:.1f} s;"
          f" 1-min load average {setup['load_before']:.2f} before, {setup['load_after']:.2f} after"
          f" ({os.cpu_count()} CPUs: other work on the machine skews every figure)")
    print(f"wrk -t{WRK_THREADS} -c{CONCURRENCY} -d{setup['seconds']}s --timeout={WRK_TIMEOUT} --latency;"
          f" 'alone ms' = fastest of {ALONE_SAMPLES} sequential in-process requests")
    print()
    header = f"{'URL':<58} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'SQL':>4} {'vs static':>9} {'alone ms':>9}"
    print(header)
    print("-" * len(header))
    for row in [data["baseline"], *data["pages"]]:
        print(f"{row['path']:<58} {_cells(row)}")
    print()
    print(_ratio_line(data, "html"))
    print(_ratio_line(data, "api"))
    low, high, same = data["sql_queries_min"], data["sql_queries_max"], data["first_last_queries_equal"]
    # "Same for every page": page 200 of a list runs what page 1 runs (different lists may differ).
    met = high is not None and high <= QUERY_TARGET and same
    print(f"SQL queries per page: {low}..{high} (target <= {QUERY_TARGET}, same for every page)  {verdict(met)}"
          f"  [first and last pages {'equal' if same else 'DIFFER'}]")
    print()
    base = data["baseline"]["requests_per_s"]
    print(f"req/s as a share of the static file's ({base:.1f} req/s, same server, same wrk settings):")
    for row in data["pages"]:
        share = f"{row['vs_baseline']:6.1%}" if "vs_baseline" in row else "   n/a"
        print(f"  {row['name']:<18} {share}  ({row['path']})")
    _print_errors(data)


def print_statements(targets: list[Target], probes: dict[str, Probe]) -> None:
    """Each page's SQL, one line per statement, so a count over target names its queries."""
    for t in targets:
        print(f"\n{t.path}: {probes[t.path].queries} statements")
        for statement in probes[t.path].statements:
            line = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", " ".join(statement.split()))
            print(f"  {line[:200]}{'…' if len(line) > 200 else ''}")


def _print_errors(data: dict[str, Any]) -> None:
    """Failed or timed-out requests make a page look faster than it is: say so next to the figures."""
    for path in data["failed"]:
        print(f"FAILED {path}: does not answer 200 (in-process traceback above); not measured")
    for row in [data["baseline"], *data["pages"]]:
        if row.get("requests") == 0:
            print(f"WARNING {row['path']}: no request finished within the run; the machine is too busy to measure")
        if row.get("non_2xx") or row.get("socket_errors"):
            print(f"WARNING {row['path']}: {row['non_2xx']} non-2xx answers, {row['socket_errors']} socket errors"
                  f" (wrk leaves timed-out requests out of its latencies)")


# --- the command -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Serve a seeded 10,000-post thread with wrk and report req/s, p50/p99, SQL queries per page.",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="PostgreSQL URL of a database to DROP and recreate, e.g. "
        "postgresql://postgres@127.0.0.1:5432/bench_pages (default: a fresh SQLite file in a temp dir)",
    )
    parser.add_argument("--quick", action="store_true", help=f"a smoke run: {QUICK_SECONDS} s per URL")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the figures as JSON to FILE")
    parser.add_argument("--sql", action="store_true", help="also print the SQL statements each page runs")
    return parser.parse_args(argv)


@contextmanager
def timed(label: str) -> Iterator[Callable[[], float]]:
    """Print how long a step took, so a slow seeding or start-up shows where the time went."""
    start = time.perf_counter()
    print(f"{label} …", flush=True)
    yield lambda: time.perf_counter() - start
    print(f"{label}: {time.perf_counter() - start:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk)")
    seconds = QUICK_SECONDS if args.quick else FULL_SECONDS
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="vk-bench-") as tmp:
        workdir = Path(tmp)
        url = prepare_database(args.database, workdir)
        with timed("migrating"):
            migrate(url)
        app = build_app(url, workdir)
        with timed("seeding") as elapsed:
            seeded = seed(app)
            seed_seconds = elapsed()
        targets = targets_for(seeded)
        probes = {t.path: probe(app, t, seeded.token) for t in targets}
        working = [t for t in targets if probes[t.path].status == 200]
        with app.app_context():
            db.engine.dispose()  # leave the database to the server alone
        with production_server(url, workdir) as server:
            print(f"server at {server.url}; measuring {seconds} s per URL after {WARMUP_SECONDS} s warm-up",
                  flush=True)
            results = measure(server, working, seeded.token, seconds)
    data = figures(targets, results, probes)
    setup = {"database": make_url(url).render_as_string(hide_password=True), "seconds": seconds,
             "seed_seconds": seed_seconds, "load_before": load_before, "load_after": os.getloadavg()[0]}
    print_report(data, setup)
    if args.sql:
        print_statements(targets, probes)
    if args.json:
        args.json.write_text(json.dumps({"setup": setup, **data}, indent=2) + "\n")
    return 1 if data["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
