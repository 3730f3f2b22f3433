"""Socket.IO room names. Build them only here, so a typo cannot split a room in two."""


def workspace_room(workspace_id: int) -> str:
    return f"workspace:{workspace_id}"


def workspace_moderators_room(workspace_id: int) -> str:
    return f"workspace:{workspace_id}:moderators"


def workspace_people_room(workspace_id: int) -> str:
    """The workspace's signed-in followers: who joins, leaves or gets a role is theirs to know
    (anonymous readers of a public workspace do not see its members)."""
    return f"workspace:{workspace_id}:people"


def thread_room(thread_id: int) -> str:
    return f"thread:{thread_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def session_room(session_key_hash: str) -> str:
    """Every socket opened with one sign-in session (closed when that session ends)."""
    return f"session:{session_key_hash}"


def token_room(token_id: int) -> str:
    """Every socket opened with one API token (closed when the token is revoked)."""
    return f"token:{token_id}"
