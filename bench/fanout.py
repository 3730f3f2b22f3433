#!/usr/bin/env python
"""Live fan-out: how long until the LAST of N subscribers has a new post, against a bare emit baseline.

ARCHITECTURE.md ("Known traps") sets the floor: a bare Flask-SocketIO emit costs about 90 µs of server
CPU per recipient, so 1,000 subscribers wait about 120 ms for the last copy. This script measures ours
against that floor on this machine, in one command:

  ours        `python wsgi.py` (tests/server.py's LiveServer: eventlet, production Config, a fresh SQLite
              database, RATELIMIT_ENABLED=0, MAX_CONNECTIONS raised). A poster (API token) opens a public
              workspace and a thread; N anonymous Socket.IO clients connect over WebSocket and `subscribe`;
              the poster then POSTs replies one at a time over HTTP.
  bare        bench/bare_emit_server.py on the same eventlet server: `subscribe` joins a room, POST /emit
              emits its body to that room; the body is a copy of a `post.created` message that ours sent,
              so both servers put the same bytes on the wire.
  +redis      (--redis URL) the same with two server processes sharing one database and REDIS_URL (the
              Socket.IO message queue), subscribers split between them, posts through the first.

Subscribers run in separate processes (--workers, 4 by default), each holding N/4 python-socketio
AsyncClients on one asyncio loop (aiohttp WebSockets), so the server is measured from the outside as a
browser sees it. For every post the latency is from just before the POST is sent until the last client
has the message (clients stamp time.time() on receipt; same machine, one clock); the next post is sent
only when every client has the previous one. One warm-up post goes first and is not counted. p50 and
p99 are nearest-rank over the posts (with 20 posts, p99 is the slowest one). Server memory per client is
the growth of the server's VmRSS from before the first client connects until all N are subscribed (and
the server has gone quiet), divided by N. Server CPU per post is the utime+stime the server process(es)
spent during the posting phase, divided by the number of posts. The second table says where the time
goes: HTTP answer vs first and last receipt, the messages each client gets per post, the subscribe phase.

Clients are opened --ramp at a time per process (2): ours announces presence to the whole room on every
subscribe, so N subscribes send N²/2 messages; opened faster, the backlog delays the server's pings past
python-engineio's client timeout (it gives up after 30 s without anything to send) and clients drop.
The machine may be shared: each run first waits (--quiet-wait) for other processes to go quiet, and
reports the cores they used before and during its posting phase ("others").

Everything is bounded by timeouts and talks to 127.0.0.1 only. Exit status: 0 when every run was
measured (rows with connection failures or lost messages say so), 1 when a run could not be measured.

Usage:
    .venv/bin/python bench/fanout.py [--sizes 100,500,1000] [--posts 20] [--quick] [--workers 4]
                                     [--redis redis://127.0.0.1:6379/9] [--json FILE] [--py-spy DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so `tests` imports when run as a script

import requests  # noqa: E402

from tests.live.helpers import Person  # noqa: E402
from tests.server import LiveServer, free_port  # noqa: E402

DEFAULT_SIZES = (100, 500, 1000)
QUICK_SIZES = (50, 100)
DEFAULT_POSTS = 20
QUICK_POSTS = 5
DEFAULT_WORKERS = 4
MAX_CONNECTIONS = 20_000
DEFAULT_RAMP = 2                # connects+subscribes in flight per subscriber process (see open_all)
CONNECT_TIMEOUT = 30.0          # one client's WebSocket handshake
SUBSCRIBE_TIMEOUT = 120.0       # one subscribe ack; ours announces presence to the whole room on each
SUBSCRIBE_PHASE = (60.0, 0.3)   # all N subscribed within 60 s + 0.3 s per client, or they count as failed
DELIVERY_TIMEOUT = 30.0         # one post, until every client has it
QUIET_SECONDS = 1.0             # no message for this long: the server has drained its queues
SETTLE_LIMIT = 180.0
SERVER_START_TIMEOUT = 30.0
WORKER_LIFETIME = 3600.0        # a worker ends by itself even if the coordinator vanished
TARGET_RATIO = 1.5              # ours <= 1.5x bare at N = 1,000
MARKER_WIDTH = 5                # "fanout-00001": every post body has the same length, so every message too
FALLBACK_MESSAGE_BYTES = 700
WARMUP_POSTS = 1                # sent and delivered before the counted ones
SHARED_CHANNELS = ("flask-socketio", "virtuaalikortteli:control")  # ours, on any Redis database number
SHARED_CHANNEL_WAIT = 600.0
QUIET_CORES = 0.3               # "nobody else is busy": other processes use under this many cores
DEFAULT_QUIET_WAIT = 120.0
BARE_SERVER = ROOT / "bench" / "bare_emit_server.py"


# --- figures -----------------------------------------------------------------------------------


@dataclass
class Run:
    """One variant at one size: what the clients saw and what the server(s) spent."""

    variant: str
    size: int
    processes: int
    connected: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    subscribe_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)   # POST sent -> last client has it
    first_ms: list[float] = field(default_factory=list)       # POST sent -> first client has it
    answer_ms: list[float] = field(default_factory=list)      # POST sent -> HTTP answer back
    incomplete_posts: int = 0                                  # posts some connected client never got
    dropped: int = 0                                           # subscribed, then cut off before the end
    subscribe_cpu_s: float = 0.0                               # server CPU while the N subscribed
    subscribe_msgs: float = 0.0                                # messages each client got while all subscribed
    msgs_per_post: float = 0.0                                 # messages each client got per post
    others_before: float = 0.0                                 # cores other processes used just before
    others_cores: float = 0.0                                  # ... and during the posting phase
    rss_before_kb: int = 0
    rss_after_kb: int = 0
    cpu_ms_per_post: float = 0.0
    message_bytes: int = 0
    error: str | None = None

    @property
    def p50_ms(self) -> float | None:
        return percentile(self.latencies_ms, 50)

    @property
    def p99_ms(self) -> float | None:
        return percentile(self.latencies_ms, 99)

    @property
    def kb_per_client(self) -> float | None:
        return (self.rss_after_kb - self.rss_before_kb) / self.connected if self.connected else None

    def summary(self) -> dict[str, Any]:
        """The JSON record: the raw samples and the derived figures side by side."""
        return {**asdict(self), "p50_ms": self.p50_ms, "p99_ms": self.p99_ms, "kb_per_client": self.kb_per_client,
                "answer_p50_ms": percentile(self.answer_ms, 50), "first_p50_ms": percentile(self.first_ms, 50)}


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile: an observed value, never an interpolation between two posts."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def marker(index: int) -> str:
    """The body of post `index`; fixed width so that every message has the same size."""
    return f"fanout-{index:0{MARKER_WIDTH}d}"


def message_bytes(message: dict[str, Any]) -> int:
    """The size of the message's JSON as python-socketio puts it on the wire (compact separators)."""
    return len(json.dumps(message, separators=(",", ":")).encode())


