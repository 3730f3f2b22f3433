"""Headers every answer carries, and that errors never show internals."""

from app.models import User


def test_pages_carry_csp_without_inline_script(web, member: User) -> None:
    response = web.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "<script>" not in response.get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(web) -> None:
    response = web.get("/no/such/page")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_nul_byte_in_query_does_not_crash(web_as, member, workspace) -> None:
    response = web_as(member).get(f"/w/{workspace.slug}?cursor=%00")
    assert response.status_code in (400, 404, 422)


def test_scripts_may_connect_to_the_sites_own_socket_origin_only(app, web) -> None:
    """connect-src names our ws origin (from PUBLIC_URL), never `ws:`/`wss:` (any host at all)."""
    csp = web.get("/").headers["Content-Security-Policy"]
    connect = next(d for d in csp.split("; ") if d.startswith("connect-src"))
    assert connect.split() == ["connect-src", "'self'", "ws://kortteli.test"]
    assert app.config["PUBLIC_URL"] == "http://kortteli.test"


def test_an_https_site_allows_its_wss_origin() -> None:
    from app.security import content_security_policy

    csp = content_security_policy("https://kortteli.example.fi:8443/polku")
    assert "connect-src 'self' wss://kortteli.example.fi:8443;" in csp
