"""Socket.IO room names. Build them only here, so a typo cannot split a room in two."""


def workspace_room(workspace_id: int) -> str:
    return f"workspace:{workspace_id}"


def workspace_moderators_room(workspace_id: int) -> str:
    return f"workspace:{workspace_id}:moderators"


def thread_room(thread_id: int) -> str:
    return f"thread:{thread_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"
