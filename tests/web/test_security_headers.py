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