# --- /proc ------------------------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    """VmRSS of a process in kB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def machine_busy_seconds() -> float:
    """CPU time all cores have spent on anything but idling, since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")


class OthersMeter:
    """How many cores processes other than ours kept busy meanwhile (this machine is shared: another
    engineer's test run skews every figure here, so each run reports it)."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids = pids
        self.started = (time.monotonic(), machine_busy_seconds(), self.ours())

    def ours(self) -> float:
        total = 0.0
        for pid in self.pids():
            with suppress(OSError):
                total += cpu_seconds(pid)
        return total

    def cores(self) -> float:
        wall, busy, ours = self.started
        return max(0.0, (machine_busy_seconds() - busy - (self.ours() - ours)) / (time.monotonic() - wall))


def wait_for_quiet(limit: float) -> float:
    """Wait (at most `limit` s) until other processes use under QUIET_CORES; the last 3 s reading."""
    deadline = time.monotonic() + limit
    while True:
        meter = OthersMeter(lambda: [os.getpid()])
        time.sleep(3)
        cores = meter.cores()
        if cores < QUIET_CORES or time.monotonic() > deadline:
            return cores


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process; the fields after the command name, which may itself hold spaces."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the subscriber processes ------------------------------------------------------------------


class Inbox:
    """What one worker's clients received: receipt times per post marker, when anything last came, and
    how many clients are subscribed and still connected (the number each post must reach)."""

    def __init__(self) -> None:
        self.received: dict[str, list[float]] = {}
        self.last_activity = time.time()
        self.sample: dict[str, Any] | None = None
        self.subscribed = 0
        self.dropped = 0   # subscribed, then disconnected: the server dropped it or it timed out
        self.messages = 0  # every message any client got (events, presence, heartbeats)

    @property
    def alive(self) -> int:
        return self.subscribed - self.dropped

    def on_event(self, data: Any = None) -> None:
        """Stamp the receipt first, then file it: the stamp is the figure."""
        now = time.time()
        self.last_activity = now
        self.messages += 1
        if not isinstance(data, dict) or data.get("kind") != "post.created":
            return
        body = (data.get("data") or {}).get("body")
        if isinstance(body, str) and body.startswith("fanout-"):
            self.received.setdefault(body, []).append(now)
            if self.sample is None:
                self.sample = data

    def on_other(self, *_args: Any) -> None:
        """Presence and heartbeats count as traffic for settling, nothing more."""
        self.last_activity = time.time()
        self.messages += 1


class Subscriber:
    """One Socket.IO client, and whether it is subscribed and still connected."""

    def __init__(self, http: Any, inbox: Inbox) -> None:
        import socketio

        self.inbox = inbox
        self.subscribed = False
        self.gone = asyncio.Event()
        self.client = socketio.AsyncClient(reconnection=False, http_session=http)
        self.client.on("event", inbox.on_event)
        self.client.on("*", inbox.on_other)
        self.client.on("disconnect", self.on_disconnect)

    def on_disconnect(self, *_args: Any) -> None:
        self.gone.set()
        if self.subscribed:
            self.inbox.dropped += 1

    async def open(self, url: str, slug: str) -> None:
        """Connect over WebSocket and subscribe; raises when either is refused, slow, or cut off."""
        await self.client.connect(url, transports=["websocket"], wait_timeout=CONNECT_TIMEOUT)
        call = asyncio.ensure_future(
            self.client.call("subscribe", {"workspace": slug, "since": None}, timeout=SUBSCRIBE_TIMEOUT))
        cut = asyncio.ensure_future(self.gone.wait())
        done, _ = await asyncio.wait({call, cut}, return_when=asyncio.FIRST_COMPLETED)
        cut.cancel()
        if call not in done:
            call.cancel()
            raise ConnectionError("disconnected before the subscribe ack")
        ack = call.result()
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"subscribe refused: {ack!r}"[:200])
        self.subscribed = True
        self.inbox.subscribed += 1


