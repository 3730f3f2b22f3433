"""The process entry point: `python wsgi.py` serves the app and Socket.IO on HOST:PORT.

The only module that imports eventlet, and it monkey-patches before anything else is imported,
as eventlet requires, when it runs as the server. Imported by `flask --app wsgi COMMAND`, it does not patch:
flask (and its context proxies) is imported by then, patching so late makes eventlet print tracebacks for
each proxy it inspects, and a command serves nothing. With ASYNC_MODE=threading nothing is patched.
"""

import os
import warnings

ASYNC_MODE = os.environ.get("ASYNC_MODE", "eventlet")
# Its maintenance-mode notice is known (README, "Live updates"); the async mode is a setting.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
if ASYNC_MODE == "eventlet" and __name__ == "__main__":
    import eventlet

    eventlet.monkey_patch()
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql")):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()  # let psycopg2 yield to other green threads while a query runs
    from eventlet import tpool

    from app.offload import use_thread_pool

    use_thread_pool(tpool.execute)  # rendering, diffs and merges run beside the hub, not on it

from app import create_app
from app.extensions import socketio
from app.links import ConfigurationError
from config import config_for

try:
    app = create_app(config_for(os.environ.get("FLASK_CONFIG")))
except ConfigurationError as error:  # a missing setting is the operator's to fix: say which, no traceback
    raise SystemExit(f"Virtuaalikortteli cannot start: {error}") from None

if __name__ == "__main__":
    print(f"Virtuaalikortteli serving on http://{app.config['HOST']}:{app.config['PORT']} ({ASYNC_MODE})", flush=True)
    socketio.run(
        app,
        host=app.config["HOST"],
        port=app.config["PORT"],
        # eventlet's server accepts 1,024 connections by default; raise it (ARCHITECTURE.md, traps).
        **(
            {"max_size": app.config["MAX_CONNECTIONS"]}
            if ASYNC_MODE == "eventlet"
            else {"allow_unsafe_werkzeug": True}
        ),
    )
