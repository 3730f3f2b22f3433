"""Tests for app.text: XSS regression suite plus user-visible rendering.

The hostile inputs are checked structurally, not by substring: the output is
parsed with the stdlib HTML parser and every element, attribute and URL must
be on the allow-list. A payload that survives as *visible text* is fine; one
that survives as markup is a failure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser

import pytest

from app.text import RenderedText, clean_html, excerpt, render_markdown

# --------------------------------------------------------------------------
# The checker
# --------------------------------------------------------------------------

ALLOWED: dict[str, frozenset[str]] = {
    **{
        tag: frozenset()
        for tag in (
            "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
            "strong", "em", "del", "s", "pre", "blockquote",
            "ul", "li", "table", "thead", "tbody", "tr",
        )
    },
    "a": frozenset({"href", "title", "class", "rel"}),
    "code": frozenset({"class"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"class"}),
    "td": frozenset({"class"}),
}  # fmt: skip
REL = "nofollow ugc noopener"
SAFE_SCHEMES = {"http", "https", "mailto"}
CLASS_VALUES = {
    "a": re.compile(r"mention"),
    "code": re.compile(r"language-[a-z0-9+#-]+"),
    "th": re.compile(r"align-(left|center|right)"),
    "td": re.compile(r"align-(left|center|right)"),
}


def url_is_safe(url: str) -> bool:
    """Browser-like reading of an href: is it http(s)/mailto or relative?

    Browsers drop tabs and newlines anywhere in a URL and strip leading and
    trailing C0 controls and spaces, then match the scheme case-insensitively.
    We are stricter: every non-ASCII and control character is dropped too.
    """
    cleaned = re.sub(r"[\x00-\x20\x7f-\xa0\s]", "", url)
    cleaned = re.sub(r"[^\x00-\x7f]", "", cleaned).lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    if scheme:
        return scheme.group(1) in SAFE_SCHEMES
    # No scheme: relative. Must not hide a scheme behind an escaped colon.
    return ":" not in cleaned.split("/", 1)[0] and "&" not in cleaned.split("/")[0]


class AllowListChecker(HTMLParser):
    """Collect every way an HTML string departs from the allow-list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.problems.append(f"element <{tag}>")
            return
        seen = dict(attrs)
        for name, value in attrs:
            if name not in ALLOWED[tag]:
                self.problems.append(f"attribute {name!r} on <{tag}>")
            elif value is None:
                self.problems.append(f"valueless attribute {name!r} on <{tag}>")
            else:
                self._check_value(tag, name, value)
        if tag == "a":
            self.links += 1
            if seen.get("rel") != REL:
                self.problems.append(f"<a> without rel={REL!r}: {attrs}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def _check_value(self, tag: str, name: str, value: str) -> None:
        if name == "href" and not url_is_safe(value):
            self.problems.append(f"unsafe href {value!r}")
        if name == "class" and not CLASS_VALUES[tag].fullmatch(value):
            self.problems.append(f"class {value!r} on <{tag}>")
        if name == "start" and not value.isdigit():
            self.problems.append(f"start={value!r}")
        if name == "rel" and value != REL:
            self.problems.append(f"rel={value!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED:
            self.problems.append(f"end tag </{tag}>")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"unknown declaration (CDATA?) {data!r}")


_TAG_LIKE = re.compile(r"<\s*/?\s*([a-zA-Z][^\s/>]*)")


def assert_safe(html: str) -> None:
    """Fail unless ``html`` contains only allow-listed markup.

    Two independent views: a real parser, and a raw scan for anything that
    starts like a tag, a comment or a declaration (in case the stdlib parser
    is more forgiving than a browser about some malformed construct).
    """
    checker = AllowListChecker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, f"{checker.problems}\nin: {html[:2000]!r}"
    for match in _TAG_LIKE.finditer(html):
        assert match.group(1).lower() in ALLOWED, f"tag-like {match.group(0)!r}"
    assert "<!" not in html and "<?" not in html, html[:2000]


def resolver(handles: set[str]) -> Mapping[str, str]:
    """Test resolver: bob, alice and b.c exist."""
    return {h: f"/u/{h}" for h in handles if h in {"bob", "alice", "b.c"}}


# --------------------------------------------------------------------------
# Hostile inputs (used for both render_markdown and clean_html)
# --------------------------------------------------------------------------

JS = "javascript:alert(1)"
HOSTILE: list[str] = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script/xss src=x></script>",
    "<<script>alert(1);//<</script>",
    "<script>alert(1)",
    "<ScRiPt>alert(document.cookie)</sCrIpT>",
    "<script\n>alert(1)</script\n>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    '<a href="http://ok.example" onclick="alert(1)">x</a>',
    "<p style=x onclick=alert(1)>p</p>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>m</marquee>",
    "<img/src=x/onerror=alert(1)>",
    '<img src="x` `<script>alert(1)</script>"` `>',
    # svg / math
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate attributeName=href values=javascript:alert(1) /></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></svg>",
    '<svg><use href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/></svg>',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    # Markdown inline links
    f"[x]({JS})",
    "[x](JavaScript:alert(1))",
    f"[x]( {JS})",
    f"[x](<{JS}>)",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;&#x76;&#x61;script:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#x0A;ascript:alert(1))",
    "[x](&#0000106&#0000097vascript:alert(1))",
    "[x](jav\tascript:alert(1))",
    "[x](java\x00script:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/png;base64,AAAA)",
    "[x](file:///etc/passwd)",
    "[x](javascript:alert&#40;1&#41;)",
    "[x](%6A%61vascript:alert(1))",
    "[x](javascript:/*-->alert(1))",
    # reference links
    f"[x][r]\n\n[r]: {JS}",
    f'[r]\n\n[r]: <{JS}> "t"',
    "[r][]\n\n[r]: &#106;avascript:alert(1)",
    "[x][r]\n\n[r]: data:text/html,<script>alert(1)</script>",
    # autolinks
    f"<{JS}>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    '<http://a.example/"onmouseover="alert(1)>',
    # bare text that linkify might pick up
    JS,
    "see javascript://example.com/%0Aalert(1)",
    'www.example.com/"onmouseover="alert(1)',
    "http://example.com/<script>alert(1)</script>",
    # images (rendered as links)
    f"![x]({JS})",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    '![<img src=x onerror=alert(1)>](http://i.example/x.png "<script>")',
    f"[![a](http://i.example/a.png)]({JS})",
    # titles breaking out of quotes
    '[x](http://a.example "t\\" onmouseover=\\"alert(1)")',
    "[x](http://a.example 'it''s' onmouseover=alert(1))",
    '[x](http://a.example "><script>alert(1)</script>)',
    '[x](http://a.example"onmouseover="alert(1))',
    '[x](http://a.example/?q="><script>alert(1)</script>)',
    '[x](http://a.example/#"><svg onload=alert(1)>)',
    "[<img src=x onerror=alert(1)>](http://a.example)",
    # style
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="behavior: url(x.htc)">x</div>',
    "<style>*{x:expression(alert(1))}</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    # iframes, objects, embeds, forms, meta
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<button formaction=javascript:alert(1)>x</button>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<a href="http://ok.example" target="_blank">tab</a>',
    "<isindex action=javascript:alert(1) type=image>",
    # comments, CDATA, declarations
    "<!-- <script>alert(1)</script> -->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!DOCTYPE html><html><body>x",
    '<?xml version="1.0"?><x>',
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    # unclosed / malformed
    '<a href="javascript:alert(1)"',
    "<img src=x onerror=alert(1)//",
    "<div <script>alert(1)</script>",
    "<a href=javascript:alert(1)>x",
    '<a href="http://ok.example/"" onclick=alert(1)>x</a>',
    "</p><script>alert(1)</script><p>",
    # mentions with markup
    "@<script>alert(1)</script>",
    "@bob<img src=x onerror=alert(1)>",
    '@bob"onmouseover="alert(1)',
    f"[@bob]({JS})",
    f"@bob]({JS})",
    "@bob.<script>@alice</script>",
    # code containing HTML
    "```\n<script>alert(1)</script>\n```",
    '```html" onclick="alert(1)\n<b>x</b>\n```',
    "```<script>\nx\n```",
    "`<img src=x onerror=alert(1)>`",
    "    <iframe src=javascript:alert(1)></iframe>",
    "~~~ javascript:alert(1)\n<svg onload=alert(1)>\n~~~",
    # nested quotes / lists / tables
    "> > > <script>alert(1)</script>",
    f"> [x]({JS})\n> > ![y](vbscript:z)",
    "> " * 100 + "<b>deep</b>",
    "- " * 60 + f"[x]({JS})",
    f"| <script> | b |\n|---|---|\n| [x]({JS}) | <img src=x onerror=alert(1)> |",
    "| a |\n|:-:|\n| <td style=x onclick=alert(1)> |",
    # unicode tricks
    "[x](java\u200bscript:alert(1))",
    "[x](\u3000javascript:alert(1))",
    "[x](\uff4a\uff41\uff56\uff41script:alert(1))",
    "[x](javascript\uff1aalert(1))",
    "<scr\u0130pt>alert(1)</scr\u0130pt>",
    "\u202e[x](http://evil.example)",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "[x](jav\u00adascript:alert(1))",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "<a href='\u2028javascript:alert(1)'>x</a>",
    # very long
    "<script>" * 5000,
    "[x](" + "javascript:" * 2000 + ")",
    "a" * 100_000 + "<script>alert(1)</script>",
    "[" * 10_000 + f"]({JS})",
    "*" * 20_000 + "<b>",
    "@" + "a" * 5000,
    "<" * 30_000 + "a href=javascript:alert(1)>",
]


