"""Pages of threads and posts: read, start, reply, quote, edit, delete, history."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from app import policy
from app.access import ThreadAccess, access_post, access_thread, access_workspace
from app.actions import threads as actions
from app.actions.reactions import do_toggle_reaction
from app.errors import Forbidden, Invalid
from app.identity import current_actor
from app.models import REACTIONS, Post, User, Workspace
from app.queries.documents import post_attachments
from app.queries.moderation import moderated_workspaces
from app.queries.reactions import my_reactions, reaction_counts
from app.queries.threads import list_post_revisions, list_posts_page, page_count, page_of_post
from app.ratelimits import per_actor_limit
from app.web.forms import ActionForm, PostForm, ThreadForm, show_errors

bp = Blueprint("threads", __name__)


def _per_page() -> int:
    return int(current_app.config["POSTS_PER_PAGE"])


def post_url(post: Post) -> str:
    """Where a post lives: its thread's page that holds it, scrolled to it."""
    page = page_of_post(post, _per_page())
    if post.thread.document_id is not None:  # a document's comment lives on the document's page
        return url_for("documents.show", document_id=post.thread.document_id,
                       page=page if page > 1 else None) + f"#post-{post.id}"
    return url_for("threads.show", thread_id=post.thread_id, page=page if page > 1 else None) + f"#post-{post.id}"


def _quote(post: Post) -> str:
    author = post.author.display_name if post.author else _("A former member")
    lines = "\n".join(f"> {line}" for line in post.body.splitlines())
    return f"> **{author}:**\n>\n{lines}\n\n"


@bp.route("/w/<slug>/new-thread", methods=["GET", "POST"])
@login_required
@per_actor_limit("RATELIMIT_POSTING")
def create(slug: str) -> str | Response:
    user = current_actor()
    seen = access_workspace(user, slug)
    if not policy.can_start_thread(user, seen.workspace, seen.membership):
        raise Forbidden(_("Join the workspace to start a thread."))
    form = ThreadForm()
    if form.validate_on_submit():
        try:
            thread, _post = actions.do_create_thread(user, slug, form.title.data, form.body.data)  # type: ignore[arg-type]
        except Invalid as error:
            show_errors(form, error)
        else:
            return redirect(url_for("threads.show", thread_id=thread.id))
    return render_template("threads/new.html", ws=seen.workspace, membership=seen.membership, form=form)


@bp.route("/t/<int:thread_id>")
def show(thread_id: int, form: PostForm | None = None) -> str | Response:
    user = current_actor()
    seen = access_thread(user, thread_id)
    if seen.thread.document_id is not None:  # a document's discussion is shown under the document
        return redirect(url_for("documents.show", document_id=seen.thread.document_id, page=request.args.get("page")))
    pages = page_count(seen.thread, _per_page())
    page = request.args.get("page", default=1, type=int) or 1
    if page < 1 or page > pages:
        abort(404)
    posts = list_posts_page(seen.thread, page, _per_page(), viewer=user,
                            moderator=policy.is_moderator(user, seen.membership))
    if form is None:
        form = PostForm()
        quoted = request.args.get("quote", type=int)
        quoted_post = next((p for p in posts if p.id == quoted), None) if quoted else None
        if quoted_post is not None and policy.can_see_post_body(user, quoted_post, seen.membership):
            form.body.data, form.reply_to.data = _quote(quoted_post), str(quoted_post.id)
    post_ids = [p.id for p in posts]
    return render_template(
        "threads/show.html", ws=seen.workspace, thread=seen.thread, membership=seen.membership,
        posts=posts, page=page, pages=pages, form=form, action=ActionForm(), user=user,
        reactions=reaction_counts(post_ids), mine=my_reactions(user, post_ids), choices=REACTIONS,
        post_files=post_attachments(post_ids),
        move_targets=_move_targets(user, seen),
        # Built once per page rather than once per post: a thread page shows up to 50 posts.
        page_csrf=generate_csrf(),
        page_url=url_for("threads.show", thread_id=thread_id, page=page if page > 1 else None),
        quote_url=url_for("threads.show", thread_id=thread_id, page=page if page > 1 else None, quote=0)[:-1],
    )


def _move_targets(user: User | None, seen: ThreadAccess) -> list[Workspace]:
    """The workspaces the thread page's move form offers: none unless this thread may move at all."""
    if user is None or not policy.can_moderate_thread(user, seen.membership) or \
            not policy.moves_on_its_own(seen.thread):
        return []
    return moderated_workspaces(user)


@bp.route("/t/<int:thread_id>/reply", methods=["POST"])
@per_actor_limit("RATELIMIT_POSTING")
@login_required
def reply(thread_id: int) -> str | Response:
    form = PostForm()
    if form.validate_on_submit():
        try:
            post = actions.do_post_reply(current_actor(), thread_id, form.body.data, form.reply_to.data)  # type: ignore[arg-type]
        except Invalid as error:
            show_errors(form, error)
        else:
            return redirect(post_url(post))
    return show(thread_id, form=form), 422  # type: ignore[return-value]


@bp.route("/p/<int:post_id>")
def permalink(post_id: int) -> Response:
    seen = access_post(current_actor(), post_id)
    return redirect(post_url(seen.post))


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int) -> str | Response:
    user = current_actor()
    seen = access_post(user, post_id)
    if not policy.can_edit_post(user, seen.post, seen.membership):
        abort(403)
    form = PostForm(body=seen.post.body)
    if form.validate_on_submit():
        try:
            post = actions.do_edit_post(user, post_id, form.body.data)  # type: ignore[arg-type]
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("Your post was saved."), "success")
            return redirect(post_url(post))
    return render_template("threads/edit_post.html", ws=seen.workspace, thread=seen.thread, post=seen.post, form=form)


@bp.route("/p/<int:post_id>/delete", methods=["POST"])
@login_required
def delete(post_id: int) -> Response:
    if ActionForm().validate_on_submit():
        post = actions.do_delete_post(current_actor(), post_id)  # type: ignore[arg-type]
        flash(_("The post was deleted."), "info")
        return redirect(post_url(post))
    abort(400)


@bp.route("/p/<int:post_id>/react", methods=["POST"])
@login_required
def react(post_id: int) -> Response:
    """Toggle a reaction without JavaScript (the live client calls the API instead)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    do_toggle_reaction(current_actor(), post_id, request.form.get("emoji"))  # type: ignore[arg-type]
    return redirect(post_url(access_post(current_actor(), post_id).post))


@bp.route("/p/<int:post_id>/history")
def history(post_id: int) -> str:
    user = current_actor()
    seen = access_post(user, post_id)
    if not policy.can_see_post_body(user, seen.post, seen.membership):
        abort(404)
    return render_template(
        "threads/history.html", ws=seen.workspace, thread=seen.thread, post=seen.post,
        revisions=list_post_revisions(seen.post),
    )
