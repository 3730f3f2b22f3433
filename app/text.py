"""User text → safe HTML: Markdown rendering, @mentions, allow-list cleaning.

This is the only module in the project that knows about the HTML sanitiser
(nh3, the Python binding of the Rust crate ammonia). Everything it returns is a
plain ``str`` or a small dataclass, so swapping the cleaner is a change to this
file alone. nh3 replaced bleach because bleach's html5lib parser is
super-linear on large tables (a 20,000-row table took 14 s to clean; nh3 takes
0.1 s and releases the GIL while it works).

Defence is layered on purpose:

1. The source is normalised (newlines, control characters) so that what the
   parser sees is what the user meant and nothing hides in invisible bytes.
2. Markdown is parsed with raw HTML disabled, so anything that looks like a
   tag in the source is shown as text; link targets are checked against the
   same URL policy the cleaner uses, so a hostile link never becomes a link.
3. The rendered HTML goes through an explicit allow-list cleaner anyway, so a
   parser bug or a future plugin cannot smuggle in markup we did not expect.

Rendering is bounded: the source may be at most ``MAX_SOURCE`` characters,
blocks nest at most ``MAX_NESTING`` deep, and the parsing and cleaning run off
eventlet's hub (``app.offload``), so a large text never stalls other requests.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.offload import run_off_hub

__all__ = [
    "MAX_NESTING",
    "MAX_SOURCE",
    "MentionResolver",
    "RenderedText",
    "SourceTooLong",
    "clean_html",
    "excerpt",
    "render_markdown",
]

MAX_SOURCE = 200_000
"""The longest Markdown source rendered, in characters (a document's limit; posts are shorter).
Parsing is linear but pure Python: up to a few seconds for 200 kB of the worst shapes."""

MAX_NESTING = 20
"""How deep blocks and inline markup may nest (quotes in quotes, lists in lists): markdown-it stops
there, and what is nested deeper is left out. It keeps the parser's recursion and the HTML's depth
small; no real text nests twenty quotes deep."""


class SourceTooLong(ValueError):
    """A text longer than ``MAX_SOURCE`` was given to render: the caller forgot its length check."""


@dataclass(frozen=True)
class RenderedText:
    """Result of rendering a post: the HTML and who it mentions.

    The mentions travel with the HTML so callers can notify exactly the users
    that ended up linked, without parsing the HTML again.
    """

    html: str
    mentions: frozenset[str]


MentionResolver = Callable[[set[str]], Mapping[str, str]]
"""Gets the lowercase handles seen in a text, returns ``{handle: profile_url}``
for those that are real users. Called at most once per render, and only when
there is at least one candidate, so it can be a single database query."""


# --------------------------------------------------------------------------
# Policy: what is allowed in stored HTML
# --------------------------------------------------------------------------

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

ALLOWED_PROTOCOLS: frozenset[str] = frozenset({"http", "https", "mailto"})

LINK_REL = "nofollow ugc noopener"
MENTION_CLASS = "mention"
ALIGN_CLASSES: Mapping[str, str] = {
    "left": "align-left",
    "center": "align-center",
    "right": "align-right",
}

_LANGUAGE_RE = re.compile(r"[a-z0-9+#-]{1,32}")
_CODE_CLASS_RE = re.compile(r"language-[a-z0-9+#-]{1,32}")
_OL_START_RE = re.compile(r"[0-9]{1,9}")
_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.-]*):")
# Browsers ignore these inside or around a scheme ("java\tscript:"), so we do
# too before deciding what the scheme is.
_URL_NOISE_RE = re.compile(r"[`\x00-\x20\x7f-\xa0\s]+")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
# C0 controls except \t and \n, plus DEL: never meaningful in a post, and
# some of them (NUL) are treated differently by different parsers.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WHITESPACE_RE = re.compile(r"\s+")


def is_allowed_url(url: str) -> bool:
    """Return True if ``url`` may be used as a link target.

    Only http, https, mailto and site-relative ("/…") URLs pass. The value is
    normalised the way a browser would read it (entities decoded, whitespace
    and control characters dropped, lowercased) before the scheme is checked,
    so obfuscated ``jav&#x09;ascript:`` forms are caught; anything we cannot
    classify is refused rather than guessed at.
    """
    normalised = html.unescape(url)
    normalised = _URL_NOISE_RE.sub("", normalised)
    normalised = _NON_ASCII_RE.sub("", normalised).lower()
    if normalised.startswith("/"):
        return True
    match = _SCHEME_RE.match(normalised)
    return match is not None and match.group(1) in ALLOWED_PROTOCOLS


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    """Attribute allow-list for the cleaner: tag, attribute and value.

    Values are checked too, because e.g. ``class`` is only harmless with the
    few values our CSS defines, and ``href`` only with an allowed scheme.
    ``rel`` is not accepted from input: it is always set by ``_LinkRelFilter``.
    """
    if tag == "a":
        if name == "href":
            return is_allowed_url(value)
        if name == "title":
            return True
        return name == "class" and value == MENTION_CLASS
    if tag == "code":
        return name == "class" and _CODE_CLASS_RE.fullmatch(value) is not None
    if tag == "ol":
        return name == "start" and _OL_START_RE.fullmatch(value) is not None
    if tag in ("th", "td"):
        return name == "class" and value in ALIGN_CLASSES.values()
    return False


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    """nh3's per-attribute callback: keep the value if ``_allow_attribute`` allows it.

    nh3 calls it for the ``rel`` it added to a link too (input ``rel`` is
    already gone by then, not being allowed): that one is always ours.
    """
    if tag == "a" and name == "rel":
        return LINK_REL
    return value if _allow_attribute(tag, name, value) else None


# Immutable once built, so one cleaner serves every thread. ``rel`` is not in
# the allowed attributes: nh3 sets it on every <a> (``link_rel``), so user
# links get no SEO credit and cannot reach ``window.opener``; ``target`` is
# never added (users decide about tabs). Script and style lose their content.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={"a": {"href", "title", "class"}, "code": {"class"}, "ol": {"start"},
                "th": {"class"}, "td": {"class"}},
    attribute_filter=_attribute_filter,
    url_schemes=set(ALLOWED_PROTOCOLS),
    link_rel=LINK_REL,
    strip_comments=True,
)


def clean_html(html: str) -> str:
    """Reduce arbitrary HTML to the allow-list; the last line of defence.

    Disallowed tags are removed (their text content is kept), comments are
    dropped, disallowed attributes and URLs are removed, and every link gets
    ``rel="nofollow ugc noopener"``.
    """
    return _CLEANER.clean(html)


# --------------------------------------------------------------------------
# Source normalisation
# --------------------------------------------------------------------------


def _normalise_source(source: str) -> str:
    """Unify newlines and drop control characters before parsing.

    Done first so that the parser, the mention finder and the excerpt all see
    the same text, and invisible bytes cannot split a keyword the cleaner
    would otherwise recognise.
    """
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", text)


# --------------------------------------------------------------------------
# Token-stream rules (markdown-it core rules)
# --------------------------------------------------------------------------


def _plain_text(tokens: Sequence[Token] | None) -> str:
    """Text content of inline tokens, markup dropped (for alt text, excerpts)."""
    parts: list[str] = []
    for token in tokens or ():
        if token.type in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.children:
            parts.append(_plain_text(token.children))
    return "".join(parts)


def _inline_tokens(tokens: Sequence[Token]) -> Iterator[tuple[Token, list[Token]]]:
    """Block-level ``inline`` tokens with their children (where text lives)."""
    for token in tokens:
        if token.type == "inline" and token.children:
            yield token, token.children


def _images_to_links(state: Any) -> None:
    """Render ``![alt](url)`` as a plain link to the URL, labelled with alt.

    ``<img>`` is not allowed (attachments handle images; remote images leak
    readers' IP addresses). An image inside a link becomes just its text so
    we never produce nested ``<a>``.
    """
    for inline, children in _inline_tokens(state.tokens):
        result: list[Token] = []
        link_depth = 0
        for token in children:
            if token.type == "link_open":
                link_depth += 1
            elif token.type == "link_close":
                link_depth -= 1
            if token.type != "image":
                result.append(token)
                continue
            src = token.attrGet("src") or ""
            label = _plain_text(token.children) or str(src)
            if link_depth > 0:
                result.append(_text_token(label, token.level))
                continue
            link = Token("link_open", "a", 1, level=token.level)
            link.attrSet("href", str(src))
            title = token.attrGet("title")
            if title:
                link.attrSet("title", str(title))
            result += [
                link,
                _text_token(label, token.level + 1),
                _close_link(token.level),
            ]
        inline.children = result


def _table_align_to_class(state: Any) -> None:
    """Turn markdown-it's ``style="text-align:…"`` on cells into a class.

    Inline styles are not allowed at all (a CSS parser is attack surface we
    do not need); a fixed class keeps the alignment the author asked for.
    """
    for token in state.tokens:
        if token.type not in ("th_open", "td_open"):
            continue
        style = str(token.attrGet("style") or "")
        token.attrs.pop("style", None)
        align = style.partition(":")[2].strip()
        if align in ALIGN_CLASSES:
            token.attrSet("class", ALIGN_CLASSES[align])


def _safe_fence_language(state: Any) -> None:
    """Keep only a simple language name from a fence's info string.

    ``language-xxx`` classes are what highlighters look for; anything beyond
    ``[a-z0-9+#-]`` has no use there and is dropped rather than escaped.
    """
    for token in state.tokens:
        if token.type != "fence":
            continue
        words = html.unescape(token.info).strip().split()
        language = words[0].lower() if words else ""
        token.info = language if _LANGUAGE_RE.fullmatch(language) else ""


def _flatten_deep_inline(state: Any) -> None:
    """Show emphasis nested deeper than ``MAX_NESTING`` as its plain markers.

    markdown-it caps the nesting of blocks, but pairs ``*`` and ``**`` after
    parsing, so ``*****…a…*****`` would nest thousands of elements deep. The
    pairs beyond the cap become their text (``**``), so nothing is lost.
    """
    for _, children in _inline_tokens(state.tokens):
        deep: list[bool] = []
        for index, token in enumerate(children):
            if token.nesting == 1:
                deep.append(len(deep) >= MAX_NESTING)
                flatten = deep[-1]
            elif token.nesting == -1 and deep:
                flatten = deep.pop()
            else:
                continue
            if flatten:
                children[index] = _text_token(token.markup, token.level)


# --------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------

# Greedy on purpose: the length limit is checked after trailing dots are
# stripped, so an over-long run is not mistaken for a shorter real handle.
_MENTION_RE = re.compile(r"(?<!\w)@([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)
_HANDLE_MIN, _HANDLE_MAX = 2, 39


@dataclass(frozen=True)
class _Mention:
    start: int  # index of "@"
    end: int  # index after the handle (trailing dots excluded)
    handle: str  # lowercase


def _find_mentions(text: str, preceding: str) -> list[_Mention]:
    """Find ``@handle`` spans in one text token.

    ``preceding`` is the last character of the previous text token, so a
    mention split from a word by an escape (``a\\_@bob``) is still refused.
    """
    found: list[_Mention] = []
    for match in _MENTION_RE.finditer(text):
        if match.start() == 0 and re.match(r"\w", preceding):
            continue
        raw = match.group(1).rstrip(".")
        if not _HANDLE_MIN <= len(raw) <= _HANDLE_MAX:
            continue
        found.append(_Mention(match.start(), match.start() + 1 + len(raw), raw.lower()))
    return found


def _mention_candidates(
    inline_children: list[Token],
) -> Iterator[tuple[int, list[_Mention]]]:
    """Yield ``(index, mentions)`` for text tokens outside links.

    Only ``text`` tokens are scanned: code spans are ``code_inline`` and code
    blocks are not inline at all, so they are skipped by construction.
    Escapes (``text_special``) are not scanned, so ``\\@bob`` stays literal.
    """
    link_depth = 0
    preceding = ""
    for index, token in enumerate(inline_children):
        if token.type == "link_open":
            link_depth += 1
        elif token.type == "link_close":
            link_depth -= 1
        elif token.type == "text" and link_depth == 0:
            mentions = _find_mentions(token.content, preceding)
            if mentions:
                yield index, mentions
        is_text = token.type in ("text", "text_special")
        preceding = token.content[-1:] if is_text and token.content else ""


def _text_token(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


def _close_link(level: int) -> Token:
    return Token("link_close", "a", -1, level=level)


def _split_text_token(
    token: Token, mentions: list[_Mention], urls: Mapping[str, str]
) -> tuple[list[Token], set[str]]:
    """Replace one text token by text + mention links for known handles."""
    result: list[Token] = []
    linked: set[str] = set()
    position = 0
    text = token.content
    for mention in mentions:
        url = urls.get(mention.handle)
        if url is None:
            continue
        if mention.start > position:
            result.append(_text_token(text[position : mention.start], token.level))
        link = Token("link_open", "a", 1, level=token.level)
        link.attrSet("href", url)
        link.attrSet("class", MENTION_CLASS)
        label = _text_token(text[mention.start : mention.end], token.level + 1)
        result += [link, label, _close_link(token.level)]
        linked.add(mention.handle)
        position = mention.end
    if position < len(text):
        result.append(_text_token(text[position:], token.level))
    return result, linked


def _resolve(resolver: MentionResolver, handles: set[str]) -> dict[str, str]:
    """Call the resolver and keep only answers we asked for with usable URLs.

    Defensive because the resolver is the caller's code: keys are matched
    case-insensitively and a URL our policy refuses is ignored, so a bad
    profile URL degrades to plain text instead of a broken or unsafe link.
    """
    answer = resolver(set(handles))
    urls: dict[str, str] = {}
    for handle, url in answer.items():
        key = handle.lower()
        if key in handles and isinstance(url, str) and is_allowed_url(url):
            urls[key] = url
    return urls


def _link_mentions(state: Any) -> None:
    """Core rule: collect ``@handle`` candidates, or link those already resolved.

    The resolver asks the database, which cannot be done from the thread the
    parser runs in (``app.offload``). So ``render_markdown`` parses twice when
    a text has candidates: first with ``env["mention_handles"]`` (a set this
    rule fills), then, after resolving them once, with ``env["mention_urls"]``,
    when text tokens are split around the known mentions. Works on tokens (not
    HTML) so code and existing links are never touched.
    """
    plan: list[tuple[list[Token], list[tuple[int, list[_Mention]]]]] = []
    handles: set[str] = set()
    for _, children in _inline_tokens(state.tokens):
        found = list(_mention_candidates(children))
        if found:
            plan.append((children, found))
            handles.update(m.handle for _, mentions in found for m in mentions)
    collected: set[str] | None = state.env.get("mention_handles")
    if collected is not None:
        collected.update(handles)
    urls: Mapping[str, str] = state.env.get("mention_urls") or {}
    if not handles or not urls:
        return
    linked: set[str] = state.env.setdefault("mentions", set())
    for children, found in plan:
        for index, mentions in reversed(found):  # reversed keeps indices valid
            replacement, names = _split_text_token(children[index], mentions, urls)
            children[index : index + 1] = replacement
            linked.update(names)


# --------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------


def _build_parser() -> MarkdownIt:
    """CommonMark + tables + strikethrough + linkify, raw HTML off.

    ``html=False`` means tags in the source render as visible text. Link
    validation uses our URL policy so refused links stay literal text.
    """
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True, "maxNesting": MAX_NESTING})
    parser.enable(["table", "strikethrough", "linkify"])
    parser.validateLink = is_allowed_url  # type: ignore[method-assign]
    parser.core.ruler.before("text_join", "images_to_links", _images_to_links)
    parser.core.ruler.before("text_join", "link_mentions", _link_mentions)
    parser.core.ruler.push("table_align_to_class", _table_align_to_class)
    parser.core.ruler.push("safe_fence_language", _safe_fence_language)
    parser.core.ruler.push("flatten_deep_inline", _flatten_deep_inline)
    return parser


_PARSER = _build_parser()


def _bounded_source(source: str) -> str:
    """The normalised source, refused (``SourceTooLong``) if over ``MAX_SOURCE``.

    Every caller checks the length first and tells the person; this is the
    guarantee that no path renders an unbounded text.
    """
    if len(source) > MAX_SOURCE:
        raise SourceTooLong(f"{len(source)} characters to render, at most {MAX_SOURCE}")
    return _normalise_source(source)


def _mention_handles(text: str) -> set[str]:
    """The lowercase ``@handle`` candidates of a normalised text (parsing only)."""
    handles: set[str] = set()
    _PARSER.parse(text, {"mention_handles": handles})
    return handles


def _render(text: str, urls: Mapping[str, str]) -> RenderedText:
    """Parse, render and clean a normalised text, linking the mentions in ``urls``."""
    env: dict[str, Any] = {"mention_urls": urls}
    rendered = _PARSER.render(text, env)
    return RenderedText(html=clean_html(rendered), mentions=frozenset(env.get("mentions", ())))


def render_markdown(
    source: str, resolve_mentions: MentionResolver | None = None
) -> RenderedText:
    """Render user Markdown to cleaned HTML and report linked mentions.

    The HTML is safe to store and to output unescaped. ``mentions`` holds the
    lowercase handles that became links (only those the resolver knew). The
    parsing and cleaning run off the hub; only the resolver runs here, in the
    caller's context, once and only if the text has candidates.
    """
    text = _bounded_source(source)
    urls: dict[str, str] = {}
    if resolve_mentions is not None:
        handles = run_off_hub(_mention_handles, text)
        if handles:
            urls = _resolve(resolve_mentions, handles)
    return run_off_hub(_render, text, urls)


# --------------------------------------------------------------------------
# Excerpts
# --------------------------------------------------------------------------

_ELLIPSIS = "…"
_TRAILING_PUNCTUATION = " \t\n,;:-–—"


def _document_text(source: str) -> str:
    """All visible text of a Markdown document, one space between blocks."""
    tokens = _PARSER.parse(_bounded_source(source), {})
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.append(_plain_text(token.children))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
    return _WHITESPACE_RE.sub(" ", " ".join(parts)).strip()


def _truncate(text: str, length: int) -> str:
    """Cut ``text`` to at most ``length`` characters at a word boundary.

    The ellipsis counts toward the length so the result fits wherever
    ``length`` was chosen to fit. A single word longer than the limit is
    cut mid-word: better than returning nothing.
    """
    if len(text) <= length:
        return text
    budget = length - len(_ELLIPSIS)
    cut = text[:budget]
    if not text[budget].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(_TRAILING_PUNCTUATION) + _ELLIPSIS


def excerpt(source: str, length: int = 160) -> str:
    """Plain-text preview of Markdown for lists, notifications and meta tags.

    Markup is removed (link text and image alt text are kept), whitespace is
    collapsed and long text is cut at a word boundary with "…". The result is
    plain text, not HTML: escape it when putting it into a page.
    """
    if length < 1:
        raise ValueError("length must be positive")
    return _truncate(_document_text(source), length)