def test_hostile_inputs_are_distinct_and_plenty() -> None:
    assert len(set(HOSTILE)) == len(HOSTILE)
    assert len(HOSTILE) >= 80


@pytest.mark.parametrize("source", HOSTILE, ids=lambda s: repr(s[:40]))
def test_render_markdown_output_is_allow_listed(source: str) -> None:
    rendered = render_markdown(source, resolver)
    assert_safe(rendered.html)
    assert render_markdown(source, resolver) == rendered  # deterministic


@pytest.mark.parametrize("source", HOSTILE, ids=lambda s: repr(s[:40]))
def test_clean_html_output_is_allow_listed(source: str) -> None:
    cleaned = clean_html(source)
    assert_safe(cleaned)
    assert clean_html(cleaned) == cleaned  # stable when re-cleaned


@pytest.mark.parametrize(
    "url",
    [
        JS,
        "javascript:void(0)",
        " javascript:x",
        "java\tscript:x",
        "java\nscript:x",
        "&#106;avascript:x",
        "vbscript:x",
        "data:text/html,x",
        "file:///etc/passwd",
    ],
)
def test_hostile_mention_url_from_resolver_is_not_linked(url: str) -> None:
    out = render_markdown("hi @bob", lambda handles: {"bob": url})
    assert_safe(out.html)
    assert out.mentions == frozenset()
    assert "<a" not in out.html


