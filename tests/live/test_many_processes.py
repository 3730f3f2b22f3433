"""Two server processes on one database, joined by Redis: what one process publishes, the other delivers.

ARCHITECTURE.md, "Live updates": Redis pub/sub is a fast but lossy fan-out between processes, and the
database is the durable log; a client that reconnects to another process, or that was cut off while Redis
was away, gets what it missed by catch-up, each event exactly once.

The shared Redis is the real one on 127.0.0.1:6379 (database REDIS_DB, flushed first); the Redis-restart
tests run a `redis-server` of their own on a free port. Locally a missing Redis skips these tests; in CI
(CI=true) it fails them, since nothing may be skipped there.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.live.helpers import Follower, Listener, Person
from tests.server import LiveServer, free_port

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 13
QUIET = 1.0  # seconds to wait for something that must not arrive


def workspace_presence(listener: Listener) -> list[dict[str, Any]]:
    with listener.lock:
        return [data for event, data in listener.messages if event == "presence" and data["scope"] == "workspace"]


def has_post(listener: Listener, post: dict[str, Any]) -> bool:
    return any(e["data"]["id"] == post["id"] for e in listener.events("post.created"))


@pytest.fixture(scope="module")
def redis_url() -> str:
    """The real Redis, one database of it emptied for these tests."""
    try:
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=2)
        client.ping()
        client.flushdb()
    except redis.RedisError as error:
        pytest.skip(f"no Redis on {REDIS_HOST}:{REDIS_PORT}: {error}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two `python wsgi.py` processes behind an imagined proxy: one database, one Redis."""
    tmp = tmp_path_factory.mktemp("many-processes")
    env = {"REDIS_URL": redis_url}
    with LiveServer(tmp, database_name="many_processes", env=env) as first, \
            LiveServer(tmp, database_url=first.database_url, env=env) as second:
        yield first, second


