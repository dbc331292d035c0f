"""/api and the site's error page in Chromium: Spanish, the site's look, no CSP violation."""

from __future__ import annotations


def test_api_page_and_error_page_render_clean(page):
    page.goto(page.base_url + "/api")
    assert page.get_by_role("heading", level=1).inner_text() == "Datos para programas"
    assert page.get_by_role("link", name="Datos para programas").count() >= 1
    assert page.locator("pre code").count() == 4  # curl, pandas, R, the error example
    page.goto(page.base_url + "/download/indicators.csv?unidad=XYZ")
    assert page.get_by_role("heading", level=1).inner_text() == "Solicitud incorrecta"
    assert "unidad=XYZ no existe" in page.locator("main").inner_text()
    assert not page.csp_violations
    assert not page.external_requests
    assert not page.page_errors