def test_checker_catches_unsafe_markup() -> None:
    """The checker itself must fail on the things it is meant to catch."""
    for bad in [
        "<script>x</script>",
        '<a href="javascript:x" rel="nofollow ugc noopener">x</a>',
        '<a href="jav&#x09;ascript:x" rel="nofollow ugc noopener">x</a>',
        '<a href="http://x">no rel</a>',
        '<p onclick="x">x</p>',
        '<p style="x">x</p>',
        "<img src=x>",
        "<!-- c -->",
        '<code class="evil">x</code>',
    ]:
        with pytest.raises(AssertionError):
            assert_safe(bad)


# --------------------------------------------------------------------------
# What a user would notice
# --------------------------------------------------------------------------


def html_of(source: str) -> str:
    return render_markdown(source, resolver).html


def test_paragraphs_and_line_breaks() -> None:
    assert html_of("one\n\ntwo") == "<p>one</p>\n<p>two</p>\n"
    assert html_of("line  \nbreak") == "<p>line<br>\nbreak</p>\n"


def test_emphasis_strong_strikethrough() -> None:
    out = html_of("*em* **strong** ~~gone~~")
    assert "<em>em</em>" in out
    assert "<strong>strong</strong>" in out
    assert "<s>gone</s>" in out


def test_lists() -> None:
    assert html_of("- a\n- b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
    assert '<ol start="3">' in html_of("3. c\n4. d")


def test_headings_and_rule() -> None:
    out = html_of("# Big\n\n### Small\n\n---")
    assert "<h1>Big</h1>" in out and "<h3>Small</h3>" in out and "<hr>" in out


def test_table_alignment_becomes_class() -> None:
    out = html_of("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th class="align-left">a</th>' in out
    assert '<td class="align-center">2</td>' in out
    assert '<td class="align-right">3</td>' in out
    assert "style" not in out


def test_fenced_code_keeps_language_class_and_escapes_html() -> None:
    out = html_of("```Python\n<b>if</b> x:\n```")
    assert out == (
        '<pre><code class="language-python">&lt;b&gt;if&lt;/b&gt; x:\n</code></pre>\n'
    )
    assert '<code class="language-c#">' in html_of("```c#\nx\n```")
    assert html_of('```evil"x\ny\n```') == "<pre><code>y\n</code></pre>\n"


def test_blockquotes() -> None:
    out = html_of("> quoted\n> > nested")
    assert out.count("<blockquote>") == 2 and "<p>quoted</p>" in out


def test_links_get_rel_and_no_target() -> None:
    out = html_of('[site](https://example.fi/a?b=1&c=2 "Title")')
    assert out == (
        '<p><a href="https://example.fi/a?b=1&amp;c=2" title="Title"'
        ' rel="nofollow ugc noopener">site</a></p>\n'
    )
    assert "target" not in html_of("<https://example.fi>")


def test_bare_urls_are_linkified() -> None:
    out = html_of("see https://example.fi/x and www.example.com.")
    assert '<a href="https://example.fi/x" rel="nofollow ugc noopener">' in out
    assert '<a href="http://www.example.com" rel="nofollow ugc noopener">' in out


def test_relative_links_allowed_only_from_root() -> None:
    assert '<a href="/t/42" rel="nofollow ugc noopener">' in html_of("[t](/t/42)")
    assert "<a" not in html_of("[t](t/42)")


def test_javascript_link_stays_visible_text() -> None:
    out = html_of(f"[click]({JS})")
    assert "<a" not in out
    assert "[click](javascript:alert(1))" in out


def test_images_become_links_with_alt_text() -> None:
    out = html_of('![a cat](https://img.example/cat.png "Cat")')
    assert out == (
        '<p><a href="https://img.example/cat.png" title="Cat"'
        ' rel="nofollow ugc noopener">a cat</a></p>\n'
    )
    assert "<img" not in out
    nested = html_of("[![pic](https://i.example/p.png)](https://l.example)")
    assert nested.count("<a ") == 1 and ">pic</a>" in nested


def test_raw_html_is_visible_text() -> None:
    assert html_of("<b>bold?</b>") == "<p>&lt;b&gt;bold?&lt;/b&gt;</p>\n"
    assert "&lt;script&gt;" in html_of("<script>alert(1)</script>")


def test_control_characters_removed_and_newlines_normalised() -> None:
    assert html_of("a\x00b\x07c\x7f") == "<p>abc</p>\n"
    assert html_of("one\r\n\r\ntwo\rthree") == "<p>one</p>\n<p>two\nthree</p>\n"
    assert "\t" in html_of("```\n\tindented\n```")


def test_clean_html_strips_but_keeps_text() -> None:
    out = clean_html('<p onclick="x">hi <img src=x> <a href="http://x.fi">x</a></p>')
    assert out == '<p>hi  <a href="http://x.fi" rel="nofollow ugc noopener">x</a></p>'
    assert clean_html("<!-- secret --><p>x</p>") == "<p>x</p>"


# --------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------


def test_known_mentions_are_linked_unknown_left_alone() -> None:
    out = render_markdown("hi @Bob and @carol!", resolver)
    assert out == RenderedText(
        html='<p>hi <a href="/u/bob" class="mention" rel="nofollow ugc noopener">'
        "@Bob</a> and @carol!</p>\n",
        mentions=frozenset({"bob"}),
    )


def test_resolver_gets_lowercase_candidates_once() -> None:
    calls: list[set[str]] = []

    def recording(handles: set[str]) -> Mapping[str, str]:
        calls.append(set(handles))
        return resolver(handles)

    out = render_markdown("@Bob @ALICE\n\n> @bob @dave.", recording)
    assert calls == [{"bob", "alice", "dave"}]
    assert out.mentions == frozenset({"bob", "alice"})


def test_resolver_not_called_without_candidates() -> None:
    def exploding(handles: set[str]) -> Mapping[str, str]:
        raise AssertionError("should not be called")

    assert render_markdown("no mentions here, a@b.fi", exploding).mentions == set()


def test_no_resolver_means_no_mention_links() -> None:
    out = render_markdown("@bob")
    assert out == RenderedText(html="<p>@bob</p>\n", mentions=frozenset())


def test_trailing_dots_stripped_inner_dots_kept() -> None:
    out = html_of("thanks @bob. and @b.c")
    assert ">@bob</a>." in out
    assert '<a href="/u/b.c" class="mention"' in out


@pytest.mark.parametrize(
    "source",
    [
        "mail bob@example.fi",
        "mail x@bob",
        "`@bob`",
        "```\n@bob\n```",
        "    @bob",
        "[see @bob](https://example.fi)",
        "https://example.fi/@bob",
        "\\@bob",
        "x\\_@bob",
        "@b",
        "@" + "b" * 40,
        "@.bob",
        "![@bob](https://i.example/x.png)",
    ],
)
def test_not_a_mention(source: str) -> None:
    out = render_markdown(source, resolver)
    assert out.mentions == frozenset()
    assert 'class="mention"' not in out.html


def test_mentions_in_emphasis_lists_and_tables() -> None:
    out = render_markdown("**@bob**\n\n- @alice\n\n| h |\n|---|\n| @bob |", resolver)
    assert out.mentions == frozenset({"bob", "alice"})
    assert out.html.count('class="mention"') == 3


# --------------------------------------------------------------------------
# Excerpts
# --------------------------------------------------------------------------


def test_excerpt_strips_markup() -> None:
    source = (
        "# Title\n\nSome **bold** and [a link](https://x.fi) `code`\n\n- one\n- two"
    )
    assert excerpt(source) == "Title Some bold and a link code one two"


def test_excerpt_cuts_at_word_boundary() -> None:
    text = excerpt("alpha beta gamma delta epsilon", length=18)
    assert text == "alpha beta gamma…"
    assert len(text) <= 18


def test_excerpt_short_text_unchanged_and_whitespace_collapsed() -> None:
    assert excerpt("  hello\n\n\n   world  ") == "hello world"


def test_excerpt_long_word_is_hard_cut() -> None:
    assert excerpt("x" * 50, length=10) == "x" * 9 + "…"


def test_excerpt_drops_trailing_punctuation_before_ellipsis() -> None:
    assert excerpt("one, two, three, four", length=12) == "one, two…"


def test_excerpt_is_plain_text_not_html() -> None:
    assert excerpt("<b>x</b> &amp; y") == "<b>x</b> & y"


def test_excerpt_rejects_nonpositive_length() -> None:
    with pytest.raises(ValueError):
        excerpt("x", length=0)