def test_post_through_one_process_reaches_a_subscriber_on_the_other(pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = pair
    owner, poster = Person(a.url, "Olli Omistaja"), Person(b.url, "Paula Postaaja")
    viewer = Person(b.url, "Ville Katsoja")
    slug = owner.create_workspace("Kaksi prosessia")
    poster.join(slug)
    watcher = Listener(a.url, owner.token).connect()
    other = Listener(b.url, viewer.token).connect()
    try:
        assert watcher.subscribe(slug)["presence"]["count"] == 1
        # Presence counts the viewer on the other process, both in B's ack and in A's `presence` message.
        ack = other.subscribe(slug)
        assert ack["presence"]["count"] == 2
        assert {u["display_name"] for u in ack["presence"]["users"]} == {"Olli Omistaja", "Ville Katsoja"}
        assert watcher.wait_for(lambda: any(p["count"] == 2 for p in workspace_presence(watcher)), timeout=5), \
            workspace_presence(watcher)
        seen = next(p for p in workspace_presence(watcher) if p["count"] == 2)
        assert [u["display_name"] for u in seen["users"]] == ["Olli Omistaja", "Ville Katsoja"]

        thread = poster.start_thread(slug, "Prosessien välillä", "Tuleeko perille?")
        reply = poster.post(thread["id"], "Tulee B:n kautta.")
        assert watcher.wait_for(lambda: len(watcher.events()) == 3, timeout=5), watcher.events()
        assert [e["kind"] for e in watcher.events()] == ["thread.created", "post.created", "post.created"]
        assert watcher.events()[2]["data"]["id"] == reply["id"]
        # Once each: a copy would have come before the next post through B, which Redis carries in order.
        marker = poster.post(thread["id"], "Merkki B:n kautta.")
        assert watcher.wait_for(lambda: has_post(watcher, marker), timeout=5)
        assert len(watcher.events()) == 4, watcher.events()

        # The viewer on B leaves: A hears the count drop.
        other.close()
        assert watcher.wait_for(lambda: workspace_presence(watcher)[-1]["count"] == 1, timeout=5), \
            workspace_presence(watcher)
    finally:
        watcher.close()
        other.close()


def test_catch_up_on_the_other_process_returns_the_missed_events_once(pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = pair
    owner, member = Person(a.url, "Olli"), Person(b.url, "Minna")
    slug = owner.create_workspace("Vaihtava yhteys")
    member.join(slug)
    thread = owner.start_thread(slug)
    follower = Follower(member.token, slug)
    try:
        follower.connect(a.url)
        before = follower.listener
        assert before is not None
        owner.post(thread["id"], "Ennen katkoa")
        assert before.wait_for(lambda: len(before.events()) == 1, timeout=5)
        last = follower.last
        assert last is not None and follower.base is not None
        follower.close()

        writers = {a.url: Person(a.url, "Aino A"), b.url: Person(b.url, "Bertta B")}
        for writer in writers.values():
            writer.join(slug)
        missed = [owner.post(thread["id"], "Katkon aikana 1")["id"]]
        missed += [w.post(thread["id"], f"Katkon aikana {w.name}")["id"] for w in writers.values()]
        after_joins = last + 2  # two member.joined events precede the posts

        ack = follower.connect(b.url)  # the other process
        after = follower.listener
        assert after is not None and after is not before
        assert ack["reset"] is False
        assert [e["kind"] for e in ack["events"]] == ["member.joined"] * 2 + ["post.created"] * 3
        assert [e["seq"] for e in ack["events"]] == list(range(last + 1, after_joins + 4))
        assert [e["data"]["id"] for e in ack["events"] if e["kind"] == "post.created"] == missed
        assert ack["seq"] == after_joins + 3

        # Live delivery goes on from there, on B; and nothing replayed comes again (it would come before this).
        next_post = owner.post(thread["id"], "Katkon jälkeen")
        assert after.wait_for(lambda: has_post(after, next_post), timeout=5)
        assert [e["seq"] for e in after.events()] == [after_joins + 4], after.events()
        assert [e["seq"] for e in follower.events()] == list(range(follower.base + 1, after_joins + 5))
        assert follower.live_duplicates() == []
    finally:
        follower.close()


def test_revoking_a_token_on_one_process_closes_its_socket_on_the_other(pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = pair
    person = Person(a.url, "Toni Token")
    slug = person.create_workspace("Tokenit kahdessa prosessissa")
    listener = Listener(a.url, person.token).connect()
    try:
        assert listener.subscribe(slug)["ok"] is True
        person.base_url = b.url
        person.api("DELETE", "/auth/tokens/current", expect=204)  # through B
        assert listener.disconnected.wait(1.0), "the socket on A stayed open after its token was revoked on B"
    finally:
        listener.close()


def test_two_networks_on_one_redis_server_stay_apart(tmp_path: Path, redis_url: str) -> None:
    """Two separate deployments (own databases) on one Redis server, each with its own REDIS_CHANNEL."""
    other_db = REDIS_DB - 1
    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=other_db, socket_timeout=2).flushdb()
    other_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{other_db}"
    with LiveServer(tmp_path, database_name="network_one",
                    env={"REDIS_URL": redis_url, "REDIS_CHANNEL": "network-one"}) as one, \
            LiveServer(tmp_path, database_name="network_two",
                       env={"REDIS_URL": other_url, "REDIS_CHANNEL": "network-two"}) as two:
        here, there = Person(one.url, "Olli Yksi"), Person(two.url, "Tiina Kaksi")  # both user 1, token 1
        mine = here.create_workspace("Ensimmäinen verkosto")  # both workspace 1
        theirs = there.create_workspace("Toinen verkosto")
        listener = Listener(one.url, here.token).connect()
        try:
            assert listener.subscribe(mine)["ok"] is True
            there.start_thread(theirs, "Ei kuulu teille", "Toisen verkoston asia")
            # Had the networks shared a channel, Redis would carry the other's event to this socket before
            # this network's own next one.
            here.start_thread(mine, "Oma asia", "Tämän verkoston asia")
            assert listener.wait_for(lambda: any(e["kind"] == "thread.created" for e in listener.events()), timeout=5)
            assert all(e["workspace"] == mine for e in listener.events()), listener.events()
            # An order to close sockets goes by the control channel, which gives no such marker: a quiet second.
            there.api("DELETE", "/auth/tokens/current", expect=204)
            assert not listener.disconnected.wait(QUIET), "revoking token 1 of the other network closed this socket"
        finally:
            listener.close()


WRITERS, POSTS_EACH = 20, 50


class Writers:
    """WRITERS people, each posting POSTS_EACH replies from a thread of its own, all starting at once."""

    def __init__(self, people: list[Person], thread_id: int) -> None:
        self.thread_id = thread_id
        self.created: list[int] = []
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.go = threading.Barrier(len(people))
        self.threads = [threading.Thread(target=self._write, args=(p,), daemon=True) for p in people]

    def _write(self, writer: Person) -> None:
        try:
            self.go.wait(timeout=30)
            for n in range(POSTS_EACH):
                response = writer.http.post(f"{writer.base_url}/api/v1/threads/{self.thread_id}/posts",
                                            json={"body": f"{writer.name}: viesti {n}"}, timeout=60)
                with self.lock:
                    if response.status_code == 201:
                        self.created.append(response.json()["id"])
                    else:
                        self.failures.append(f"{writer.name} #{n}: {response.status_code} {response.text[:200]}")
        except Exception as error:  # reported by the test, never lost in a thread
            with self.lock:
                self.failures.append(f"{writer.name}: {error!r}")

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def wait_until(self, count: int, deadline: float) -> None:
        while len(self.created) < count and not self.failures and time.monotonic() < deadline:
            time.sleep(0.01)

    def join(self, deadline: float) -> None:
        for thread in self.threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self.threads), "the writers did not finish in time"
        assert self.failures == []


def assert_whole_stream(name: str, follower: Follower, base: int, final: int, created: list[int]) -> None:
    """Every event from base+1 to final once, the posts exactly the ones created, in their thread's order."""
    events = follower.events()
    seqs = [e["seq"] for e in events]
    missing = sorted(set(range(base + 1, final + 1)) - set(seqs))
    assert seqs == list(range(base + 1, final + 1)), f"{name}: {len(missing)} missing, from {missing[:20]}"
    posts = [e["data"] for e in events if e["kind"] == "post.created"]
    assert sorted(p["id"] for p in posts) == sorted(created), name
    # One thread, numbered under its row lock: in seq order the replies are numbered 2, 3, ... 1001.
    assert [p["number"] for p in posts] == list(range(2, len(created) + 2)), name
    counts = [p["thread"]["post_count"] for p in posts]
    assert counts == list(range(2, len(created) + 2)), name
    assert follower.live_duplicates() == [], name


def test_twenty_clients_posting_at_once_reach_every_subscriber_exactly_once(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    """20 clients post 50 replies each at the same time, through both processes; three subscribers
    (one on each process, one that moves from A to B half-way) each end with all 1,000, once, no gaps."""
    a, b = pair
    started = time.monotonic()
    servers = [a, b]
    with ThreadPoolExecutor(max_workers=8) as pool:  # the first is the owner; registering costs an argon2 hash
        people = list(pool.map(lambda i: Person(servers[i % 2].url, f"Kirjoittaja {i}"), range(WRITERS)))
        slug = people[0].create_workspace("Ruuhka")
        thread = people[0].start_thread(slug, "Kaikki kerralla", "Kirjoittakaa!")
        list(pool.map(lambda w: w.join(slug), people[1:]))
    prepared = time.monotonic()
    writers = Writers(people, thread["id"])
    total = WRITERS * POSTS_EACH
    # Three subscribers: sockets of their own, signed in as three of the writers.
    on_a, on_b, mover = (Follower(p.token, slug) for p in people[1:4])
    try:
        on_a.connect(a.url)
        on_b.connect(b.url)
        mover.connect(a.url)
        base = on_a.base
        assert base is not None and on_b.base == base and mover.base == base
        deadline = time.monotonic() + 120
        writers.start()
        writers.wait_until(total // 2, deadline)
        mover.close()  # half-way: away for a moment, then back on the other process
        time.sleep(0.3)
        mover_ack = mover.connect(b.url)
        writers.join(deadline)
        posted = time.monotonic()

        assert len(writers.created) == len(set(writers.created)) == total
        assert on_a.listener is not None
        final = on_a.listener.call("sync", {})["seqs"][slug]
        assert final == base + total  # one post.created for each reply
        for name, follower in {"on A": on_a, "on B": on_b, "moved A to B": mover}.items():
            assert follower.listener is not None
            follower.listener.wait_for(lambda f=follower: f.last == final, timeout=30)
            assert_whole_stream(name, follower, base, final, writers.created)
        print(f"\n[20x50] setup {prepared - started:.1f} s, posting {posted - prepared:.1f} s "
              f"({total / (posted - prepared):.0f} posts/s), all delivered {time.monotonic() - posted:.1f} s later; "
              f"the mover's catch-up replayed {len(mover_ack['events'])} events")
    finally:
        for follower in (on_a, on_b, mover):
            follower.close()


# --- Redis stopped and started again ------------------------------------------------------------------


class RedisServer:
    """A `redis-server` of our own, on a free port, that a test may kill and start again."""

    def __init__(self, tmp: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.binary = str(binary)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = tmp / f"redis-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start it and wait until it answers; the time it first answered (time.monotonic())."""
        assert self.process is None or self.process.poll() is not None
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=log, stderr=subprocess.STDOUT,
            )
        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return time.monotonic()
            except redis.RedisError:
                time.sleep(0.02)
        raise RuntimeError(f"redis-server did not answer on port {self.port}:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture(scope="module")
def restart_pair(tmp_path_factory: pytest.TempPathFactory,
                 own_redis: RedisServer) -> Iterator[tuple[LiveServer, LiveServer]]:
    tmp = tmp_path_factory.mktemp("redis-restart")
    env = {"REDIS_URL": own_redis.url, "HEARTBEAT_SECONDS": "1"}
    with LiveServer(tmp, database_name="redis_restart", env=env) as first, \
            LiveServer(tmp, database_url=first.database_url, env=env) as second:
        yield first, second


class Repairer:
    """What the browser client does in the background: on a gap (a later event's seq, or a heartbeat
    beyond the last seq seen) subscribe again with `since`; a failed attempt is retried."""

    def __init__(self, follower: Follower) -> None:
        self.follower = follower
        self.attempts: list[tuple[float, bool]] = []  # (when, ok)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(0.1):
            try:
                ack = self.follower.repair()
            except Exception:  # a timed-out call is retried like a refused one
                ack = {"ok": False}
            if ack is not None:
                self.attempts.append((time.monotonic(), bool(ack.get("ok"))))

    def __enter__(self) -> Repairer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=15)


DOWNTIME = 3.0  # seconds Redis stays away, at least


def typing_from(listener: Listener, user_id: int) -> int:
    """How many `typing` messages of this user the socket has had."""
    with listener.lock:
        return sum(1 for event, data in listener.messages if event == "typing" and data["user"]["id"] == user_id)


def wait_until_redis_carries(sender: Listener, receiver: Listener, sender_id: int, thread_id: int,
                             since: float, limit: float = 70.0) -> float | None:
    """Seconds after `since` until a `typing` message from the sender (on one process) reaches the receiver (on
    the other), which only Redis can carry there; None if not within `limit` (python-socketio backs off its
    Redis subscription up to 60 s)."""
    while time.monotonic() - since < limit:
        mark = typing_from(receiver, sender_id)
        sender.call("typing", {"thread": thread_id})
        if receiver.wait_for(lambda m=mark: typing_from(receiver, sender_id) > m, timeout=0.1):
            return time.monotonic() - since
    return None


def test_events_sent_while_redis_was_down_arrive_by_catch_up(
    own_redis: RedisServer, restart_pair: tuple[LiveServer, LiveServer],
) -> None:
    """Redis killed; 10 posts through B all succeed; Redis back; 5 more. The subscriber on A ends with every
    event, the 20 published while Redis was away by catch-up, as the browser client does it."""
    a, b = restart_pair
    if not own_redis.running:
        own_redis.start()
    owner, poster = Person(a.url, "Olli Omistaja"), Person(b.url, "Paula Postaaja")
    slug = owner.create_workspace("Katkokset")
    poster.join(slug)
    thread = owner.start_thread(slug)
    follower = Follower(owner.token, slug)
    on_b = Listener(b.url, poster.token).connect()  # to time the way from B to A, and from A to B
    try:
        follower.connect(a.url)
        on_a = follower.listener
        assert on_a is not None
        assert on_a.call("watch_thread", {"thread": thread["id"]})["ok"] is True
        assert on_b.call("watch_thread", {"thread": thread["id"]})["ok"] is True
        poster.post(thread["id"], "Redis on päällä")
        assert on_a.wait_for(lambda: len(on_a.events()) == 1, timeout=5)

        with Repairer(follower) as repairer:
            own_redis.kill()
            killed = time.monotonic()
            while_down = [poster.post(thread["id"], f"Redis poissa {n}")["id"] for n in range(10)]  # each a 201
            posting_took = time.monotonic() - killed
            time.sleep(max(0.5, killed + DOWNTIME - time.monotonic()))  # long enough for heartbeats to tell
            returned = own_redis.start()
            b_to_a = wait_until_redis_carries(on_b, on_a, poster.id, thread["id"], since=returned)
            a_to_b = wait_until_redis_carries(on_a, on_b, owner.id, thread["id"], since=returned)
            assert b_to_a is not None and a_to_b is not None, \
                f"live delivery did not resume within 70 s of Redis returning: B->A {b_to_a}, A->B {a_to_b}"

            after = [poster.post(thread["id"], f"Redis palasi {n}")["id"] for n in range(5)]
            final = 3 + 16  # member.joined, thread.created, post.created, then 16 replies
            assert on_a.wait_for(lambda: follower.last == final, timeout=15), (follower.last, final)

        # Nothing more may come, and nothing twice: anything sent through B before this marker comes before it.
        marker = poster.post(thread["id"], "Merkki lopuksi")["id"]
        assert on_a.wait_for(lambda: follower.last == final + 1, timeout=15), (follower.last, final + 1)
        events = follower.events()
        assert follower.base is not None
        assert [e["seq"] for e in events] == list(range(follower.base + 1, final + 2))
        post_ids = [e["data"]["id"] for e in events if e["kind"] == "post.created"]
        assert post_ids[-16:] == while_down + after + [marker]
        assert follower.live_duplicates() == []
        # Published while Redis was away (seqs 5 to 14): by catch-up only. After it returned (15 to 19): live.
        live = {e["seq"] for e in on_a.events()}
        assert [e["seq"] for e in events if e["seq"] not in live] == list(range(5, 15))
        repaired = [round(t - returned, 1) for t, ok in repairer.attempts if ok]
        print(f"\n[redis restart] 10 posts while down took {posting_took:.2f} s; Redis down {returned - killed:.1f} s; "
              f"live delivery resumed B->A {b_to_a:.2f} s, A->B {a_to_b:.2f} s after Redis answered again; "
              f"catch-up attempts while down: {sum(1 for t, ok in repairer.attempts if t < returned)} "
              f"(failed {sum(1 for t, ok in repairer.attempts if t < returned and not ok)}); "
              f"successful catch-ups at {repaired} s after Redis returned")
    finally:
        follower.close()
        on_b.close()
        if not own_redis.running:
            own_redis.start()


def test_catch_up_works_while_redis_is_down(
    own_redis: RedisServer, restart_pair: tuple[LiveServer, LiveServer],
) -> None:
    """The event log is in the database: a client that reconnects while Redis is away still gets what it
    missed (presence is a nicety that may be missing meanwhile)."""
    a, b = restart_pair
    if not own_redis.running:
        own_redis.start()
    owner, poster = Person(a.url, "Olli Omistaja"), Person(b.url, "Paula Postaaja")
    slug = owner.create_workspace("Katko ja paluu")
    poster.join(slug)
    thread = owner.start_thread(slug)
    follower = Follower(owner.token, slug)
    try:
        follower.connect(a.url)
        last = follower.last
        assert last is not None
        follower.close()
        own_redis.kill()
        missed = [poster.post(thread["id"], f"Redis poissa {n}")["id"] for n in range(3)]
        for server in (a, b):  # a fresh connection to either process
            listener = Listener(server.url, owner.token).connect()
            try:
                ack = listener.subscribe(slug, since=last)
                assert ack["ok"] is True, ack
                assert [e["data"]["id"] for e in ack["events"] if e["kind"] == "post.created"] == missed
                assert ack["seq"] == last + 3
            finally:
                listener.close()
    finally:
        follower.close()
        if not own_redis.running:
            own_redis.start()
