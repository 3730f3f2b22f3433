"""What this process knows of each of its open sockets: ids and strings only, never ORM objects
(each event gets a fresh database session)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SocketInfo:
    user_id: int | None                  # None: an anonymous reader of public workspaces
    display_name: str | None
    session_hash: str | None = None      # the sign-in session it was opened with
    token: str | None = None             # or the API token
    token_id: int | None = None
    workspaces: dict[int, str] = field(default_factory=dict)  # subscribed: id -> slug
    scopes: set[str] = field(default_factory=set)              # presence scopes it is counted in
    threads: dict[int, int] = field(default_factory=dict)      # watched: thread id -> its workspace id

    @property
    def viewer(self) -> dict[str, object]:
        return {"id": self.user_id, "display_name": self.display_name} if self.user_id else {}


sockets: dict[str, SocketInfo] = {}
