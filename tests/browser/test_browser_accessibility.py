"""axe-core finds no WCAG 2.1 AA violation on the pages every user meets."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_sign_in_page_has_no_accessibility_violations(page, live_server, axe_violations):
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page) == []


def test_the_accessibility_check_reports_an_image_without_a_text_alternative(page, axe_violations):
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    assert "image-alt" in {v["id"] for v in axe_violations(page)}
