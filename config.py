"""Configuration classes, read from environment variables (and a `.env` file, if present).

Every setting a deployer may change is listed in the README's configuration table; the
names here are a public contract (deployers and scripts rely on them): extend, never rename.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")


def env_flag(name: str, default: bool) -> bool:
    """Read a boolean environment variable; "0", "false", "no" and "off" mean False."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def default_database_url() -> str:
    instance = BASE_DIR / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'virtuaalikortteli.db'}"


def engine_options(url: str) -> dict[str, object]:
    """Pool settings per database: SQLite waits on a locked file instead of failing."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {
        "pool_size": env_int("DB_POOL_SIZE", 10),
        "max_overflow": env_int("DB_MAX_OVERFLOW", 20),
        "pool_pre_ping": True,
    }


def normalise_database_url(url: str) -> str:
    """Accept `postgres://` (as some hosts hand it out) and pin the psycopg2 driver, which
    psycogreen makes cooperative under eventlet (SQLAlchemy 2.1 would otherwise pick psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


class Config:
    """Production defaults; everything overridable from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL") or default_database_url()
    )
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Redis pub/sub ignores the database number: networks sharing a Redis server need their own name.
    REDIS_CHANNEL = os.environ.get("REDIS_CHANNEL", "virtuaalikortteli")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(BASE_DIR / "instance" / "uploads")
    ALLOWED_ORIGINS = [
        o.strip() for o in os.environ.get("ALLOWED_ORIGINS", "").split(",") if o.strip()
    ]
    HOST = os.environ.get("HOST", "127.0.0.1")
    PORT = env_int("PORT", 5000)
    ASYNC_MODE = os.environ.get("ASYNC_MODE", "eventlet")
    MAX_CONNECTIONS = env_int("MAX_CONNECTIONS", 10_000)
    # The address people open the site at (https://kortteli.example.fi): every link that leaves the
    # server (reset mail, invitations, exports) is built from it, never from a request's Host.
    # Required in production: create_app refuses to start without it.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    # How many proxies in front set X-Forwarded-*: then client addresses (rate limits) and https
    # links are read from those headers. 0 = none (never trust the headers of a direct client).
    PROXY_COUNT = env_int("PROXY_COUNT", 0)

    WORKSPACE_CREATION = os.environ.get("WORKSPACE_CREATION", "members")

    # Sessions and cookies
    SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * env_int("REMEMBER_DAYS", 30)
    SESSION_LIFETIME_DAYS = env_int("SESSION_LIFETIME_DAYS", 30)
    PASSWORD_RESET_MAX_AGE = env_int("PASSWORD_RESET_MAX_AGE", 60 * 60)
    INVITATION_DAYS = env_int("INVITATION_DAYS", 14)

    # argon2id costs; unset keeps argon2-cffi's RFC 9106 defaults (64 MiB, 3 passes)
    ARGON2_TIME_COST: int | None = None
    ARGON2_MEMORY_COST: int | None = None

    # Forms and uploads
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
    # The whole request may carry one file of the largest size plus the form around it.
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", UPLOAD_MAX_BYTES + 1024 * 1024)
    # A request without a file (a form, or JSON on the API): a 200,000-character text escaped in JSON
    # or a form, and the rest. Larger: 413, before the body is parsed.
    MAX_TEXT_BODY_BYTES = env_int("MAX_TEXT_BODY_BYTES", 1536 * 1024)

    # Rate limits (Flask-Limiter); shared through Redis when REDIS_URL is set
    RATELIMIT_ENABLED = env_flag("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # Several deployments sharing one Redis keep their counts apart with a prefix of their own.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    RATELIMIT_HEADERS_ENABLED = True
    # Redis away: count in memory meanwhile instead of failing requests (posting must keep working).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_SIGNIN = os.environ.get("RATELIMIT_SIGNIN", "10 per minute;50 per hour")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "10 per hour")
    RATELIMIT_RESET = os.environ.get("RATELIMIT_RESET", "5 per 15 minutes")
    RATELIMIT_POSTING = os.environ.get("RATELIMIT_POSTING", "30 per minute")
    RATELIMIT_SOCKET = os.environ.get("RATELIMIT_SOCKET", "120 per minute")
    # Against abuse of moderation: counted per signed-in person (an office shares one address)
    RATELIMIT_FLAGGING = os.environ.get("RATELIMIT_FLAGGING", "10 per minute;50 per day")
    RATELIMIT_JOIN_REQUESTS = os.environ.get("RATELIMIT_JOIN_REQUESTS", "5 per minute;20 per day")
    RATELIMIT_INVITATIONS = os.environ.get("RATELIMIT_INVITATIONS", "30 per hour;200 per day")

    # Live updates
    HEARTBEAT_SECONDS = env_int("HEARTBEAT_SECONDS", 20)
    EVENT_RETENTION_DAYS = env_int("EVENT_RETENTION_DAYS", 7)
    EVENT_RETENTION_COUNT = env_int("EVENT_RETENTION_COUNT", 10_000)

    # Mail: without MAIL_SERVER, messages are written to the log (development)
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = env_flag("MAIL_USE_TLS", True)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Virtuaalikortteli <noreply@localhost>")

    # Languages: adding one is a translations folder plus its code here
    LANGUAGES = ["fi", "en"]
    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"

    # Paging
    THREADS_PER_PAGE = 30
    POSTS_PER_PAGE = 50

    # OpenAPI (flask-smorest)
    API_TITLE = "Virtuaalikortteli API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"


class DevelopmentConfig(Config):
    """`make run`: plain HTTP on localhost, so the cookie cannot be Secure."""

    SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or f"http://{Config.HOST}:{Config.PORT}"  # where `make run` serves
    # The dev server is opened as 127.0.0.1 or as localhost alike: sockets from either are its own.
    ALLOWED_ORIGINS = Config.ALLOWED_ORIGINS or list(dict.fromkeys(
        [PUBLIC_URL, *(f"http://{host}:{Config.PORT}" for host in ("127.0.0.1", "localhost"))]
    ))


class TestConfig(Config):
    """The test suite: its own database (VK_TEST_DATABASE_URL, else a temporary SQLite file)."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    # Not the test client's own host (localhost), so a link built from the request would show.
    PUBLIC_URL = "http://kortteli.test"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    ASYNC_MODE = "threading"
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = "memory://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


def config_for(name: str | None) -> type[Config]:
    """Pick a configuration class by name (`FLASK_CONFIG`), production by default."""
    return {"development": DevelopmentConfig, "test": TestConfig}.get(name or "", Config)
