"""The two journeys in Debian's Chromium (Playwright), against the portal served by uvicorn:
a clerk signs in, downloads a template, uploads a wrong file, reads the receipt and uploads the
fix; the office records a waiver, starts the month's run (in-process) and sees it published.
Screenshots at 1280 and 390 px under the test's tmp folder; no request leaves the machine."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pytest
from browser import CHROMIUM, FLAGS
from homes import MONTH
from portal_client import PASSWORD, SECRET, LiveServer

pytestmark = pytest.mark.slow
WIDTHS = (1280, 390)


@pytest.fixture
def browser_home(published_base, demo_landing, tmp_path, monkeypatch):
    """2019-01 published; 2019-02's files in landing except lce's progress return (the clerk
    uploads it) and cvr's issues ledger (the office waives it); a clerk and an office account."""
    from zonewh.config import Paths
    from zonewh.portal.accounts import add

    root = tmp_path / "home"
    shutil.copytree(published_base, root, symlinks=True)
    monkeypatch.setenv("ZONEWH_HOME", str(root))
    monkeypatch.delenv("ZONEWH_LANDING", raising=False)
    p = Paths(home=root, landing=root / "landing")
    shutil.copytree(demo_landing / MONTH, p.landing / MONTH)
    (p.landing / MONTH / "lce" / "project_progress.xlsx").unlink()
    (p.landing / MONTH / "cvr" / "project_issues.xlsx").unlink()
    add(p, "lce-clerk", "lce", "submitter", PASSWORD, display_name="张敏")
    add(p, "office", "ins", "office", PASSWORD, display_name="督查室 王敏")
    return p


def broken(path) -> bytes:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "本月完成投资(万元)":
                ws.cell(row=cell.row + 1, column=cell.column, value="三百万")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Shots:
    """Screenshots of the current page at each width, and the checks that go with them."""

    def __init__(self, browser, folder, outside):
        self.browser, self.folder, self.outside = browser, folder, outside
        self.taken = []

    def take(self, page, name: str) -> None:
        state = page.context.storage_state()
        for width in WIDTHS:
            ctx = self.browser.new_context(
                viewport={"width": width, "height": 900}, storage_state=state
            )
            other = ctx.new_page()
            other.route("**/*", self.outside)
            other.goto(page.url)
            other.wait_for_load_state("networkidle")
            shot = self.folder / f"{name}-{width}.png"
            other.screenshot(path=str(shot), full_page=True)
            if width == 390:
                assert other.evaluate("document.documentElement.scrollWidth") <= 392, name
            self.taken.append(shot)
            ctx.close()


def test_a_clerk_and_the_office(browser_home, demo_landing, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from zonewh.portal import PortalSettings, create_app

    left, failed = [], []

    def outside(route) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "data:")):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    wrong = tmp_path / "project_progress.xlsx"
    wrong.write_bytes(broken(demo_landing / MONTH / "lce" / "project_progress.xlsx"))
    fixed = tmp_path / "fixed" / "project_progress.xlsx"
    fixed.parent.mkdir()
    shutil.copyfile(demo_landing / MONTH / "lce" / "project_progress.xlsx", fixed)
    app = create_app(PortalSettings(secret_key=SECRET, loader_poll_s=0.5), browser_home)
    shots_dir = tmp_path / "screenshots"
    shots_dir.mkdir()
    with LiveServer(app) as live, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        shots = Shots(browser, shots_dir, outside)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = ctx.new_page()
        page.route("**/*", outside)
        page.on("requestfailed", lambda r: failed.append(r.url))

        # --- the clerk
        page.goto(f"{live.url}/login")
        shots.take(page, "login")
        page.fill("input[name=name]", "lce-clerk")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live.url}/units/lce/months/{MONTH}")
        expect(page.locator("h1")).to_contain_text("区国土建设环保局（lce）")
        expect(page.locator("body")).to_contain_text("重点项目建设进展月报（project_progress）")
        shots.take(page, "unit-month")
        row = page.locator("tr", has_text="project_progress")
        with page.expect_download() as download:
            row.get_by_text("下载模板").click()
        template = tmp_path / "template.xlsx"
        download.value.save_as(template)
        sheet = openpyxl.load_workbook(template).worksheets[0]
        assert "本月完成投资(万元)" in [c.value for c in sheet[3]]

        page.set_input_files("input[name=file]", str(wrong))
        page.click("button:has-text('上传并校验')")
        expect(page.locator(".verdict")).to_contain_text("已退回", timeout=15_000)
        problem = page.locator("li.problem", has_text="三百万")
        expect(problem).to_contain_text("本月完成投资(万元)")
        expect(problem).to_contain_text("单元格")
        expect(problem).to_contain_text("怎么办")
        shots.take(page, "receipt-rejected")

        page.goto(f"{live.url}/units/lce/months/{MONTH}")
        page.set_input_files("input[name=file]", str(fixed))
        page.click("button:has-text('上传并校验')")
        expect(page.locator(".verdict")).to_contain_text("已接收", timeout=15_000)
        expect(page.locator("body")).to_contain_text("第 2 版", timeout=60_000)  # loaded
        shots.take(page, "receipt-accepted")
        page.goto(f"{live.url}/units/lce/months/{MONTH}")
        expect(page.locator("body")).to_contain_text("project_progress_2.xlsx")
        page.click("button:has-text('退出')")
        expect(page.locator("h1")).to_contain_text("登录")

        # --- the office
        page.fill("input[name=name]", "office")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live.url}/office/months/{MONTH}")
        expect(page.locator("body")).to_contain_text("需要催报")
        expect(page.locator("body")).to_contain_text("（cvr）")
        shots.take(page, "office-month")
        page.goto(f"{live.url}/office/months/{MONTH}/waivers")
        page.select_option("select[name=unit]", "cvr")
        page.select_option("select[name=form_code]", "project_issues")
        page.fill("input[name=reason]", "本月无推进问题，已电话确认")
        page.fill("input[name=approved_by]", "王主任")
        page.click("button:has-text('登记免报')")
        expect(page.locator(".alert.good")).to_contain_text("免报已登记")
        shots.take(page, "waivers")

        page.goto(f"{live.url}/office/months/{MONTH}/run")
        page.click(f"button:has-text('启动 {MONTH} 的月度运行')")
        expect(page.locator("#run-status .outcome")).to_contain_text("已发布", timeout=300_000)
        expect(page.locator("#run-status .exit-code")).to_have_text("0")
        shots.take(page, "run-published")
        page.click("#run-status a")  # the attempt's gate report
        expect(page.locator("body")).to_contain_text("通过")
        page.goto(f"{live.url}/office/scorecard?end={MONTH}")
        shots.take(page, "scorecard")
        page.goto(f"{live.url}/bulletins")
        expect(page.locator("body")).to_contain_text("2019年2月")
        page.goto(f"{live.url}/office/audit")
        for action in ("login", "upload", "download", "waiver", "run_start", "run_finished"):
            expect(page.locator("table.audit")).to_contain_text(action)
        browser.close()
    assert left == [] and failed == []
    assert len(shots.taken) == 2 * 8
    for shot in shots.taken:
        assert shot.stat().st_size > 10_000
