"""In a real browser: /statistics on the full demo seed stays short at desktop width, tables folded away."""
from __future__ import annotations

from app.config import ROOT
from app.services.seeding import demo_data as seeding


def test_statistics_page_is_short_with_tables_collapsed(live_server, live_make, ui, page):
    seeding.load(live_make.session, seeding.read_seed_files(ROOT / "seed_data"), settings=live_make.settings)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(ui.url("/statistics"))
    page.wait_for_selector("canvas[data-chart=funnel][data-drawn=true]")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height
    assert page.locator("details.chart-table[open]").count() == 0
    assert page.locator("details.chart-table").count() >= 3
    for canvas in page.locator("canvas[data-chart]").all():  # every chart compares something
        key = canvas.get_attribute("data-chart")
        assert page.locator(f"#table-{key} tbody tr").count() > 1, key
    pilots = int(page.inner_text("#total-pilots"))
    assert pilots > 0
    page.click("#chart-funnel-title ~ details summary")
    assert page.locator("#table-funnel tbody tr").nth(2).locator("td").inner_text() == str(pilots)
    ui.screenshot(page, "statistics-seed")


def test_pilot_register_reads_on_a_phone(live_server, live_make, ui, page):
    seeding.load(live_make.session, seeding.read_seed_files(ROOT / "seed_data"), settings=live_make.settings)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(ui.url("/pilots"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")
    periods = page.locator("#pilots td.period")
    assert periods.count() > 0
    for box in (periods.nth(i).bounding_box() for i in range(periods.count())):
        assert box["height"] < 2.5 * line, box  # one line, two at most; it used to wrap onto four
    assert page.locator("#pilots td.period").first.evaluate("e => getComputedStyle(e, '::before').content") \
        == '"Period: "'
    ui.screenshot(page, "pilots-register-phone")
