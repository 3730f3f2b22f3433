"""/api/v1/users: public profiles."""

from __future__ import annotations

from flask_smorest import Blueprint

from app.access import access_profile
from app.api.common import API_PREFIX, require_actor
from app.models import User
from app.schemas.users import UserSchema

blp = Blueprint("api_users", __name__, url_prefix=API_PREFIX, description="People")


@blp.route("/users/<int:user_id>", methods=["GET"])
@blp.response(200, UserSchema)
def get_user(user_id: int) -> User:
    """A person's public profile."""
    return access_profile(require_actor(), user_id)