async def open_all(url: str, slug: str, count: int, ramp: int, http: Any, inbox: Inbox,
                   deadline: float) -> list[str]:
    """Open `count` subscribers, `ramp` at a time (a faster ramp piles our presence announcements up
    faster than the server sends them); returns one error text per client that did not make it."""
    gate = asyncio.Semaphore(ramp)

    async def one() -> None:
        async with gate:
            await Subscriber(http, inbox).open(url, slug)

    tasks = [asyncio.ensure_future(one()) for _ in range(count)]
    done, pending = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.time()))
    for task in pending:
        task.cancel()
    errors = [f"{type(e).__name__}: {e}"[:200] for e in (t.exception() for t in done) if e is not None]
    return errors + ["not subscribed before the deadline"] * len(pending)


async def settle(inbox: Inbox) -> float:
    """Wait until nothing has arrived for QUIET_SECONDS (the subscribe storm is over); bounded."""
    deadline = time.monotonic() + SETTLE_LIMIT
    while time.time() - inbox.last_activity < QUIET_SECONDS and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return time.time() - inbox.last_activity


async def collect(inbox: Inbox, tag: str) -> tuple[int, float | None, float | None, int]:
    """Wait until every live client has post `tag` (or the timeout): its count, first and last stamp,
    and how many subscribed clients have been cut off so far."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while len(inbox.received.get(tag, ())) < inbox.alive and time.monotonic() < deadline:
        await asyncio.sleep(0.002)
    stamps = inbox.received.get(tag, [])
    return len(stamps), (min(stamps) if stamps else None), (max(stamps) if stamps else None), inbox.dropped


async def serve_coordinator(conn: Connection, inbox: Inbox) -> None:
    """Answer the coordinator's orders until it says stop (or goes away)."""
    while True:
        try:
            order = await asyncio.to_thread(conn.recv)
        except (EOFError, OSError):
            return
        if order[0] == "settle":
            conn.send(("settled", await settle(inbox)))
        elif order[0] == "collect":
            conn.send(("collected", *await collect(inbox, order[1])))
        elif order[0] == "count":
            conn.send(("counted", inbox.messages, inbox.alive))
        elif order[0] == "sample":
            conn.send(("sample", inbox.sample))
        else:
            os._exit(0)  # see worker(): no orderly goodbye from hundreds of sockets


async def orphan_watch(parent: int) -> None:
    """End this process when the coordinator is gone (killed, say), instead of holding sockets open."""
    while os.getppid() == parent:
        await asyncio.sleep(1.0)
    os._exit(1)


