"""The dashboard in a real browser: headless Chromium (Debian's package) driven by Playwright.

Starts ``evcycle dashboard`` on a free local port, steps the quickstart three times, checks that the
clock, a live figure and a KPI changed, runs and pauses, inspects an EV and saves a screenshot (into the
test's tmp folder; set EVCYCLE_SCREENSHOT=docs/img/dashboard.png to refresh the one in the docs).
Skips, saying what to install, only where the browser or the extras are missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("EVCYCLE_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.slow


def _requirements() -> str | None:
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return "needs Playwright: pip install 'evcycle[browser-test]'"
    if importlib.util.find_spec("solara") is None or importlib.util.find_spec("solara_assets") is None:
        return "needs the dashboard extra: pip install 'evcycle[dashboard]'"
    if not Path(CHROMIUM).is_file():
        return f"needs Chromium at {CHROMIUM}: apt-get install chromium (or set EVCYCLE_CHROMIUM)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError("the dashboard exited early (see server.log in the test's tmp folder)")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("the dashboard did not start listening")


@pytest.fixture
def dashboard_url(tmp_path):
    why = _requirements()
    if why:
        pytest.skip(why)
    port = _free_port()
    log = open(tmp_path / "server.log", "w")   # a file, not a pipe nobody reads (which could fill and block)
    # a year of 20,000 EVs: long enough that a run is still going when Pause is pressed
    proc = subprocess.Popen([sys.executable, "-m", "simcore.cli", "dashboard", "--port", str(port),
                             "--set", "clock.days=365", "--set", "fleet.sample=20000"],
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        log.close()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _ticks(page) -> int:
    text = page.locator(".evc-clock").inner_text()
    return int(text.split("|")[1].split("/")[0])


def test_step_run_pause_inspect_in_chromium(dashboard_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            tempfile.mkdtemp(dir=tmp_path), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1400, "height": 1000})
        try:
            page = browser.new_page()
            page.goto(dashboard_url)
            clock = page.locator(".evc-clock")
            expect(clock).to_contain_text("0/35040 ticks done", timeout=60_000)
            start_clock = clock.inner_text()
            start_now = page.locator(".evc-now").inner_text()
            start_kpis = page.locator(".evc-kpis").inner_text()
            for i in range(1, 4):                                  # step three times
                page.locator(".evc-step").click()
                expect(clock).to_contain_text(f"| {i}/35040 ticks done", timeout=60_000)
            assert clock.inner_text() != start_clock and "00:45" in clock.inner_text()
            assert page.locator(".evc-now").inner_text() != start_now   # live figures changed
            assert "ev.mean_soc:" in page.locator(".evc-now").inner_text()
            kpis = page.locator(".evc-kpis").inner_text()                 # a KPI changed
            assert kpis != start_kpis and "load.residential.peak_mw:" in kpis

            page.locator(".evc-run").click()                       # run, then pause
            expect(page.locator(".evc-status")).to_contain_text("running", timeout=60_000)
            page.locator(".evc-pause").click()
            expect(page.locator(".evc-status")).to_contain_text("paused", timeout=60_000)
            paused_at = _ticks(page)
            assert 3 < paused_at < 35040
            time.sleep(1.0)
            assert _ticks(page) == paused_at                       # it stays paused

            page.locator(".evc-inspect-id input").fill("ev:3")     # inspect an EV
            page.locator(".evc-inspect").click()
            inspected = page.locator(".evc-inspected")
            expect(inspected).to_contain_text('"id": 3', timeout=60_000)
            assert '"soc":' in inspected.inner_text()

            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            if os.environ.get("EVCYCLE_SCREENSHOT"):
                shutil.copyfile(shot, os.environ["EVCYCLE_SCREENSHOT"])
        finally:
            browser.close()
