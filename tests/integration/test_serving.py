"""The registered model served by ``mlflow models serve``, called with urllib."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import PROJECT_ROOT
from tests.integration.conftest import REGISTERED_MODEL, tracking_uri
from tests.integration.processes import free_port, serving
from tests.integration.project_data import load_dataset
from tests.integration.registry import save_version_of

pytestmark = pytest.mark.slow

MLFLOW = str(Path(sys.executable).parent / "mlflow")
JSON = "application/json"


@pytest.fixture(scope="module")
def server(trained_project, tmp_path_factory):
    port = free_port()
    command = [MLFLOW, "models", "serve", "-m", f"models:/{REGISTERED_MODEL}/1"]
    command += ["--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)]
    with serving(
        command,
        cwd=trained_project,
        ready_url=f"http://127.0.0.1:{port}/ping",
        log=tmp_path_factory.mktemp("serve") / "server.log",
        timeout=180,
        env={
            "MLFLOW_TRACKING_URI": tracking_uri(trained_project),
            "KEDRO_LOGGING_CONFIG": str(PROJECT_ROOT / "conf" / "serving_logging.yml"),
        },
    ):
        yield f"http://127.0.0.1:{port}/invocations"


def post(url: str, body: bytes | str, content_type: str | None = JSON):
    """POST ``body``; returns (status, parsed JSON or text)."""
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", content_type or "")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    try:
        return status, json.loads(payload)
    except json.JSONDecodeError:
        return status, payload.decode(errors="replace")


@pytest.fixture(scope="module")
def known(trained_project):
    """Rows of model_input with the segment the run gave each person."""
    model_input = load_dataset(trained_project, "model_input")
    # The segments of the run that registered version 1, not the latest ones.
    version = save_version_of(trained_project)
    segments = load_dataset(trained_project, "customer_segments", version)
    id_map = load_dataset(trained_project, "id_map")
    persons = id_map[id_map["id_kind"] == "customer_unique_id"]
    key_of = dict(zip(persons["olist_id"], persons["key"].astype("int64"), strict=True))
    segments = segments.assign(
        person_key=segments["customer_unique_id"].map(key_of).astype("int64")
    )
    rows = model_input.sample(25, random_state=3).reset_index(drop=True)
    expected = segments.set_index("person_key").loc[rows["person_key"].astype("int64")]
    return rows, expected.reset_index()


def _split(rows) -> dict:
    return json.loads(rows.to_json(orient="split", index=False))


def test_known_rows_get_their_segment_ids_and_names(server, known):
    rows, expected = known
    status, answer = post(server, json.dumps({"dataframe_split": _split(rows)}))
    assert status == 200, answer
    predictions = answer["predictions"]
    assert [p["person_key"] for p in predictions] == expected["person_key"].tolist()
    assert [p["segment"] for p in predictions] == expected["segment"].tolist()
    assert [p["segment_name"] for p in predictions] == expected["segment_name"].tolist()


def test_one_customer_at_a_time_as_records(server, known):
    rows, expected = known
    for i in range(5):
        record = json.loads(rows.iloc[[i]].to_json(orient="records"))
        status, answer = post(server, json.dumps({"dataframe_records": record}))
        assert status == 200, answer
        (prediction,) = answer["predictions"]
        assert prediction["segment"] == expected["segment"][i]
        assert prediction["segment_name"] == expected["segment_name"][i]


def _with(rows, column, value) -> str:
    split = _split(rows.head(2))
    index = split["columns"].index(column)
    split["data"][0][index] = value
    return json.dumps({"dataframe_split": split}, allow_nan=True)


def _bad_payloads(rows) -> dict[str, tuple[bytes | str, str | None, str]]:
    """name -> (body, content type, a word the error message must contain)."""
    split = _split(rows.head(2))
    first, second = [c for c in rows.columns if c != "person_key"][:2]
    missing = rows.head(2).drop(columns=[first])
    return {
        "not JSON": ("{'dataframe_split':", JSON, "valid JSON"),
        "not UTF-8": (b"\xff\xfe\x00", JSON, "valid JSON"),
        "a JSON list": ("[1, 2, 3]", JSON, "Received a list"),
        "no input field": (json.dumps({"rows": split}), JSON, "exactly one"),
        "two input fields": (
            json.dumps({"dataframe_split": split, "dataframe_records": []}),
            JSON,
            "exactly one",
        ),
        "missing column": (
            json.dumps({"dataframe_split": _split(missing)}),
            JSON,
            f"missing inputs ['{first}']",
        ),
        "text in a number": (_with(rows, first, "lots"), JSON, first),
        "infinite value": (
            _with(rows, second, np.inf),
            JSON,
            f"'{second}': 1 infinite",
        ),
        "null id": (_with(rows, "person_key", None), JSON, "person_key"),
        "no rows": (
            json.dumps({"dataframe_split": {"columns": split["columns"], "data": []}}),
            JSON,
            "no feature rows",
        ),
        "ragged rows": (
            json.dumps(
                {"dataframe_split": {"columns": split["columns"], "data": [[1.0]]}}
            ),
            JSON,
            "columns",
        ),
        "records not a list": (
            json.dumps({"dataframe_records": 5}),
            JSON,
            "list of records",
        ),
        "wrong content type": ("a=1", "text/plain", "content types"),
        "no content type": ("{}", None, "content types"),
    }


BAD_NAMES = [
    "not JSON",
    "not UTF-8",
    "a JSON list",
    "no input field",
    "two input fields",
    "missing column",
    "text in a number",
    "infinite value",
    "null id",
    "no rows",
    "ragged rows",
    "records not a list",
    "wrong content type",
    "no content type",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_payload_gets_a_4xx_naming_the_problem(server, known, name):
    body, content_type, expected = _bad_payloads(known[0])[name]
    status, answer = post(server, body, content_type)
    assert 400 <= status < 500, (status, answer)
    message = answer["message"] if isinstance(answer, dict) else answer
    assert expected in message, message


def test_server_still_answers_after_bad_payloads(server, known):
    rows, expected = known
    status, answer = post(server, json.dumps({"dataframe_split": _split(rows)}))
    assert status == 200
    assert [p["segment"] for p in answer["predictions"]] == expected["segment"].tolist()