async def worker_main(conn: Connection, url: str, slug: str, count: int, ramp: int, deadline: float) -> None:
    """Open the clients, report how many made it, then serve the coordinator."""
    import aiohttp

    watch = asyncio.ensure_future(orphan_watch(os.getppid()))
    inbox = Inbox()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        began = time.time()  # after this process's imports: the subscribe time is the server's, not ours
        errors = await open_all(url, slug, count, ramp, http, inbox, deadline)
        conn.send(("ready", inbox.alive, errors[:3], count - inbox.alive, began, time.time()))
        await serve_coordinator(conn, inbox)
    watch.cancel()


def worker(conn: Connection, url: str, slug: str, count: int, ramp: int, deadline: float) -> None:
    """A subscriber process. It leaves with os._exit: closing hundreds of sockets one by one would make
    our server announce every departure to the room, work nobody here measures."""
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)  # drops are counted, not logged
    with suppress(BaseException):
        asyncio.run(asyncio.wait_for(worker_main(conn, url, slug, count, ramp, deadline), WORKER_LIFETIME))
    os._exit(0)


# --- the servers -------------------------------------------------------------------------------------


@dataclass
class Deployment:
    """Server process(es) ready for subscribers: where they connect, what to watch, how to post."""

    variant: str
    sub_urls: list[str]
    pids: list[int]
    slug: str
    post: Callable[[int], None]   # sends post `index`, returns when the HTTP answer is back


def our_env(redis_url: str | None) -> dict[str, str]:
    """Production settings as a load test wants them: no rate limits, connections beyond 1,024."""
    env = {"RATELIMIT_ENABLED": "0", "MAX_CONNECTIONS": str(MAX_CONNECTIONS)}
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@contextmanager
def our_servers(workdir: Path, processes: int, redis_url: str | None) -> Iterator[Deployment]:
    """`python wsgi.py` x processes on one fresh SQLite database; a poster with a public workspace."""
    env = our_env(redis_url)
    servers = [LiveServer(workdir, database_name="fanout", env=env).start()]
    try:
        servers += [LiveServer(workdir, database_url=servers[0].database_url, env=env).start()
                    for _ in range(processes - 1)]
        poster = Person(servers[0].url, "Mittaaja")
        slug = poster.create_workspace("Fanout-mittaus", visibility="public")
        thread_id = int(poster.start_thread(slug, "Fanout")["id"])

        def post(index: int) -> None:
            response = poster.http.post(f"{servers[0].url}/api/v1/threads/{thread_id}/posts",
                                        json={"body": marker(index)}, timeout=DELIVERY_TIMEOUT)
            if response.status_code != 201:
                raise RuntimeError(f"POST answered {response.status_code}: {response.text[:200]}")

        yield Deployment("ours", [s.url for s in servers], [s.process.pid for s in servers if s.process],
                         slug, post)
    finally:
        for server in servers:
            server.stop()


def start_bare_server(workdir: Path, redis_url: str | None) -> tuple[subprocess.Popen[bytes], str]:
    """bench/bare_emit_server.py on a free port, once it answers GET /."""
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "MAX_CONNECTIONS": str(MAX_CONNECTIONS)}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    with open(workdir / f"bare-{port}.log", "ab") as log:
        process = subprocess.Popen([sys.executable, str(BARE_SERVER)], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        with suppress(urllib.error.URLError, OSError), urllib.request.urlopen(url + "/", timeout=2) as answer:
            if answer.status == 200:
                return process, url
        time.sleep(0.1)
    stop_process(process)
    raise RuntimeError(f"the bare server did not start; see {workdir}/bare-{port}.log")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def bare_message(template: dict[str, Any], index: int) -> bytes:
    """The template message with its post marker swapped for this post's (same length, same bytes)."""
    text = json.dumps(template, separators=(",", ":"))
    old = template["data"]["body"]
    return text.replace(old, marker(index)).encode()


@contextmanager
def bare_servers(workdir: Path, processes: int, redis_url: str | None,
                 template: dict[str, Any]) -> Iterator[Deployment]:
    """The baseline server(s); POST /emit on the first one fans the template message out."""
    started: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for _ in range(processes):
            started.append(start_bare_server(workdir, redis_url))
        http = requests.Session()
        first_url = started[0][1]

        def post(index: int) -> None:
            response = http.post(f"{first_url}/emit", data=bare_message(template, index),
                                 headers={"Content-Type": "application/json"}, timeout=DELIVERY_TIMEOUT)
            if response.status_code != 204:
                raise RuntimeError(f"/emit answered {response.status_code}")

        yield Deployment("bare", [url for _, url in started], [p.pid for p, _ in started], "room", post)
    finally:
        for process, _ in started:
            stop_process(process)


def synthetic_template(size: int = FALLBACK_MESSAGE_BYTES) -> dict[str, Any]:
    """A post.created-shaped message of about `size` bytes, for when ours delivered nothing to copy."""
    message: dict[str, Any] = {"workspace": "room", "seq": 1, "kind": "post.created",
                               "data": {"body": marker(0), "html": ""}, "at": None}
    message["data"]["html"] = "x" * max(0, size - message_bytes(message))
    return message


# --- measuring -------------------------------------------------------------------------------------


@dataclass
class Workers:
    """The subscriber processes and the coordinator's end of their pipes."""

    processes: list[multiprocessing.process.BaseProcess]
    pipes: list[Connection]

    def ask(self, order: tuple[Any, ...], timeout: float) -> list[tuple[Any, ...]]:
        """Send one order to every worker and gather their answers (each bounded by `timeout`)."""
        for pipe in self.pipes:
            pipe.send(order)
        return [receive(pipe, timeout) for pipe in self.pipes]

    def stop(self) -> None:
        """Tell them to go, then make sure they went."""
        for pipe in self.pipes:
            with suppress(OSError):
                pipe.send(("stop",))
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)


