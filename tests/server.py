"""Run the real app as a separate process, the way production does, for browser and multi-process tests.

`LiveServer` migrates its own database with `flask --app wsgi db upgrade` and then starts `python wsgi.py`
(eventlet, the production `Config`) on a free 127.0.0.1 port, and stops it again:

    with LiveServer(tmp_dir) as server:
        urllib.request.urlopen(server.url + "/")
        server.run_flask("seed-demo")

The database is never the one the pytest `app` fixture uses: by default an SQLite file in `tmp_dir`; when
VK_TEST_DATABASE_URL names a PostgreSQL database (say `test`), a fresh database next to it called
`test_<database_name>` (`test_server` by default), dropped and created again by the first start() (a restart
after stop() keeps the data). Tests that run several servers at once give each *group* of processes its own
`database_name`; processes that should share
one database (two workers behind a proxy) are built with the first one's `database_url` (which they then do
not create again; `migrate=False` also skips the repeated, harmless upgrade) and their own `env` (REDIS_URL):

    first = LiveServer(tmp, database_name="live", env={"REDIS_URL": redis_url}).start()
    second = LiveServer(tmp, database_url=first.database_url, migrate=False, env={"REDIS_URL": redis_url}).start()
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "live-server-test-secret-key"
STARTUP_TIMEOUT = 30.0

# Settings a developer's shell (or the CI job) may carry that must not leak into the server under test:
# the server runs the production configuration and chooses its async mode as production does.
_INHERITED_SETTINGS_TO_DROP = (
    "FLASK_CONFIG", "ASYNC_MODE", "DATABASE_URL", "REDIS_URL", "HOST", "PORT", "PUBLIC_URL",
    "ALLOWED_ORIGINS", "UPLOAD_DIR", "FLASK_APP", "FLASK_DEBUG", "SECRET_KEY",
)  # fmt: skip


def settings_free_env() -> dict[str, str]:
    """This process's environment without the app's settings, so a command runs on its config's defaults."""
    return {k: v for k, v in os.environ.items() if k not in _INHERITED_SETTINGS_TO_DROP}


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql"))


def _postgres_params(url: str) -> dict[str, object]:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    params: dict[str, object] = {
        "host": parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "dbname": parsed.database,
    }
    if parsed.password:
        params["password"] = parsed.password
    return params


def recreate_postgres_database(url: str) -> None:
    """Drop the database that `url` names (forcing out stale connections) and create it empty."""
    import psycopg2
    from psycopg2 import sql

    params = _postgres_params(url)
    name = str(params.pop("dbname"))
    conn = psycopg2.connect(dbname="postgres", **params)  # type: ignore[arg-type]
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def server_database_url(tmp_dir: Path, database_name: str = "server") -> str:
    """Where a live server keeps its data: `tmp_dir/<name>.db`, or a sibling of VK_TEST_DATABASE_URL's
    PostgreSQL database called `<that database>_<name>` (which the caller must create)."""
    base = os.environ.get("VK_TEST_DATABASE_URL")
    if base and _is_postgres(base):
        from sqlalchemy.engine import make_url

        parsed = make_url(base)
        return parsed.set(database=f"{parsed.database}_{database_name}").render_as_string(hide_password=False)
    return f"sqlite:///{Path(tmp_dir) / f'{database_name}.db'}"


