// Live updates for the workspace and thread pages (progressive: the pages work without this file).
//
// Protocol (the README, "Live updates"): `subscribe {workspace, since}` answers with the events missed since
// `since`; then `event` messages arrive with a per-workspace `seq`. We keep the last seq applied,
// drop duplicates, and ask again (subscribe with `since`) whenever a seq is skipped or a heartbeat
// says there is more. socket.io-client reconnects with back-off by itself; on every (re)connect we
// subscribe again from the last seq, so nothing is missed and nothing is applied twice. A long
// catch-up comes in pages (`more: true`): we ask again from the ack's seq until it is complete.
//
// Moderation changes open pages too: a hidden post loses its text (but for its author and the
// moderators), a locked thread loses its reply box, a moved or deleted thread says so, and a reader
// who loses access (a ban, removal from a private workspace) is told and the page stops following.
//
// Documents: the document page says when a newer revision was saved, and by whom, with a link that
// shows it; its comments are a thread's posts. The edit page warns that a save happened meanwhile but
// never touches the text being written (the server merges on save, or shows both versions). The
// document list moves a saved document to the top, and a new file shows in the document's file list.
"use strict";

(() => {
  const root = document.getElementById("live");
  if (!root || typeof window.io !== "function") return;

  const text = JSON.parse(document.getElementById("live-text").textContent);
  const slug = root.dataset.workspace;
  const threadId = root.dataset.thread ? Number(root.dataset.thread) : null;
  const me = root.dataset.me ? Number(root.dataset.me) : null;
  const canReply = root.dataset.canReply === "true";
  const member = root.dataset.member === "true"; // could reply wherever a thread is open
  const moderator = root.dataset.moderator === "true";
  const onLastPage = root.dataset.lastPage !== "false";
  const documentId = root.dataset.document ? Number(root.dataset.document) : null;
  const editForm = document.querySelector("form[data-document-form]");
  const baseInput = editForm ? editForm.querySelector('input[name="base_revision"]') : null;
  const editing = root.dataset.view === "editor" || Boolean(baseInput); // the document's edit page
  const documentList = document.getElementById("document-list"); // a workspace's documents
  const documentsPage = documentList !== null || root.dataset.view === "documents";
  const workspacePage = !threadId && !documentId && !editing && !documentsPage;
  let lastSeq = Number(root.dataset.seq || 0);
  let catchingUp = false;
  let stopped = false; // access lost: the page no longer follows anything

  const main = document.getElementById("main");
  const status = document.getElementById("live-status");
  const presence = document.getElementById("presence");
  const typingLine = document.getElementById("typing");
  const newPosts = document.getElementById("new-posts");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  const socket = window.io({ transports: ["websocket", "polling"] });

  // --- small DOM helpers ---------------------------------------------------------------------------

  function element(tag, className, textContent) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (textContent !== undefined) node.textContent = textContent;
    return node;
  }

  function link(label, href) {
    const a = element("a", "", label);
    a.href = href;
    return a;
  }

  function hiddenInput(name, value) {
    const input = element("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  // Fill "{name}" placeholders of a translated string; values are text, never HTML.
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, key) => (values[key] !== undefined ? String(values[key]) : whole));
  }

  // A translated sentence with one placeholder turned into a link, as a list of nodes.
  function sentenceWithLink(template, key, label, href) {
    const [before, after] = template.split(`{${key}}`);
    return after === undefined ? [template] : [before, link(label, href), after];
  }

  // --- connection and catch-up -----------------------------------------------------------------

  function showStatus(message, withReload) {
    status.replaceChildren(document.createTextNode(message + " "));
    if (withReload) {
      const button = element("button", "link-button", text.reload_action);
      button.type = "button";
      button.addEventListener("click", () => window.location.reload());
      status.append(button);
    }
    status.hidden = false;
  }

  // A lasting message at the top of the page (moved, deleted, access lost), unlike the passing status.
  function showBanner(nodes, tone) {
    let banner = document.getElementById("live-banner");
    if (!banner) {
      banner = element("div");
      banner.id = "live-banner";
      banner.setAttribute("role", "alert");
      const crumbs = main.querySelector(".breadcrumbs");
      if (crumbs) crumbs.after(banner);
      else main.prepend(banner);
    }
    banner.className = `alert alert--${tone} live-banner`;
    const paragraph = element("p");
    paragraph.append(...nodes);
    banner.replaceChildren(paragraph);
    banner.scrollIntoView({ block: "nearest" });
  }

  function stop() {
    stopped = true;
    root.dataset.state = "stopped";
    status.hidden = true;
    socket.close();
  }

  function loseAccess() {
    if (stopped) return;
    stop();
    showBanner([text.access_lost], "error");
    hideReply();
  }

  function subscribe() {
    if (stopped) return;
    catchingUp = true;
    socket.emit("subscribe", { workspace: slug, since: lastSeq }, (ack) => {
      catchingUp = false;
      if (!ack) return;
      if (!ack.ok) {
        if (ack.error === "not_found") loseAccess(); // banned or removed while away
        else if (ack.error === "unauthenticated") showStatus(text.session_ended, true);
        return;
      }
      if (ack.reset) {
        showStatus(text.reload, true);
        return;
      }
      ack.events.forEach(apply);
      // The ack held every event up to ack.seq that this reader may see; the rest (moderators'
      // business) is not coming, so a heartbeat at that seq is no gap.
      if (ack.seq > lastSeq) lastSeq = ack.seq;
      // A long absence comes back in pages: `more` means ask again from ack.seq.
      if (ack.more) {
        subscribe();
        return;
      }
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
  socket.on("disconnect", (reason) => {
    if (stopped) return;
    root.dataset.state = "offline";
    // The server closes a socket whose session ended (signed out, suspended); it does not come back.
    if (reason === "io server disconnect") showStatus(text.session_ended, true);
    else showStatus(text.offline, false);
  });
  socket.on("connect_error", () => { if (!stopped) showStatus(text.offline, false); });
  socket.on("unsubscribed", (info) => {
    if (info && info.workspace && info.workspace !== slug) return;
    loseAccess();
  });

  socket.on("event", (message) => {
    if (stopped || message.workspace !== slug) return;
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

  // Delegated, so a reply box built after an unlock reports typing too.
  let lastTypingSent = 0;
  document.addEventListener("input", (typed) => {
    if (!threadId || !(typed.target instanceof HTMLTextAreaElement) || !typed.target.closest("#reply")) return;
    const now = Date.now();
    if (now - lastTypingSent > 2500 && socket.connected) {
      lastTypingSent = now;
      socket.emit("typing", { thread: threadId });
    }
  });

  // --- notices to this person ----------------------------------------------------------------------

  function noticeText(notice) {
    const data = notice.data || {};
    const template = text.notices[notice.kind] || text.notice_other;
    return fill(template, {
      workspace: data.workspace_name || "",
      thread: data.thread_title || "",
      name: data.inviter || data.name || "",
      role: text.roles[data.role] || data.role || "",
    });
  }

  function toast(message) {
    let shelf = document.getElementById("toasts");
    if (!shelf) {
      shelf = element("div", "toasts");
      shelf.id = "toasts";
      shelf.setAttribute("role", "status");
      shelf.setAttribute("aria-live", "polite");
      document.body.append(shelf);
    }
    const item = element("div", "toast");
    const close = element("button", "toast__close", "×");
    close.type = "button";
    close.setAttribute("aria-label", text.close);
    close.addEventListener("click", () => item.remove());
    item.append(link(message, "/notifications"), close);
    item.firstChild.className = "toast__text";
    shelf.append(item);
    setTimeout(() => item.remove(), 12000);
  }

  socket.on("notification", (notice) => {
    const badge = document.getElementById("notification-count");
    if (badge) {
      const count = Number(badge.dataset.count || 0) + 1;
      badge.dataset.count = String(count);
      badge.textContent = String(count);
      badge.hidden = false;
    }
    toast(noticeText(notice));
  });

  // --- thread page: posts --------------------------------------------------------------------------

  const postsBox = document.getElementById("posts");

  function actionForm(action, label) {
    const form = element("form", "inline-form");
    form.method = "post";
    form.action = action;
    form.dataset.confirm = text.delete_confirm;
    const button = element("button", "link-button link-button--danger", label);
    button.type = "submit";
    form.append(hiddenInput("csrf_token", csrf), button);
    return form;
  }

  function pendingBadge() {
    return element("span", "badge badge--pending", text.pending);
  }

  function renderPost(post) {
    const article = element("article", "post post--new");
    article.id = `post-${post.id}`;
    article.dataset.postId = post.id;
    const head = element("header", "post__head");
    const author = post.author;
    article.dataset.author = author ? author.id : "";
    head.append(element("span", "avatar", author ? author.display_name.slice(0, 1) : "?"));
    const who = element("div", "post__who");
    if (author) {
      const name = link(author.display_name, `/users/${author.id}`);
      name.className = "post__author";
      who.append(name, element("span", "post__org muted", author.organisation || ""));
    } else {
      who.append(element("span", "post__author", text.former_member));
    }
    const time = element("a", "post__time muted");
    time.href = `/p/${post.id}`;
    const stamp = element("time", "", text.just_now);
    stamp.dateTime = post.created_at;
    time.append(stamp);
    head.append(who);
    if (post.pending) {
      article.classList.add("post--pending"); // only moderators are sent it while it waits
      head.append(pendingBadge());
    }
    head.append(time);
    const body = element("div", "post__body prose");
    body.innerHTML = post.html; // sanitised on the server, as in the server-rendered page
    const foot = element("footer", "post__foot");
    const actions = element("span", "post__actions");
    if (canReply) actions.append(link(text.quote, quoteUrl(post)));
    const mine = author && author.id === me;
    if (mine) actions.append(link(text.edit, `/p/${post.id}/edit`));
    if (mine || moderator) actions.append(actionForm(`/p/${post.id}/delete`, text.delete));
    foot.append(actions);
    article.append(head, body, foot);
    return article;
  }

  // A document's comments live on the document's page, which picks the quoted post from its own page.
  function quoteUrl(post) {
    if (!documentId) return `/t/${post.thread_id}?quote=${post.id}#reply`;
    const page = new URLSearchParams(window.location.search).get("page");
    return `/d/${documentId}?${page ? `page=${encodeURIComponent(page)}&` : ""}quote=${post.id}#reply`;
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 400;
  }

  function addPost(post) {
    if (!postsBox || post.thread_id !== threadId || !onLastPage) return;
    const shown = document.getElementById(`post-${post.id}`);
    if (shown) {
      if (!post.pending) approved(shown); // published after waiting: the moderators already had it
      return;
    }
    const follow = nearBottom();
    postsBox.append(renderPost(post));
    if (post.author) clearTypist(post.author.id);
    if (follow || (post.author && post.author.id === me)) return;
    newPosts.hidden = false;
    newPosts.textContent = text.new_posts;
  }

  function approved(article) {
    article.classList.remove("post--pending");
    article.querySelectorAll(".badge--pending, .post__notice--pending").forEach((n) => n.remove());
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
    if (!article || article.classList.contains("post--deleted")) return;
    if (!post.hidden && article.classList.contains("post--hidden")) showAgain(article, post);
    const body = article.querySelector(".post__body");
    if (body && !post.deleted && !post.hidden) body.innerHTML = post.html;
    const foot = article.querySelector(".post__foot");
    if (foot && post.edited_at && !foot.querySelector(".post__edited")) {
      const edited = link(text.edited, `/p/${post.id}/history`);
      edited.className = "muted post__edited";
      foot.prepend(edited);
    }
  }

  function restoreForm(postId) {
    const form = element("form", "inline-form");
    form.method = "post";
    form.action = `/p/${postId}/restore`;
    const button = element("button", "button button--secondary button--small", text.restore);
    button.type = "submit";
    form.append(hiddenInput("csrf_token", csrf), button);
    return form;
  }

  function setReactionsEnabled(article, enabled) {
    article.querySelectorAll(".reactions button").forEach((button) => { button.disabled = !enabled; });
  }

  // post.hidden carries no text. Its author and the moderators keep reading it, marked hidden, as
  // the server renders it for them; everyone else sees only the notice the server would show.
  function hidePost(data) {
    const article = document.getElementById(`post-${data.id}`);
    if (!article || article.classList.contains("post--deleted")) return;
    article.classList.add("post--hidden");
    article.querySelectorAll(".post__notice:not(.post__notice--pending)").forEach((n) => n.remove());
    const notice = element("div", "post__notice");
    notice.append(element("p", "post__gone muted", text.hidden));
    if (moderator) notice.append(restoreForm(data.id));
    article.querySelector(".post__head").after(notice);
    setReactionsEnabled(article, false);
    const seesText = moderator || (me !== null && Number(article.dataset.author) === me);
    if (seesText) { // but a hidden post can no longer be edited, reported or hidden again
      ["edit", "flag", "hide"].forEach((what) => {
        article.querySelectorAll(`a[href$="/p/${data.id}/${what}"]`).forEach((n) => n.remove());
      });
      return;
    }
    article.querySelectorAll(".post__body, .post__reply-to").forEach((n) => n.remove());
    const foot = article.querySelector(".post__foot");
    if (foot) foot.hidden = true; // reactions and actions; back if the post is restored
  }

  // A moderator restored it: post.updated carries the text again.
  function showAgain(article, post) {
    article.classList.remove("post--hidden");
    article.querySelectorAll(".post__notice:not(.post__notice--pending)").forEach((n) => n.remove());
    article.querySelectorAll(":scope > .post__gone").forEach((n) => n.remove());
    const foot = article.querySelector(".post__foot");
    if (!article.querySelector(".post__body")) {
      const body = element("div", "post__body prose");
      if (foot) foot.before(body);
      else article.append(body);
    }
    if (foot) foot.hidden = false;
    setReactionsEnabled(article, true);
    const actions = article.querySelector(".post__actions");
    if (moderator && actions && !actions.querySelector(`a[href$="/p/${post.id}/hide"]`)) {
      actions.append(link(text.hide, `/p/${post.id}/hide`));
    }
  }

  function replaceWithNotice(postId, notice) {
    const article = document.getElementById(`post-${postId}`);
    if (!article) return;
    article.classList.remove("post--hidden", "post--pending");
    article.classList.add("post--deleted");
    article.querySelectorAll(".post__body, .post__foot, .post__reply-to, .post__notice, .post__gone, .badge--pending")
      .forEach((n) => n.remove());
    article.append(element("p", "post__gone muted", notice));
  }

  function deletePost(data) {
    if (data.purged) {
      const article = document.getElementById(`post-${data.id}`);
      if (article) article.remove(); // deleted for good: not even its place stays
      return;
    }
    replaceWithNotice(data.id, text.deleted);
  }

  // --- thread page: the thread itself ----------------------------------------------------------------

  function replyBox() {
    return document.getElementById("reply");
  }

  function lockedNotice() {
    return document.querySelector(".locked-notice");
  }

  function hideReply() {
    [replyBox(), lockedNotice()].forEach((node) => { if (node) node.hidden = true; });
  }

  function buildLockedNotice() {
    const notice = element("div", "card locked-notice");
    notice.setAttribute("role", "note");
    notice.append(element("span", "locked-notice__icon", "🔒"));
    notice.firstChild.setAttribute("aria-hidden", "true");
    const words = element("div");
    words.append(element("p", "locked-notice__title", text.locked), element("p", "muted", text.locked_detail));
    notice.append(words);
    return notice;
  }

  // The same form the server renders for a member, for a thread that was locked when the page loaded
  // (under a document: its comment form).
  function buildReplyBox() {
    const section = element("section", "card reply-box");
    section.id = "reply";
    section.setAttribute("aria-labelledby", "reply-heading");
    const heading = element(documentId ? "h3" : "h2", "", documentId ? text.comment : text.reply);
    heading.id = "reply-heading";
    const form = element("form");
    form.method = "post";
    form.action = documentId ? `/d/${documentId}/comments` : `/t/${threadId}/reply`;
    form.noValidate = true;
    const field = element("div", "field");
    const label = element("label", "visually-hidden", documentId ? text.comment : text.reply);
    label.htmlFor = "body";
    const box = element("textarea");
    box.id = "body";
    box.name = "body";
    box.rows = 6;
    field.append(label, box);
    const send = element("button", "button", documentId ? text.send_comment : text.send_reply);
    send.type = "submit";
    form.append(hiddenInput("csrf_token", csrf), hiddenInput("reply_to", ""), field, send);
    section.append(heading, form);
    return section;
  }

  // Locked: members lose the reply box (a draft stays in it, hidden) and see why; moderators keep
  // it with a note. Unlocked: the box comes back, built here if the page came without one.
  function showLock(locked) {
    if (stopped || document.getElementById("live-banner")) return; // moved or deleted: no replying here
    const reply = replyBox();
    if (moderator) {
      const note = reply && reply.querySelector(".locked-note");
      if (reply && locked && !note) reply.querySelector("h2, h3").after(element("p", "locked-note", `🔒 ${text.locked_note}`));
      if (note && !locked) note.remove();
      return;
    }
    if (!member) return; // the page asks them to join (or sign in) either way
    let notice = lockedNotice();
    if (locked) {
      if (!notice) {
        notice = buildLockedNotice();
        (reply || typingLine).after(notice);
      }
      notice.hidden = false;
      if (reply) reply.hidden = true;
    } else if (reply) {
      reply.hidden = false;
      if (notice) notice.remove();
    } else if (notice) {
      notice.replaceWith(buildReplyBox());
    }
  }

  function badges(thread) {
    const found = [];
    if (thread.pinned) found.push(element("span", "badge badge--pinned", text.pinned));
    if (thread.locked) found.push(element("span", "badge badge--locked", text.locked_badge));
    return found;
  }

  // The thread page's line starts with its badges, each followed by a space, as the server renders it.
  function setHeadBadges(line, thread) {
    line.querySelectorAll(":scope > .badge--pinned, :scope > .badge--locked").forEach((badge) => {
      const space = badge.nextSibling;
      if (space && space.nodeType === Node.TEXT_NODE) space.textContent = space.textContent.replace(/^ /, "");
      badge.remove();
    });
    line.prepend(...badges(thread).flatMap((badge) => [badge, " "]));
  }

  // In a list row the badges follow the title.
  function setRowBadges(title, thread) {
    title.parentNode.querySelectorAll(":scope > .badge--pinned, :scope > .badge--locked").forEach((badge) => {
      const space = badge.previousSibling;
      if (space && space.nodeType === Node.TEXT_NODE && space.textContent === " ") space.remove();
      badge.remove();
    });
    title.after(...badges(thread).flatMap((badge) => [" ", badge]));
  }

  // As Jinja's `truncate(40)` shortens the breadcrumb: whole words, "...", 5 characters of leeway.
  function truncate(title) {
    if (title.length <= 45) return title;
    const cut = title.slice(0, 37);
    const space = cut.lastIndexOf(" ");
    return `${space > 0 ? cut.slice(0, space) : cut}...`;
  }

  function updateThreadPage(thread) {
    const title = document.querySelector(".thread-head h1");
    if (title) title.textContent = thread.title;
    document.title = document.title.replace(/^.*?( · [^·]+)$/, (whole, site) => thread.title + site);
    const crumb = document.querySelector('.breadcrumbs [aria-current="page"]');
    if (crumb && crumb.tagName === "SPAN") crumb.textContent = truncate(thread.title);
    const line = document.querySelector(".thread-head p");
    if (line) {
      setHeadBadges(line, thread);
      if (!thread.locked) {
        line.childNodes.forEach((node) => {
          if (node.nodeType === Node.TEXT_NODE) node.textContent = node.textContent.replace(` · ${text.only_moderators}`, "");
        });
      }
    }
    const toolbar = document.querySelector(".mod-toolbar");
    const lock = toolbar && toolbar.querySelector('button[name="locked"]');
    if (lock) { lock.value = thread.locked ? "0" : "1"; lock.textContent = thread.locked ? text.unlock : text.lock; }
    const pin = toolbar && toolbar.querySelector('button[name="pinned"]');
    if (pin) { pin.value = thread.pinned ? "0" : "1"; pin.textContent = thread.pinned ? text.unpin : text.pin; }
    showLock(thread.locked);
  }

  function threadMoved(data) {
    if (!threadId) { removeRow(data.id); return; }
    if (data.id !== threadId) return;
    const nodes = data.to
      ? [...sentenceWithLink(text.moved, "workspace", data.to.name, `/w/${data.to.slug}`), " ",
        link(text.moved_open, `/t/${threadId}`)]
      : [text.moved_unseen];
    showBanner(nodes, "info");
    hideReply();
    socket.emit("unwatch_thread", { thread: threadId }); // its news now go to the other workspace
  }

  function threadDeleted(data) {
    if (!threadId) { removeRow(data.id); return; }
    if (data.id !== threadId) return;
    showBanner([text.thread_deleted], "warn");
    hideReply();
    if (postsBox) postsBox.replaceChildren();
    document.querySelectorAll(".pager, .mod-toolbar").forEach((n) => n.remove());
  }

  // --- workspace page ------------------------------------------------------------------------------

  const threadList = document.getElementById("thread-list");

  function postsLabel(count) {
    return (count === 1 ? text.posts_one : text.posts_many).replace("{num}", String(count));
  }

  function findRow(id) {
    return threadList ? threadList.querySelector(`.thread-row[data-thread-id="${id}"]`) : null;
  }

  function removeRow(id) {
    const row = findRow(id);
    if (row) row.remove();
  }

  function threadRow(thread) {
    const row = element("li", "thread-row");
    row.dataset.threadId = thread.id;
    const cell = element("div", "thread-row__main");
    const title = link(thread.title, `/t/${thread.id}`);
    title.className = "thread-row__title";
    cell.append(title, element("p", "thread-row__meta muted", thread.author ? thread.author.display_name : ""));
    const stats = element("div", "thread-row__stats");
    stats.append(element("span", "thread-row__count", postsLabel(thread.post_count)));
    const time = element("time", "muted", text.just_now);
    if (thread.last_activity_at) time.dateTime = thread.last_activity_at;
    stats.append(time);
    row.append(cell, stats);
    return row;
  }

  function moveToTop(row, pinned) {
    if (pinned) { threadList.prepend(row); return; }
    const firstUnpinned = threadList.querySelector(".thread-row:not(.thread-row--pinned)");
    if (firstUnpinned && firstUnpinned !== row) threadList.insertBefore(row, firstUnpinned);
    else if (!firstUnpinned) threadList.append(row);
  }

  // Unpinned: back among the others by its latest activity (newest first).
  function placeByActivity(row, thread) {
    const when = Date.parse(thread.last_activity_at);
    const later = [...threadList.querySelectorAll(".thread-row:not(.thread-row--pinned)")].find((other) => {
      const stamp = other.querySelector("time[datetime]");
      return other !== row && stamp && Date.parse(stamp.dateTime) < when;
    });
    if (later) threadList.insertBefore(row, later);
    else threadList.append(row);
  }

  function upsertThread(thread) {
    if (threadId) {
      if (thread.id === threadId) {
        const title = document.querySelector(".thread-head h1");
        if (title) title.textContent = thread.title;
      }
      return;
    }
    if (!workspacePage || thread.document_id) return; // a document's discussion is not in the list
    if (!threadList) { showStatus(text.reload, true); return; }
    let row = findRow(thread.id);
    if (!row) row = threadRow(thread);
    row.querySelector(".thread-row__title").textContent = thread.title;
    row.querySelector(".thread-row__count").textContent = postsLabel(thread.post_count);
    row.querySelector("time").textContent = text.just_now;
    if (thread.last_activity_at) row.querySelector("time").dateTime = thread.last_activity_at;
    row.classList.toggle("thread-row--pinned", thread.pinned);
    moveToTop(row, thread.pinned);
    row.classList.add("thread-row--fresh");
  }

  // thread.updated: renamed, pinned or locked. Not new activity: the row keeps its time.
  function updateThread(thread) {
    if (threadId) {
      if (thread.id === threadId) updateThreadPage(thread);
      return;
    }
    const row = findRow(thread.id);
    if (!row) return;
    const title = row.querySelector(".thread-row__title");
    title.textContent = thread.title;
    setRowBadges(title, thread);
    const wasPinned = row.classList.contains("thread-row--pinned");
    row.classList.toggle("thread-row--pinned", thread.pinned);
    if (thread.pinned && !wasPinned) threadList.prepend(row);
    if (!thread.pinned && wasPinned) placeByActivity(row, thread);
  }

  // --- document pages -----------------------------------------------------------------------------

  let saving = false; // this page's own save is on its way: its event is no news here
  if (editForm) editForm.addEventListener("submit", () => { saving = true; });

  // The revision this page shows, or the one the edit began from (after a merge view: the current one).
  function shownRevision() {
    const base = baseInput ? Number(baseInput.value) : NaN;
    return Number.isInteger(base) && base > 0 ? base : Number(root.dataset.revision || 0);
  }

  function saverName(doc, formerMember) {
    return doc.updated_by ? doc.updated_by.display_name : formerMember;
  }

  // One notice, kept up to date as more saves arrive; on the edit page above the form, else under the
  // line that says which revision is shown.
  function documentNotice(tone) {
    let notice = document.getElementById("doc-newer");
    if (!notice) {
      notice = element("div");
      notice.id = "doc-newer";
      notice.setAttribute("role", "status");
      const saved = document.getElementById("doc-saved");
      if (editing && editForm) editForm.before(notice);
      else if (saved) saved.after(notice);
      else main.prepend(notice);
    }
    notice.className = `alert alert--${tone} doc-newer`;
    return notice;
  }

  function showNewerVersion(doc) {
    const notice = documentNotice("info");
    const show = link(text.doc_show, window.location.pathname + window.location.search);
    show.className = "doc-newer__show";
    show.addEventListener("click", (clicked) => { clicked.preventDefault(); window.location.reload(); });
    const line = element("p");
    line.append(`${fill(text.doc_newer, { number: doc.revision, name: saverName(doc, text.former_member) })} · `, show);
    notice.replaceChildren(line);
    notice.dataset.revision = String(doc.revision);
  }

  // Never touches the form: what is being written stays exactly as it is.
  function warnEditor(doc) {
    const notice = documentNotice("warn");
    const head = element("p");
    head.append(element("strong", "", fill(text.doc_saved_meanwhile,
      { number: doc.revision, name: saverName(doc, text.former_member) })));
    const hint = element("p", "", `${text.doc_merge_hint} `);
    const changes = link(text.doc_see_changes, `/d/${doc.id}/diff?from=${shownRevision()}&to=${doc.revision}`);
    changes.target = "_blank"; // a new tab, so the text being written stays open here
    changes.rel = "noopener";
    hint.append(changes);
    notice.replaceChildren(head, hint);
    notice.dataset.revision = String(doc.revision);
  }

  function documentSaved(doc) {
    upsertDocumentRow(doc);
    if (doc.id !== documentId || doc.revision <= shownRevision()) return; // shown already (one's own save, too)
    if (!editing) showNewerVersion(doc);
    else if (!saving) warnEditor(doc);
  }

  function showCommentCount(thread) {
    if (!documentId || !thread || thread.id !== threadId) return;
    const count = document.querySelector("#comments-heading .muted");
    if (count) count.textContent = `· ${(thread.post_count === 1 ? text.comments_one : text.comments_many)
      .replace("{num}", String(thread.post_count))}`;
    document.querySelectorAll(".doc-no-comments").forEach((n) => n.remove());
  }

  // Jinja's `filesizeformat`: decimal units, one decimal.
  function fileSize(bytes) {
    if (bytes === 1) return "1 Byte";
    if (bytes < 1000) return `${bytes} Bytes`;
    const units = ["kB", "MB", "GB", "TB"];
    let unit = 1000;
    for (const name of units) {
      if (bytes < unit * 1000 || name === "TB") return `${(bytes / unit).toFixed(1)} ${name}`;
      unit *= 1000;
    }
    return `${bytes} Bytes`;
  }

  // As the server renders a file in the list (macros/documents.html, attachment_list).
  function fileItem(file) {
    const item = element("li", "file");
    if (file.thumbnail_url) {
      const thumb = link("", file.url);
      thumb.className = "file__thumb";
      const image = element("img");
      image.src = file.thumbnail_url;
      image.alt = fill(text.file_image, { name: file.name });
      image.loading = "lazy";
      thumb.append(image);
      item.append(thumb);
    } else {
      const dot = file.name.lastIndexOf(".");
      const icon = element("span", "file__icon", dot >= 0 ? file.name.slice(dot + 1, dot + 5).toUpperCase() : "▤");
      icon.setAttribute("aria-hidden", "true");
      item.append(icon);
    }
    const info = element("span", "file__info");
    const name = link(file.name, file.url);
    name.className = "file__name";
    const type = file.content_type || "";
    if (!type.startsWith("image/") && type !== "application/pdf") name.setAttribute("download", "");
    info.append(name, element("span", "file__meta muted", fileSize(file.size)));
    item.append(info);
    return item;
  }

  function attachmentAdded(data) {
    const box = document.getElementById("files");
    if (!documentId || editing || data.document_id !== documentId || !box || !data.attachment) return;
    const file = data.attachment;
    if (box.querySelector(`a.file__name[href$="/attachments/${file.id}"]`)) return; // on the page already
    let list = box.querySelector("ul.files");
    if (!list) {
      list = element("ul", "files");
      box.querySelectorAll(":scope > p.muted").forEach((n) => n.remove()); // "No files yet."
      box.querySelector("h2").after(list);
      box.classList.remove("doc-files--empty");
    }
    list.append(fileItem(file));
    const heading = box.querySelector("h2");
    let badge = heading.querySelector(".count-badge");
    if (!badge) {
      badge = element("span", "count-badge count-badge--quiet");
      heading.append(" ", badge);
    }
    badge.textContent = String(list.children.length);
  }

  // The workspace's document list, newest save first: the saved one moves (or comes) to the top.
  function documentRow(doc) {
    const row = element("li", "thread-row doc-row");
    row.dataset.documentId = doc.id;
    const cell = element("div", "thread-row__main");
    const kind = element("span", "doc-row__kind");
    kind.append(element("span", `badge badge--${doc.kind === "good_practice" ? "practice" : "page"}`,
      text.kinds[doc.kind] || doc.kind));
    const title = link(doc.title, `/d/${doc.id}`);
    title.className = "thread-row__title";
    cell.append(kind, " ", title, element("p", "thread-row__meta muted"));
    const stats = element("div", "thread-row__stats");
    stats.append(element("span", "muted", text.saved), " ", element("time", "muted"));
    row.append(cell, stats);
    return row;
  }

  function upsertDocumentRow(doc) {
    if (!documentList || (documentList.dataset.kind && documentList.dataset.kind !== doc.kind)) return;
    const row = documentList.querySelector(`.doc-row[data-document-id="${doc.id}"]`) || documentRow(doc);
    row.querySelector(".thread-row__title").textContent = doc.title;
    const organisation = doc.kind === "good_practice" && doc.fields ? doc.fields.organisation : "";
    row.querySelector(".thread-row__meta").textContent = (organisation ? `${organisation} · ` : "") +
      fill(text.doc_row_meta, { number: doc.revision, name: saverName(doc, text.a_former_member) });
    const time = row.querySelector("time");
    time.textContent = text.just_now;
    time.dateTime = doc.updated_at;
    time.removeAttribute("title");
    documentList.prepend(row);
    row.classList.remove("thread-row--fresh");
    void row.offsetWidth; // restart the highlight
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
    "post.created": (post) => {
      addPost(post);
      if (post.thread) { upsertThread(post.thread); showCommentCount(post.thread); }
    },
    "post.updated": updatePost,
    "post.deleted": deletePost,
    "post.hidden": hidePost,
    "thread.created": upsertThread,
    "thread.updated": updateThread,
    "thread.moved": threadMoved,
    "thread.deleted": threadDeleted,
    "document.created": upsertDocumentRow,
    "document.updated": documentSaved,
    "attachment.added": attachmentAdded,
  };

  window.addEventListener("beforeunload", () => socket.close());
})();
