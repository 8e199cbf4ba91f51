"""The marketing app (``make app``) in Debian's headless Chromium, driven by Selenium:
the run's segment names on the page, the look-up and the what-if form, a screenshot."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from tests.conftest import HEADLESS_CHROMIUM, PROJECT_ROOT
from tests.integration.conftest import REGISTERED_MODEL, tracking_uri
from tests.integration.processes import free_port, serving
from tests.integration.project_data import load_dataset
from tests.integration.registry import save_version_of

pytestmark = pytest.mark.slow

APP = PROJECT_ROOT / "src" / "olist_segmentation" / "app" / "main.py"
# The README's picture; rewritten only when asked, so that a test run leaves the
# source tree as it was: OLIST_UPDATE_SCREENSHOTS=1 pytest tests/integration/test_app.py
README_SCREENSHOT = PROJECT_ROOT / "docs" / "img" / "app.png"
WAIT = 60


@pytest.fixture(scope="module")
def app_url(trained_project, tmp_path_factory):
    port = free_port()
    streamlit = str(Path(sys.executable).parent / "streamlit")
    command = [streamlit, "run", str(APP), "--server.address", "127.0.0.1"]
    command += ["--server.port", str(port), "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"]
    with serving(
        command,
        cwd=trained_project,
        ready_url=f"http://127.0.0.1:{port}/_stcore/health",
        log=tmp_path_factory.mktemp("app") / "app.log",
        timeout=120,
    ):
        yield f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    from selenium import webdriver  # noqa: PLC0415
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for switch in HEADLESS_CHROMIUM:
        options.add_argument(switch)
    options.add_argument("--window-size=1400,1800")
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver")), options=options
    )
    yield driver
    driver.quit()


def _wait_for_text(browser, text: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    WebDriverWait(browser, WAIT).until(
        lambda d: text in d.find_element("tag name", "body").text
    )


def _tab(browser, label: str) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415

    (tab,) = [
        t
        for t in browser.find_elements(By.CSS_SELECTOR, "[role=tab]")
        if t.text == label
    ]
    tab.click()


def _visible(browser, css: str):
    """The one visible element matching ``css``, once it is there."""
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    def shown(driver):
        found = [
            e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()
        ]
        return found[0] if len(found) == 1 else False

    return WebDriverWait(browser, WAIT).until(shown)


def _submit(browser) -> None:
    _visible(browser, "[data-testid=stFormSubmitButton] button").click()


@pytest.fixture(scope="module")
def page(browser, app_url):
    browser.get(app_url)
    _wait_for_text(browser, "Olist customer segments")
    _wait_for_text(browser, "Suggested action")
    return browser


def test_segment_names_of_the_run_are_on_the_page(page, trained_project):
    names = load_dataset(
        trained_project, "segment_names", save_version_of(trained_project)
    )
    # Streamlit draws the cards one after another: wait for each, or fail after WAIT.
    for name in names.values():
        _wait_for_text(page, name)
    text = page.find_element("tag name", "body").text
    assert "Retraining:" in text
    assert "version 1" in text


def test_look_up_finds_a_known_customer(page, trained_project):

    segments = load_dataset(
        trained_project, "customer_segments", save_version_of(trained_project)
    )
    row = segments.iloc[3]
    _tab(page, "Customer look-up")
    field = _visible(page, "input[aria-label='customer_unique_id']")
    field.send_keys(row["customer_unique_id"])
    _submit(page)
    _wait_for_text(page, f"Segment {row['segment']}: {row['segment_name']}")


def test_what_if_form_scores_a_customer(page, trained_project):
    import mlflow  # noqa: PLC0415
    from selenium.webdriver.common.keys import Keys  # noqa: PLC0415

    _tab(page, "What if")
    recency = _visible(page, "input[aria-label='days since last order']")
    recency.send_keys(Keys.CONTROL, "a")
    recency.send_keys("245")
    _submit(page)
    # The form's fields went through the feature code: recency is what was typed.
    _wait_for_text(page, "recency_days\n245.0000")
    text = page.find_element("tag name", "body").text
    # The segment shown is the one the registered model version (loaded by MLflow
    # itself, not by the app) gives the features the page shows.
    mlflow.set_tracking_uri(tracking_uri(trained_project))
    model = mlflow.pyfunc.load_model(f"models:/{REGISTERED_MODEL}/1")
    schema = model.metadata.get_input_schema()
    types = dict(zip(schema.input_names(), schema.pandas_types(), strict=True))
    shown = {
        name: float(re.search(rf"{name}\n(-?[0-9.]+)", text).group(1))
        for name in types
        if name != "person_key"
    }
    row = pd.DataFrame([{"person_key": 0, **shown}])[list(types)].astype(types)
    expected = model.predict(row)
    segment, name = expected[["segment", "segment_name"]].iloc[0]
    assert f"Segment {segment}: {name}" in text, text[-800:]


def test_look_up_shows_the_customers_value(page, trained_project):
    from selenium.webdriver.common.keys import Keys  # noqa: PLC0415

    version = save_version_of(trained_project)
    value = load_dataset(trained_project, "customer_value", version)
    row = value.loc[value["expected_spend_90d"].idxmax()]
    _tab(page, "Customer look-up")
    field = _visible(page, "input[aria-label='customer_unique_id']")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(row["customer_unique_id"])
    _submit(page)
    _wait_for_text(page, f"P(alive): {row['p_alive']:.3f}")
    _wait_for_text(
        page, f"expected spend, next 90 days: BRL {row['expected_spend_90d']:,.2f}"
    )


def test_segments_page_shows_value_and_the_reports_contract(page, trained_project):
    version = save_version_of(trained_project)
    report = load_dataset(trained_project, "report_content", version)
    _tab(page, "Segments")
    _wait_for_text(page, f"Retraining: {report['maintenance']['headline']}")
    _wait_for_text(page, "expected spend, next 90 days")
    _wait_for_text(page, "Monitoring signals: retrain earlier when one fires")


def test_screenshot_of_the_segments_page(page, tmp_path):
    _tab(page, "Segments")
    _wait_for_text(page, "Suggested action")
    update = os.environ.get("OLIST_UPDATE_SCREENSHOTS") == "1"
    screenshot = README_SCREENSHOT if update else tmp_path / "app.png"
    assert page.save_screenshot(str(screenshot))
    with Image.open(screenshot) as shot:
        assert shot.size[0] == 1400
        # A rendered page, not a blank one: many distinct colours.
        assert len(shot.convert("RGB").getcolors(maxcolors=1 << 20)) > 200