class LiveServer:
    """`python wsgi.py` in a process of its own, with its own migrated database, on 127.0.0.1.

    `env` adds or overrides environment variables for this process (REDIS_URL, PORT, ALLOWED_ORIGINS ...).
    """

    def __init__(
        self,
        tmp_dir: str | Path | None = None,
        *,
        database_url: str | None = None,
        database_name: str = "server",
        create_database: bool | None = None,
        migrate: bool = True,
        env: Mapping[str, str] | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
        python: str = sys.executable,
    ) -> None:
        # A folder of our own (no tmp_dir given) is removed when the `with` block ends; a given one is the
        # caller's. stop() alone keeps it, so a stopped server can be started again on the same data.
        self._owns_tmp_dir = tmp_dir is None
        self.tmp_dir = Path(tmp_dir) if tmp_dir is not None else Path(tempfile.mkdtemp(prefix="vk-live-"))
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url or server_database_url(self.tmp_dir, database_name)
        # A database this server made up is created fresh; one handed in belongs to someone else.
        self.create_database = database_url is None if create_database is None else create_database
        self.migrate = migrate
        self.startup_timeout = startup_timeout
        self.python = python
        self.host = "127.0.0.1"
        extra = dict(env or {})
        self.port = int(extra.pop("PORT", 0)) or free_port(self.host)
        self.url = f"http://{self.host}:{self.port}"
        self.log_path = self.tmp_dir / f"server-{self.port}.log"
        self.env = self._build_env(extra)
        self.process: subprocess.Popen[bytes] | None = None
        self._log_file: object | None = None
        self._prepared = False

    def _build_env(self, extra: Mapping[str, str]) -> dict[str, str]:
        env = settings_free_env()
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "SECRET_KEY": SECRET_KEY,
                "SESSION_COOKIE_SECURE": "0",
                "RATELIMIT_ENABLED": "0",
                "HOST": self.host,
                "PORT": str(self.port),
                "PUBLIC_URL": self.url,  # required by the production Config: links in mail point here
                "UPLOAD_DIR": str(self.tmp_dir / f"uploads-{self.port}"),
                "PYTHONUNBUFFERED": "1",
                # Servers of one test run share a Redis channel name no other run (or benchmark) uses.
                "REDIS_CHANNEL": f"vk-test-{os.getpid()}",
            }
        )
        env.update(extra)
        return env

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> LiveServer:
        if self.process is not None:
            raise RuntimeError("the server is already running")
        if not self._prepared:  # a restart after stop() keeps the data
            if self.create_database and _is_postgres(self.database_url):
                recreate_postgres_database(self.database_url)
            if self.migrate:
                self.run_flask("db", "upgrade")
            self._prepared = True
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._log_file = log
        self.process = subprocess.Popen(
            [self.python, "wsgi.py"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
                    last_error = f"status {response.status}"
            except urllib.error.HTTPError as error:
                last_error = f"status {error.code}"
            except (urllib.error.URLError, OSError) as error:
                last_error = str(error)
            time.sleep(0.1)
        raise RuntimeError(
            f"the server did not answer 200 on {self.url}/ within {self.startup_timeout:.0f} s "
            f"({last_error}):\n{self.log_tail()}"
        )

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the process (SIGTERM), and kill it if it has not ended within `timeout` seconds."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=timeout)
        if self._log_file is not None:
            self._log_file.close()  # type: ignore[attr-defined]
            self._log_file = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        """The exit code, if the process has ended on its own (None while running or after stop())."""
        return self.process.poll() if self.process is not None else None

    def __enter__(self) -> LiveServer:
        try:
            return self.start()
        except BaseException:
            self._remove_own_tmp_dir()
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        self._remove_own_tmp_dir()

    def _remove_own_tmp_dir(self) -> None:
        if self._owns_tmp_dir:
            shutil.rmtree(self.tmp_dir, ignore_errors=True)

    # --- helpers ----------------------------------------------------------------------------------

    def run_flask(self, *args: str, check: bool = True, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        """Run `flask --app wsgi ARGS` against this server's database and settings (e.g. "seed-demo")."""
        result = subprocess.run(
            [self.python, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout, check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"`flask {' '.join(args)}` failed with {result.returncode}:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def log_tail(self, lines: int = 60) -> str:
        """The last lines the server wrote (stdout and stderr), for failure messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def __repr__(self) -> str:
        return f"<LiveServer {self.url} db={self.database_url!r} running={self.running}>"
