// Live updates for the workspace and thread pages (progressive: the pages work without this file).
//
// Protocol (../shared/API.md): `subscribe {workspace, since}` answers with the events missed since
// `since`; then `event` messages arrive with a per-workspace `seq`. We keep the last seq applied,
// drop duplicates, and ask again (subscribe with `since`) whenever a seq is skipped or a heartbeat
// says there is more. socket.io-client reconnects with back-off by itself; on every (re)connect we
// subscribe again from the last seq, so nothing is missed and nothing is applied twice.
"use strict";

(() => {
  const root = document.getElementById("live");
  if (!root || typeof window.io !== "function") return;

  const text = JSON.parse(document.getElementById("live-text").textContent);
  const slug = root.dataset.workspace;
  const threadId = root.dataset.thread ? Number(root.dataset.thread) : null;
  const me = root.dataset.me ? Number(root.dataset.me) : null;
  const canReply = root.dataset.canReply === "true";
  const moderator = root.dataset.moderator === "true";
  const onLastPage = root.dataset.lastPage !== "false";
  let lastSeq = Number(root.dataset.seq || 0);
  let catchingUp = false;

  const status = document.getElementById("live-status");
  const presence = document.getElementById("presence");
  const typingLine = document.getElementById("typing");
  const newPosts = document.getElementById("new-posts");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  const socket = window.io({ transports: ["websocket", "polling"] });

  // --- connection and catch-up -----------------------------------------------------------------

  function showStatus(message, withReload) {
    status.replaceChildren(document.createTextNode(message + " "));
    if (withReload) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = text.reload_action;
      button.addEventListener("click", () => window.location.reload());
      status.append(button);
    }
    status.hidden = false;
  }

  function subscribe() {
    catchingUp = true;
    socket.emit("subscribe", { workspace: slug, since: lastSeq }, (ack) => {
      catchingUp = false;
      if (!ack || !ack.ok) return;
      if (ack.reset) {
        showStatus(text.reload, true);
        return;
      }
      ack.events.forEach(apply);
      if (ack.presence) showPresence({ scope: "workspace", ...ack.presence });
      if (threadId) watchThread();
      else root.dataset.state = "live";
    });
  }

  function watchThread() {
    socket.emit("watch_thread", { thread: threadId }, (ack) => {
      if (ack && ack.ok) showPresence({ scope: "thread", ...ack.presence });
      root.dataset.state = "live"; // following and counted: what others do now shows here
    });
  }

  socket.on("connect", () => {
    status.hidden = true;
    subscribe();
  });
  socket.on("disconnect", () => {
    root.dataset.state = "offline";
    showStatus(text.offline, false);
  });
  socket.on("connect_error", () => showStatus(text.offline, false));
  socket.on("unsubscribed", () => showStatus(text.reload, true));

  socket.on("event", (message) => {
    if (message.workspace !== slug) return;
    if (message.seq <= lastSeq) return; // seen already
    if (message.seq > lastSeq + 1) {
      if (!catchingUp) subscribe(); // a gap: fetch what lies between
      return;
    }
    apply(message);
  });

  socket.on("heartbeat", (beat) => {
    if (beat.workspace === slug && beat.seq > lastSeq && !catchingUp) subscribe();
  });

  function apply(message) {
    if (message.seq <= lastSeq) return;
    lastSeq = message.seq;
    const handler = handlers[message.kind];
    if (handler) handler(message.data);
  }

  // --- presence and typing -----------------------------------------------------------------------

  function showPresence(info) {
    const wanted = threadId ? "thread" : "workspace";
    if (!presence || info.scope !== wanted) return;
    const names = info.users.map((u) => u.display_name);
    const others = info.count - names.length;
    presence.textContent = `${text.viewing} ${names.join(", ")}${others > 0 ? ` +${others}` : ""}`;
    presence.hidden = info.count < 2; // alone: nothing to tell
  }
  socket.on("presence", showPresence);

  const typists = new Map();
  function showTyping() {
    if (!typingLine) return;
    const names = [...typists.values()].map((t) => t.name);
    typingLine.textContent = names.length === 0 ? "" :
      names.length === 1 ? text.typing_one.replace("{name}", names[0]) : text.typing_many;
  }
  socket.on("typing", (info) => {
    if (info.thread !== threadId || info.user.id === me) return;
    const previous = typists.get(info.user.id);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => { typists.delete(info.user.id); showTyping(); }, 6000);
    typists.set(info.user.id, { name: info.user.display_name, timer });
    showTyping();
  });
  function clearTypist(userId) {
    const previous = typists.get(userId);
    if (previous) { clearTimeout(previous.timer); typists.delete(userId); showTyping(); }
  }

  const replyBox = document.querySelector("#reply textarea");
  let lastTypingSent = 0;
  if (replyBox && threadId) {
    replyBox.addEventListener("input", () => {
      const now = Date.now();
      if (now - lastTypingSent > 2500 && socket.connected) {
        lastTypingSent = now;
        socket.emit("typing", { thread: threadId });
      }
    });
  }

  // --- thread page ---------------------------------------------------------------------------------

  const postsBox = document.getElementById("posts");

  function element(tag, className, textContent) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (textContent !== undefined) node.textContent = textContent;
    return node;
  }

  function actionForm(action, label) {
    const form = element("form", "inline-form");
    form.method = "post";
    form.action = action;
    form.dataset.confirm = text.delete_confirm;
    const token = element("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = csrf;
    const button = element("button", "link-button link-button--danger", label);
    button.type = "submit";
    form.append(token, button);
    return form;
  }

  function renderPost(post) {
    const article = element("article", "post post--new");
    article.id = `post-${post.id}`;
    article.dataset.postId = post.id;
    const head = element("header", "post__head");
    const author = post.author;
    head.append(element("span", "avatar", author ? author.display_name.slice(0, 1) : "?"));
    const who = element("div", "post__who");
    if (author) {
      const link = element("a", "post__author", author.display_name);
      link.href = `/users/${author.id}`;
      who.append(link, element("span", "post__org muted", author.organisation || ""));
    } else {
      who.append(element("span", "post__author", text.former_member));
    }
    const time = element("a", "post__time muted");
    time.href = `/p/${post.id}`;
    const stamp = element("time", "", text.just_now);
    stamp.dateTime = post.created_at;
    time.append(stamp);
    head.append(who, time);
    const body = element("div", "post__body prose");
    body.innerHTML = post.html; // sanitised on the server, as in the server-rendered page
    const foot = element("footer", "post__foot");
    const actions = element("span", "post__actions");
    if (canReply) {
      const quote = element("a", "", text.quote);
      quote.href = `/t/${post.thread_id}?quote=${post.id}#reply`;
      actions.append(quote);
    }
    const mine = author && author.id === me;
    if (mine) {
      const edit = element("a", "", text.edit);
      edit.href = `/p/${post.id}/edit`;
      actions.append(edit);
    }
    if (mine || moderator) actions.append(actionForm(`/p/${post.id}/delete`, text.delete));
    foot.append(actions);
    article.append(head, body, foot);
    return article;
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 400;
  }

  function addPost(post) {
    if (!postsBox || post.thread_id !== threadId || !onLastPage) return;
    if (document.getElementById(`post-${post.id}`)) return;
    const follow = nearBottom();
    postsBox.append(renderPost(post));
    if (post.author) clearTypist(post.author.id);
    if (follow || (post.author && post.author.id === me)) return;
    newPosts.hidden = false;
    newPosts.textContent = text.new_posts;
  }

  if (newPosts) {
    newPosts.addEventListener("click", () => {
      newPosts.hidden = true;
      postsBox.lastElementChild.scrollIntoView({ behavior: "smooth" });
    });
    window.addEventListener("scroll", () => { if (nearBottom()) newPosts.hidden = true; });
  }

  function updatePost(post) {
    const article = document.getElementById(`post-${post.id}`);
    if (!article) return;
    const body = article.querySelector(".post__body");
    if (body && !post.deleted && !post.hidden) body.innerHTML = post.html;
    const foot = article.querySelector(".post__foot");
    if (foot && post.edited_at && !foot.querySelector(".post__edited")) {
      const edited = element("a", "muted post__edited", text.edited);
      edited.href = `/p/${post.id}/history`;
      foot.prepend(edited);
    }
  }

  function replaceWithNotice(postId, notice) {
    const article = document.getElementById(`post-${postId}`);
    if (!article) return;
    article.classList.add("post--deleted");
    article.querySelectorAll(".post__body, .post__foot, .post__reply-to").forEach((n) => n.remove());
    article.append(element("p", "post__gone muted", notice));
  }

  // --- workspace page ------------------------------------------------------------------------------

  const threadList = document.getElementById("thread-list");

  function postsLabel(count) {
    return (count === 1 ? text.posts_one : text.posts_many).replace("{num}", String(count));
  }

  function threadRow(thread) {
    const row = element("li", "thread-row");
    row.dataset.threadId = thread.id;
    const main = element("div", "thread-row__main");
    const title = element("a", "thread-row__title", thread.title);
    title.href = `/t/${thread.id}`;
    main.append(title);
    const meta = element("p", "thread-row__meta muted", thread.author ? thread.author.display_name : "");
    main.append(meta);
    const stats = element("div", "thread-row__stats");
    stats.append(element("span", "thread-row__count", postsLabel(thread.post_count)));
    stats.append(element("time", "muted", text.just_now));
    row.append(main, stats);
    return row;
  }

  function moveToTop(row, pinned) {
    if (pinned) { threadList.prepend(row); return; }
    const firstUnpinned = threadList.querySelector(".thread-row:not(.thread-row--pinned)");
    if (firstUnpinned && firstUnpinned !== row) threadList.insertBefore(row, firstUnpinned);
    else if (!firstUnpinned) threadList.append(row);
  }

  function upsertThread(thread) {
    if (threadId) {
      if (thread.id === threadId) {
        const title = document.querySelector(".thread-head h1");
        if (title) title.textContent = thread.title;
      }
      return;
    }
    if (!threadList) { showStatus(text.reload, true); return; }
    let row = threadList.querySelector(`[data-thread-id="${thread.id}"]`);
    if (!row) row = threadRow(thread);
    row.querySelector(".thread-row__title").textContent = thread.title;
    row.querySelector(".thread-row__count").textContent = postsLabel(thread.post_count);
    row.querySelector("time").textContent = text.just_now;
    row.classList.toggle("thread-row--pinned", thread.pinned);
    moveToTop(row, thread.pinned);
    row.classList.add("thread-row--fresh");
  }

  // --- reactions ---------------------------------------------------------------------------------

  function showReactions(data) {
    const bar = document.querySelector(`.reactions[data-post-id="${data.id}"]`);
    if (!bar) return;
    bar.querySelectorAll("button.reaction, span.reaction").forEach((button) => {
      const emoji = button.value || button.textContent.trim().split(" ")[0];
      const count = data.reactions[emoji] || 0;
      button.querySelector(".reaction__count").textContent = count ? String(count) : "";
      button.classList.toggle("reaction--none", count === 0);
      button.setAttribute("aria-label", `${emoji} ${count}`);
      if (data.by === me && data.emoji === emoji && button.tagName === "BUTTON") {
        button.classList.toggle("reaction--mine", data.added);
        button.setAttribute("aria-pressed", String(data.added));
      }
    });
  }

  // With JavaScript, a reaction is sent through the API and the page is not reloaded.
  document.addEventListener("submit", (submitted) => {
    const form = submitted.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-reaction")) return;
    submitted.preventDefault();
    const button = submitted.submitter;
    const postId = form.dataset.postId;
    fetch(`/api/v1/posts/${postId}/reactions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ emoji: button.value }),
      credentials: "same-origin",
    }).then((response) => { if (!response.ok) form.submit(); });
  });

  const handlers = {
    "post.reactions": showReactions,
    "post.created": (post) => { addPost(post); if (post.thread) upsertThread(post.thread); },
    "post.updated": updatePost,
    "post.deleted": (data) => replaceWithNotice(data.id, text.deleted),
    "post.hidden": (data) => replaceWithNotice(data.id, text.hidden),
    "thread.created": upsertThread,
    "thread.updated": upsertThread,
  };

  window.addEventListener("beforeunload", () => socket.close());
})();