def receive(pipe: Connection, timeout: float) -> tuple[Any, ...]:
    """One answer from a worker, or an error if it is silent for `timeout` seconds."""
    if not pipe.poll(timeout):
        raise TimeoutError(f"a subscriber process did not answer within {timeout:.0f} s")
    answer: tuple[Any, ...] = pipe.recv()
    return answer


@dataclass(frozen=True)
class Settings:
    """How each run is driven (from the command line)."""

    posts: int
    workers: int
    ramp: int
    profile: Path | None
    quiet_wait: float


def spawn_workers(deployment: Deployment, size: int, settings: Settings, deadline: float) -> Workers:
    """Processes holding `size` clients between them, round-robin over the server processes."""
    count = min(settings.workers, size)
    context = multiprocessing.get_context("spawn")  # no inherited sockets or locks from this process
    shares = [size // count + (1 if i < size % count else 0) for i in range(count)]
    processes: list[multiprocessing.process.BaseProcess] = []
    pipes: list[Connection] = []
    for index, share in enumerate(s for s in shares if s):
        ours, theirs = context.Pipe()
        url = deployment.sub_urls[index % len(deployment.sub_urls)]
        process = context.Process(target=worker, daemon=True,
                                  args=(theirs, url, deployment.slug, share, settings.ramp, deadline))
        process.start()
        theirs.close()
        processes.append(process)
        pipes.append(ours)
    return Workers(processes, pipes)


def subscribe_all(run: Run, workers: Workers, deadline: float) -> None:
    """Wait for every worker's clients to connect and subscribe; record successes and failures."""
    spans: list[tuple[float, float]] = []
    for pipe in workers.pipes:
        _, connected, errors, failed, began, ended = receive(pipe, max(1.0, deadline - time.time()) + 30)
        run.connected += connected
        run.failed += failed
        run.errors += errors
        spans.append((began, ended))
    run.subscribe_s = max(e for _, e in spans) - min(b for b, _ in spans)


def deliver(deployment: Deployment, workers: Workers, index: int) -> tuple[float, float, list[tuple[Any, ...]]]:
    """Send post `index` and wait until every client has it: (sent, answered, the workers' reports)."""
    sent = time.time()
    deployment.post(index)
    answered = time.time()
    return sent, answered, workers.ask(("collect", marker(index)), DELIVERY_TIMEOUT + 10)


def messages_per_client(workers: Workers) -> tuple[int, int]:
    """(messages all clients got so far, clients alive): ours sends more than the one event per post?"""
    answers = workers.ask(("count",), 10)
    return sum(a[1] for a in answers), sum(a[2] for a in answers)


def warm_up(deployment: Deployment, workers: Workers) -> None:
    """Posts that are delivered like the others but not counted: they pay first-use costs (lazy imports,
    caches, the first query plans) that are not fan-out."""
    for index in range(1, WARMUP_POSTS + 1):
        deliver(deployment, workers, index)


def post_all(run: Run, deployment: Deployment, workers: Workers, posts: int) -> None:
    """Post one at a time; each waits until every connected client has the previous one."""
    for index in range(WARMUP_POSTS + 1, WARMUP_POSTS + posts + 1):
        sent, answered, answers = deliver(deployment, workers, index)
        run.answer_ms.append((answered - sent) * 1000)
        got = sum(a[1] for a in answers)
        firsts = [a[2] for a in answers if a[2] is not None]
        lasts = [a[3] for a in answers if a[3] is not None]
        run.dropped = sum(a[4] for a in answers)
        if got < run.connected - run.dropped:
            run.incomplete_posts += 1
        if lasts:
            run.latencies_ms.append((max(lasts) - sent) * 1000)
            run.first_ms.append((min(firsts) - sent) * 1000)


def server_cpu(deployment: Deployment) -> float:
    return sum(cpu_seconds(pid) for pid in deployment.pids)


def measure(deployment: Deployment, size: int, settings: Settings) -> tuple[Run, dict[str, Any] | None]:
    """One variant at one size; returns the figures and a post.created message as a client got it."""
    run = Run(deployment.variant, size, len(deployment.pids))
    run.rss_before_kb = sum(rss_kb(pid) for pid in deployment.pids)
    cpu_start = server_cpu(deployment)
    deadline = time.time() + SUBSCRIBE_PHASE[0] + SUBSCRIBE_PHASE[1] * size
    workers = spawn_workers(deployment, size, settings, deadline)
    try:
        subscribe_all(run, workers, deadline)
        workers.ask(("settle",), SETTLE_LIMIT + 10)
        got, alive = messages_per_client(workers)
        run.subscribe_msgs = got / alive if alive else 0.0
        run.subscribe_cpu_s = server_cpu(deployment) - cpu_start
        run.rss_after_kb = sum(rss_kb(pid) for pid in deployment.pids)
        warm_up(deployment, workers)
        before, _ = messages_per_client(workers)
        cpu_before = server_cpu(deployment)
        others = OthersMeter(lambda: [os.getpid(), *deployment.pids, *(p.pid for p in workers.processes if p.pid)])
        with py_spy(settings.profile, deployment, size):
            post_all(run, deployment, workers, settings.posts)
        run.cpu_ms_per_post = (server_cpu(deployment) - cpu_before) * 1000 / settings.posts
        run.others_cores = others.cores()
        workers.ask(("settle",), SETTLE_LIMIT + 10)  # the last post's trailing messages, if any, count too
        after, alive = messages_per_client(workers)
        run.msgs_per_post = (after - before) / (alive * settings.posts) if alive else 0.0
        samples = [a[1] for a in workers.ask(("sample",), 10) if a[1]]
    finally:
        workers.stop()
    sample = samples[0] if samples else None
    run.message_bytes = message_bytes(sample) if sample else 0
    return run, sample


def py_spy_command() -> str:
    """py-spy from this virtualenv (pip install py-spy), else from PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else (shutil.which("py-spy") or "py-spy")


@contextmanager
def py_spy(directory: Path | None, deployment: Deployment, size: int) -> Iterator[None]:
    """With --py-spy DIR: sample the posting server during the posting phase (collapsed stacks, text)."""
    if directory is None:
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"{deployment.variant}-{len(deployment.pids)}p-{size}.txt"
    spy = subprocess.Popen([py_spy_command(), "record", "--pid", str(deployment.pids[0]), "--format", "raw",
                            "--rate", "250", "--nonblocking", "-o", str(out)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # let it attach before the first post
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        try:
            spy.wait(timeout=30)
        except subprocess.TimeoutExpired:
            spy.kill()


def run_variant(build: Callable[[], Any], label: str, size: int,
                settings: Settings) -> tuple[Run, dict[str, Any] | None]:
    """Start the deployment, measure it, and turn any failure into a row that says what went wrong."""
    others_before = wait_for_quiet(settings.quiet_wait)
    print(f"  {label:<11} N={size:<5}", end=" ", flush=True)
    started = time.monotonic()
    try:
        with build() as deployment:
            deployment.variant = label
            run, sample = measure(deployment, size, settings)
    except Exception as error:
        run, sample = Run(label, size, 0, error=f"{type(error).__name__}: {error}"[:300]), None
    run.others_before = others_before
    print(progress_line(run, time.monotonic() - started), flush=True)
    return run, sample


def progress_line(run: Run, seconds: float) -> str:
    """One line per run while the benchmark goes on, so a slow size shows where it stands."""
    if run.error:
        return f"FAILED: {run.error}"
    return (f"connected {run.connected}/{run.size} in {run.subscribe_s:.1f} s, "
            f"p50 {fmt(run.p50_ms)} ms, p99 {fmt(run.p99_ms)} ms, "
            f"{fmt(run.kb_per_client)} kB/client, {run.cpu_ms_per_post:.0f} ms CPU/post; others used "
            f"{run.others_before:.1f}/{run.others_cores:.1f} cores ({seconds:.0f} s)")


# --- the report -------------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def ratio(ours: Run, bare: Run, attr: str) -> float | None:
    a, b = getattr(ours, attr), getattr(bare, attr)
    return a / b if a is not None and b else None


def report(pairs: list[tuple[Run, Run]]) -> list[str]:
    """The compact table: ours against bare per size and deployment."""
    head = (f"{'variant':<12}{'N':>6}{'conn':>11}{'ours p50':>10}{'p99':>8}{'bare p50':>10}{'p99':>8}"
            f"{'x p50':>7}{'x p99':>7}{'kB/cl ours':>12}{'bare':>7}{'CPU ms/post':>13}{'bare':>7}{'msg B':>7}")
    lines = [head, "-" * len(head)]
    for ours, bare in pairs:
        conn = f"{ours.connected}/{bare.connected}"
        lines.append(
            f"{ours.variant:<12}{ours.size:>6}{conn:>11}{fmt(ours.p50_ms):>10}{fmt(ours.p99_ms):>8}"
            f"{fmt(bare.p50_ms):>10}{fmt(bare.p99_ms):>8}{fmt(ratio(ours, bare, 'p50_ms'), 2):>7}"
            f"{fmt(ratio(ours, bare, 'p99_ms'), 2):>7}{fmt(ours.kb_per_client):>12}{fmt(bare.kb_per_client):>7}"
            f"{ours.cpu_ms_per_post:>13.1f}{bare.cpu_ms_per_post:>7.1f}{ours.message_bytes:>7}")
    lines += details(pairs)
    lines += notes(pairs)
    return lines


def details(pairs: list[tuple[Run, Run]]) -> list[str]:
    """Where the time goes, per run: the HTTP answer (the write path, and the emit loop that runs before
    the answer) against the first and last receipt; the messages each client gets per post (each costs
    the server a send per recipient, whatever its size); the subscribe phase (wall time, server CPU, the
    messages each client got meanwhile); and the cores other processes kept busy before / during posting."""
    head = (f"{'run':<12}{'N':>6}{'answer':>8}{'first':>8}{'last':>8}{'msg/post':>10}{'subscribe s':>13}"
            f"{'CPU s':>7}{'msg/cl':>8}{'RSS MB':>8}{'dropped':>9}{'others':>9}")
    lines = ["", head, "-" * len(head)]
    for run in (r for pair in pairs for r in pair):
        others = f"{run.others_before:.1f}/{run.others_cores:.1f}"
        lines.append(f"{run.variant:<12}{run.size:>6}{fmt(percentile(run.answer_ms, 50)):>8}"
                     f"{fmt(percentile(run.first_ms, 50)):>8}{fmt(run.p50_ms):>8}{run.msgs_per_post:>10.2f}"
                     f"{run.subscribe_s:>13.1f}{run.subscribe_cpu_s:>7.1f}{run.subscribe_msgs:>8.0f}"
                     f"{run.rss_after_kb / 1024:>8.0f}{run.dropped:>9}{others:>9}")
    return lines


def notes(pairs: list[tuple[Run, Run]]) -> list[str]:
    """What the table cannot say in a number: failures, lost messages, the verdict against the target."""
    out = ["", "times in ms from just before the POST to the last client's receipt (p50 over the posts); "
           "x = ours/bare;", "answer/first/last = p50 ms until the HTTP answer / the first / the last receipt;",
           "conn = clients subscribed, ours/bare; kB/cl = server RSS growth per subscribed client;",
           "others = cores used by other processes on this machine just before / during the posting phase"]
    for run in (r for pair in pairs for r in pair):
        if run.error:
            out.append(f"! {run.variant} N={run.size}: not measured: {run.error}")
        if run.failed:
            out.append(f"! {run.variant} N={run.size}: {run.failed} clients failed, e.g. {run.errors[:1]}")
        if run.dropped:
            out.append(f"! {run.variant} N={run.size}: {run.dropped} subscribed clients were cut off later")
        if run.incomplete_posts:
            out.append(f"! {run.variant} N={run.size}: {run.incomplete_posts} posts missed some client")
    for ours, bare in pairs:
        x = ratio(ours, bare, "p50_ms")
        if ours.size == 1000 and x is not None:
            verdict = "meets" if x <= TARGET_RATIO else "MISSES"
            out.append(f"{ours.variant} N=1000: ours/bare p50 = {x:.2f} {verdict} the target <= {TARGET_RATIO}")
    return out


# --- the command ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="subscriber counts, comma-separated (default %(default)s)")
    parser.add_argument("--posts", type=int, default=DEFAULT_POSTS, help="posts per run (default %(default)s)")
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}, {QUICK_POSTS} posts")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                        help="subscriber processes (default %(default)s)")
    parser.add_argument("--ramp", type=int, default=DEFAULT_RAMP,
                        help="clients each subscriber process opens at a time (default %(default)s)")
    parser.add_argument("--quiet-wait", type=float, default=DEFAULT_QUIET_WAIT, metavar="SECONDS",
                        help=f"before each run, wait up to this long for other processes to use under "
                             f"{QUIET_CORES} cores (default %(default)s)")
    parser.add_argument("--redis", metavar="URL",
                        help="also run two processes joined by this Redis (its database is FLUSHed)")
    parser.add_argument("--no-single", action="store_true", help="with --redis: skip the one-process runs")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every figure and sample here")
    parser.add_argument("--py-spy", type=Path, metavar="DIR",
                        help="record the posting server with py-spy (raw collapsed stacks) into DIR")
    args = parser.parse_args(argv)
    args.sizes = list(QUICK_SIZES) if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    args.posts = QUICK_POSTS if args.quick else args.posts
    return args


def flush_redis(url: str) -> None:
    """A clean presence store for each multi-process run (the queue itself is pub/sub: nothing stored)."""
    import redis

    redis.Redis.from_url(url, socket_timeout=5).flushdb()


def wait_for_shared_channels(url: str) -> str | None:
    """Redis pub/sub ignores the database number, and ours publishes on Flask-SocketIO's default channel
    with room names like `workspace:1`: while another deployment (a test run, say) listens on this Redis
    server, our posts would reach its clients and its events ours. Wait (bounded) until nobody else
    listens; returns why the runs must be skipped, or None."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    deadline = time.monotonic() + SHARED_CHANNEL_WAIT
    while True:
        busy = {name.decode() if isinstance(name, bytes) else name: n
                for name, n in client.pubsub_numsub(*SHARED_CHANNELS) if n}
        if not busy:
            return None
        if time.monotonic() > deadline:
            return f"other processes listen on this Redis server's channels {busy}; skipped so as not to mix in"
        time.sleep(5)


def deployments(args: argparse.Namespace) -> list[tuple[str, int, str | None]]:
    """(label, processes, redis url) for each deployment this invocation measures."""
    out: list[tuple[str, int, str | None]] = [] if (args.redis and args.no_single) else [("", 1, None)]
    if args.redis:
        out.append(("+redis", 2, args.redis))
    return out


def measure_pair(workdir: Path, label: str, processes: int, redis_url: str | None, size: int,
                 settings: Settings, template: dict[str, Any] | None) -> tuple[Run, Run, dict[str, Any]]:
    """Ours, then bare fed with a copy of a message ours sent (so both move the same bytes)."""
    if redis_url:
        skip = wait_for_shared_channels(redis_url)
        if skip:
            print(f"  {label} N={size}: {skip}", flush=True)
            return (Run(f"ours{label}", size, 0, error=skip), Run(f"bare{label}", size, 0, error=skip),
                    template or synthetic_template())
        flush_redis(redis_url)
    ours, sample = run_variant(lambda: our_servers(workdir / f"ours{label}-{size}", processes, redis_url),
                               f"ours{label}", size, settings)
    template = sample or template or synthetic_template()
    if redis_url:
        flush_redis(redis_url)
    bare, _ = run_variant(lambda: bare_servers(workdir, processes, redis_url, template),
                          f"bare{label}", size, settings)
    bare.message_bytes = message_bytes(json.loads(bare_message(template, 1)))
    return ours, bare, template


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    settings = Settings(args.posts, args.workers, args.ramp, args.py_spy, args.quiet_wait)
    print(f"fan-out: sizes {args.sizes}, {args.posts} posts (+{WARMUP_POSTS} warm-up), {args.workers} subscriber "
          f"processes opening {args.ramp} clients at a time each, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    pairs: list[tuple[Run, Run]] = []
    template: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="vk-fanout-") as tmp:
        for label, processes, redis_url in deployments(args):
            for size in args.sizes:
                ours, bare, template = measure_pair(Path(tmp), label, processes, redis_url, size, settings,
                                                     template)
                pairs.append((ours, bare))
    print()
    print("\n".join(report(pairs)))
    if args.json:
        args.json.write_text(json.dumps({"sizes": args.sizes, "posts": args.posts, "workers": args.workers,
                                         "runs": [r.summary() for pair in pairs for r in pair]}, indent=2) + "\n")
    return 1 if any(r.error for pair in pairs for r in pair) else 0


if __name__ == "__main__":
    sys.exit(main())
