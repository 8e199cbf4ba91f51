"""The scoring service (``python -m olist_segmentation.serving``) as a client sees it:
a real uvicorn server on 127.0.0.1, called over HTTP with ``http.client``."""

from __future__ import annotations

import http.client
import io
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest

from olist_segmentation.pipelines.modelling.model_ops import features_of
from olist_segmentation.serving.schemas import MAX_ROWS
from tests.conftest import copy_project
from tests.integration.conftest import REGISTERED_MODEL, tracking_uri
from tests.integration.processes import QUIET_ENV, free_port, serving
from tests.integration.project_data import load_dataset
from tests.integration.registry import save_version_of

pytestmark = pytest.mark.slow

SERVE = [sys.executable, "-m", "olist_segmentation.serving"]


def _state(project: Path) -> dict[str, float]:
    """Every file of the project's data and MLflow store with its modification time."""
    files = [*(project / "data").rglob("*"), *(project / "mlruns").rglob("*")]
    files.append(project / "mlflow.db")
    return {str(p): p.stat().st_mtime for p in files if p.is_file()}


@pytest.fixture(scope="module")
def api(trained_project, tmp_path_factory):
    port = free_port()
    before = _state(trained_project)
    with serving(
        [*SERVE, "--port", str(port)],
        cwd=trained_project,
        ready_url=f"http://127.0.0.1:{port}/health",
        log=tmp_path_factory.mktemp("api") / "server.log",
        timeout=120,
    ):
        yield port
    assert _state(trained_project) == before, "the service wrote to the project"


def call(port: int, method: str, path: str, body=None, headers=None):
    """(status, parsed JSON or text, content type) of one request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        headers = {"Content-Type": "application/json", **(headers or {})}
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    payload = response.read()
    kind = response.getheader("Content-Type", "")
    connection.close()
    if kind.startswith("application/json"):
        return response.status, json.loads(payload), kind
    return response.status, payload.decode(errors="replace"), kind


def multipart(content: bytes, field: str = "file") -> tuple[bytes, dict]:
    """A multipart/form-data body carrying ``content`` as the file ``scores.csv``."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            'filename="scores.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


@pytest.fixture(scope="module")
def run_data(trained_project):
    """The registered run's outputs, with each person's feature row."""
    version = save_version_of(trained_project)
    segments = load_dataset(trained_project, "customer_segments", version)
    id_map = load_dataset(trained_project, "id_map")
    persons = id_map[id_map["id_kind"] == "customer_unique_id"]
    key_of = dict(zip(persons["olist_id"], persons["key"].astype("int64"), strict=True))
    segments = segments.assign(person_key=segments["customer_unique_id"].map(key_of))
    return {
        "segments": segments,
        "names": load_dataset(trained_project, "segment_names", version),
        "profiles": load_dataset(trained_project, "segment_profiles", version),
        "model_input": load_dataset(trained_project, "model_input"),
        "features": load_dataset(trained_project, "customer_features"),
        "orders": load_dataset(trained_project, "primary_orders"),
        "items": load_dataset(trained_project, "primary_order_items"),
        "reviews": load_dataset(trained_project, "primary_reviews"),
        "value": load_dataset(trained_project, "customer_value", version),
        "report": load_dataset(trained_project, "report_content", version),
        "version": version,
    }


@pytest.fixture(scope="module")
def features(api):
    return call(api, "GET", "/health")[1]["features"]


def _rows(run_data, features, n, seed=3) -> tuple[list[dict], pd.DataFrame]:
    picked = run_data["model_input"].sample(n, random_state=seed)
    expected = (
        run_data["segments"].set_index("person_key").loc[picked["person_key"]]
    ).reset_index()
    rows = json.loads(picked[features].to_json(orient="records"))
    return rows, expected


def test_health_names_the_registered_version_and_its_run(
    api, run_data, trained_project
):
    from mlflow.tracking import MlflowClient  # noqa: PLC0415

    status, health, _ = call(api, "GET", "/health")
    assert status == 200
    registered = MlflowClient(
        tracking_uri=tracking_uri(trained_project)
    ).get_model_version(REGISTERED_MODEL, "1")
    assert health["model_version"] == "1"
    assert health["mlflow_run_id"] == registered.run_id
    assert health["kedro_run"] == run_data["version"]
    # The features the registered model reads, as the modelling parameters name them.
    assert health["features"] == features_of(
        load_dataset(trained_project, "segmentation_model", run_data["version"])
    )
    # The fixture's raw data is the embedded synthetic generator's.
    assert health["data_source"]["kind"] == "synthetic"
    assert (
        pd.Timestamp(health["trained_as_of"]) == run_data["orders"]["purchase_ts"].max()
    )


def test_openapi_documents_every_endpoint(api):
    status, spec, _ = call(api, "GET", "/openapi.json")
    assert status == 200
    assert {
        "/health",
        "/score/features",
        "/score/orders",
        "/score/csv",
        "/customers/{customer_unique_id}",
        "/segments",
    } <= set(spec["paths"])
    status, page, kind = call(api, "GET", "/docs")
    assert status == 200
    assert kind.startswith("text/html")
    assert "swagger-ui" in page


def test_feature_rows_get_the_segments_of_the_run_in_order(api, run_data, features):
    rows, expected = _rows(run_data, features, 30)
    status, answer, _ = call(api, "POST", "/score/features", {"rows": rows})
    assert status == 200, answer
    assert [s["segment"] for s in answer["segments"]] == expected["segment"].tolist()
    got = [s["segment_name"] for s in answer["segments"]]
    assert got == expected["segment_name"].tolist()


def test_one_row_at_a_time(api, run_data, features):
    rows, expected = _rows(run_data, features, 5, seed=11)
    for row, segment in zip(rows, expected["segment"], strict=True):
        status, answer, _ = call(api, "POST", "/score/features", {"rows": [row]})
        assert status == 200
        assert answer["segments"] == [
            {"segment": segment, "segment_name": run_data["names"][str(segment)]}
        ]


def test_csv_upload_answers_a_csv_with_the_segments(api, run_data, features):
    picked = run_data["model_input"].sample(20, random_state=5)
    expected = run_data["segments"].set_index("person_key").loc[picked["person_key"]]
    body, headers = multipart(picked.to_csv(index=False).encode())
    status, text, kind = call(api, "POST", "/score/csv", body, headers)
    assert status == 200, text
    assert kind.startswith("text/csv")
    scored = pd.read_csv(io.StringIO(text))
    assert scored["person_key"].tolist() == picked["person_key"].tolist()
    assert scored["segment"].tolist() == expected["segment"].tolist()
    assert scored["segment_name"].tolist() == expected["segment_name"].tolist()


def _history(run_data, person_key: int) -> list[dict]:
    """A person's orders as a client system holds them, rebuilt from primary tables."""
    orders = run_data["orders"]
    items = run_data["items"]
    history = []
    for order in orders[orders["person_key"] == person_key].itertuples():
        delivered = order.delivered_customer_ts if order.is_delivered else None
        shares = {
            kind: getattr(order, f"share_{kind}")
            for kind in ("credit_card", "boleto", "voucher", "debit_card")
        }
        payments = [
            {
                "payment_type": kind,
                "installments": int(order.installments),
                "value": float(order.payment_value * share),
            }
            for kind, share in shares.items()
            if pd.notna(share) and share > 0
        ]
        reviews = run_data["reviews"]
        history.append(
            {
                "order_id": f"o{order.order_key}",
                "purchase_timestamp": order.purchase_ts.isoformat(),
                "delivered_timestamp": None
                if delivered is None
                else delivered.isoformat(),
                "estimated_delivery_date": order.estimated_delivery_ts.isoformat(),
                "items": [
                    {
                        "price": float(item.price),
                        "freight_value": float(item.freight_value),
                        "category": str(item.category),
                    }
                    for item in items[
                        items["order_key"] == order.order_key
                    ].itertuples()
                ],
                "payments": payments,
                "reviews": [
                    {"score": int(r.review_score), "timestamp": r.review_ts.isoformat()}
                    for r in reviews[
                        reviews["order_key"] == order.order_key
                    ].itertuples()
                ],
            }
        )
    return history


def test_order_histories_get_the_pipelines_features_and_segment(api, run_data):
    features = run_data["features"]
    orders = run_data["orders"]
    # Persons whose every order has items (a client system's orders always do).
    itemised = orders.groupby("person_key")["n_items"].min() > 0
    chosen = features[features["person_key"].isin(itemised[itemised].index)].sample(
        8, random_state=2
    )
    customers = [
        {"customer_id": f"c{key}", "orders": _history(run_data, int(key))}
        for key in chosen["person_key"]
    ]
    status, answer, _ = call(api, "POST", "/score/orders", {"customers": customers})
    assert status == 200, answer
    got = pd.DataFrame([c["features"] for c in answer["customers"]])
    # The request carries no geolocation: distance stays unknown.
    compared = [c for c in got.columns if c != "distance_km_mean"]
    expected = chosen[compared].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        got[compared].astype("float64"), expected, check_exact=False, atol=1e-6
    )
    segments = run_data["segments"].set_index("person_key")
    for customer, key in zip(answer["customers"], chosen["person_key"], strict=True):
        assert customer["customer_id"] == f"c{key}"
        assert customer["segment"] == segments.loc[key, "segment"]


def test_known_customer_is_looked_up(api, run_data):
    row = run_data["segments"].iloc[7]
    status, answer, _ = call(api, "GET", f"/customers/{row['customer_unique_id']}")
    assert status == 200
    assert {
        k: answer[k] for k in ("customer_unique_id", "segment", "segment_name")
    } == {
        "customer_unique_id": row["customer_unique_id"],
        "segment": int(row["segment"]),
        "segment_name": row["segment_name"],
    }


def test_segments_list_the_runs_profiles(api, run_data):
    status, answer, _ = call(api, "GET", "/segments")
    assert status == 200
    listed = {s["segment"]: s for s in answer["segments"]}
    assert {str(k): v["name"] for k, v in listed.items()} == run_data["names"]
    assert sum(s["size"] for s in listed.values()) == len(run_data["segments"])
    profiled = {s["segment"]: s for s in run_data["profiles"]["segments"]}
    for segment, summary in listed.items():
        assert summary["traits"] == profiled[segment]["traits"]
        assert summary["action"] == profiled[segment]["action"]


VALUE_FIELDS = ("p_alive", "expected_purchases_90d", "expected_spend_90d")


def test_known_customers_carry_the_runs_value(api, run_data):
    value = run_data["value"].set_index("customer_unique_id")
    # the most valuable customers and a few others
    picked = [*value["expected_spend_90d"].nlargest(3).index, *value.index[:3]]
    for customer in picked:
        status, answer, _ = call(api, "GET", f"/customers/{customer}")
        assert status == 200, answer
        expected = value.loc[customer]
        for field in VALUE_FIELDS:
            assert answer[field] == pytest.approx(expected[field], rel=1e-9), field
        assert 0 <= answer["p_alive"] <= 1
        assert answer["spend_model"] == expected["spend_model"]
        assert answer["purchase_model"] == "BG/NBD"


def test_order_histories_get_the_value_the_run_gave_them(api, run_data):
    orders = run_data["orders"]
    repeat = orders[orders["is_delivered"]].groupby("person_key").size()
    itemised = orders.groupby("person_key")["n_items"].min() > 0
    chosen = [k for k in repeat[repeat > 1].index if itemised[k]][:3]
    chosen += [k for k in repeat[repeat == 1].index if itemised[k]][:2]
    customers = [
        {"customer_id": f"c{key}", "orders": _history(run_data, int(key))}
        for key in chosen
    ]
    status, answer, _ = call(api, "POST", "/score/orders", {"customers": customers})
    assert status == 200, answer
    segments = run_data["segments"].set_index("person_key")
    value = run_data["value"].set_index("customer_unique_id")
    for customer, key in zip(answer["customers"], chosen, strict=True):
        expected = value.loc[segments.loc[key, "customer_unique_id"]]
        for field in VALUE_FIELDS:
            assert customer[field] == pytest.approx(expected[field], rel=1e-6), field
        assert customer["spend_model"] == expected["spend_model"]


def test_segments_carry_their_value_and_the_reports_contract(api, run_data):
    status, answer, _ = call(api, "GET", "/segments")
    assert status == 200
    value = run_data["value"]
    listed = answer["segments"]
    assert sum(s["expected_spend_90d"] for s in listed) == pytest.approx(
        value["expected_spend_90d"].sum()
    )
    assert sum(s["expected_spend_share"] for s in listed) == pytest.approx(1)
    report = run_data["report"]
    for summary in listed:
        card = next(c for c in report["cards"] if c["segment"] == summary["segment"])
        assert summary["expected_spend_90d"] == pytest.approx(
            card["value"]["expected_spend_90d"]
        )
    # one contract: the report's headline and signals, period and interval beside
    contract = answer["contract"]
    maintenance = report["maintenance"]
    assert contract["headline"] == maintenance["headline"] == answer["retraining"]
    assert contract["signals"] == maintenance["signals"]
    assert contract["triggers"] == maintenance["triggers"]
    assert contract["recommended"] == maintenance["recommended"]
    assert contract["sample_size"] == maintenance["sample_size"]
    if contract["sample_size"] is not None:
        assert contract["sample_size"]["clause"] in contract["headline"]
    if contract["recommended"]:
        weeks = contract["period_weeks"]
        said = f"{weeks:g} weeks" if weeks else "every step"  # 0: retrain each step
        assert said in contract["headline"]


def _order(**changes) -> dict:
    order = {
        "order_id": "o1",
        "purchase_timestamp": "2018-01-01T10:00:00",
        "delivered_timestamp": "2018-01-08T10:00:00",
        "estimated_delivery_date": "2018-01-20",
        "items": [{"price": 100.0, "freight_value": 20.0}],
        "payments": [{"payment_type": "boleto", "installments": 1, "value": 120.0}],
        "reviews": [{"score": 5}],
    }
    return {**order, **changes}


def _orders(**changes) -> dict:
    return {"customers": [{"customer_id": "c1", "orders": [_order(**changes)]}]}


def bad_requests(features: list[str]) -> dict[str, tuple]:
    """name -> (method, path, body, headers, status, words the message must hold)."""
    first, second = features[0], features[1]
    row = dict.fromkeys(features, 1.0)
    csv_header = ",".join(features)
    return {
        "not JSON": (
            "POST",
            "/score/features",
            '{"rows": [',
            {"Content-Type": "application/json"},
            422,
            "body: not valid JSON at character 10",
        ),
        "a JSON list": (
            "POST",
            "/score/features",
            [1, 2],
            None,
            422,
            "valid dictionary",
        ),
        "no rows field": (
            "POST",
            "/score/features",
            {"row": [row]},
            None,
            422,
            "rows: Field required",
        ),
        "no rows": (
            "POST",
            "/score/features",
            {"rows": []},
            None,
            422,
            "rows: List should have at least 1 item",
        ),
        "too many rows": (
            "POST",
            "/score/features",
            {"rows": [row] * (MAX_ROWS + 1)},
            None,
            422,
            f"at most {MAX_ROWS} items",
        ),
        "missing feature": (
            "POST",
            "/score/features",
            {"rows": [{k: v for k, v in row.items() if k != first}]},
            None,
            422,
            f"rows[0].{first}: Field required",
        ),
        "unknown feature": (
            "POST",
            "/score/features",
            {"rows": [{**row, "bogus": 1}]},
            None,
            422,
            "rows[0].bogus: Extra inputs are not permitted",
        ),
        "text in a number": (
            "POST",
            "/score/features",
            {"rows": [{**row, second: "lots"}]},
            None,
            422,
            f"rows[0].{second}: Input should be a valid number",
        ),
        "infinite value": (
            "POST",
            "/score/features",
            '{"rows": [{'
            + ", ".join(f'"{f}": {"Infinity" if f == first else 1}' for f in features)
            + "}]}",
            {"Content-Type": "application/json"},
            422,
            f"rows[0].{first}: Input should be a finite number",
        ),
        "boolean as number": (
            "POST",
            "/score/features",
            {"rows": [{**row, first: True}]},
            None,
            422,
            f"rows[0].{first}: Input should be a valid number",
        ),
        "wrong content type": (
            "POST",
            "/score/features",
            "rows=1",
            {"Content-Type": "text/plain"},
            422,
            "send a JSON object as application/json",
        ),
        "delivered before purchase": (
            "POST",
            "/score/orders",
            _orders(delivered_timestamp="2017-12-01T00:00:00"),
            None,
            422,
            "customers[0].orders[0]: Value error, delivered_timestamp is before purchase_timestamp",
        ),
        "review score out of range": (
            "POST",
            "/score/orders",
            _orders(reviews=[{"score": 7}]),
            None,
            422,
            "customers[0].orders[0].reviews[0].score: Input should be less than or equal to 5",
        ),
        "unknown payment type": (
            "POST",
            "/score/orders",
            _orders(payments=[{"payment_type": "cash", "value": 1.0}]),
            None,
            422,
            "customers[0].orders[0].payments[0].payment_type: Input should be",
        ),
        "not a date": (
            "POST",
            "/score/orders",
            _orders(purchase_timestamp="yesterday"),
            None,
            422,
            "customers[0].orders[0].purchase_timestamp: Input should be a valid datetime",
        ),
        "no delivered order": (
            "POST",
            "/score/orders",
            _orders(delivered_timestamp=None),
            None,
            422,
            "customers[0] (c1): no order delivered by",
        ),
        "negative price": (
            "POST",
            "/score/orders",
            _orders(items=[{"price": -1.0, "freight_value": 0.0}]),
            None,
            422,
            "customers[0].orders[0].items[0].price: Input should be greater than or equal to 0",
        ),
        "csv missing column": (
            "POST",
            "/score/csv",
            *multipart(f"{first}\n1\n".encode()),
            422,
            f"missing feature column(s) ['{second}'",
        ),
        "csv text in a number": (
            "POST",
            "/score/csv",
            *multipart(
                f"{csv_header}\n".encode()
                + ",".join(["x"] + ["1"] * (len(features) - 1)).encode()
            ),
            422,
            f"column '{first}' has 1 value(s) that are not finite numbers (first on line 2: 'x')",
        ),
        "csv not UTF-8": (
            "POST",
            "/score/csv",
            *multipart(b"\xff\xfe\x00a,b\n"),
            400,
            "file: not UTF-8",
        ),
        "csv no file": (
            "POST",
            "/score/csv",
            *multipart(b"a\n1\n", field="upload"),
            422,
            "file: Field required",
        ),
        "unknown customer": (
            "GET",
            "/customers/not-a-customer",
            None,
            None,
            404,
            "customer_unique_id 'not-a-customer' is not a customer",
        ),
        "wrong method": (
            "GET",
            "/score/features",
            None,
            None,
            405,
            "Method Not Allowed",
        ),
    }


BAD = [
    "not JSON", "a JSON list", "no rows field", "no rows", "too many rows",
    "missing feature", "unknown feature", "text in a number", "infinite value",
    "boolean as number", "wrong content type", "delivered before purchase",
    "review score out of range", "unknown payment type", "not a date",
    "no delivered order", "negative price", "csv missing column",
    "csv text in a number", "csv not UTF-8", "csv no file", "unknown customer",
    "wrong method",
]  # fmt: skip


@pytest.mark.parametrize("name", BAD)
def test_bad_request_gets_a_4xx_naming_the_field_and_problem(api, features, name):
    method, path, body, headers, expected_status, words = bad_requests(features)[name]
    status, answer, _ = call(api, method, path, body, headers)
    assert status == expected_status, (status, answer)
    message = (
        answer.get("message", answer.get("detail"))
        if isinstance(answer, dict)
        else answer
    )
    assert words in message, message


def test_still_answers_after_bad_requests(api, run_data, features):
    rows, expected = _rows(run_data, features, 4, seed=8)
    status, answer, _ = call(api, "POST", "/score/features", {"rows": rows})
    assert status == 200
    assert [s["segment"] for s in answer["segments"]] == expected["segment"].tolist()


def _serve_and_fail(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Start the service in ``project``; it is expected to stop at once."""
    return subprocess.run(
        [*SERVE, "--port", str(free_port()), *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**QUIET_ENV, "PATH": str(Path(sys.executable).parent)},
    )


def test_without_a_run_it_names_the_command_to_run_first(tmp_path):
    project = copy_project(tmp_path / "empty")
    done = _serve_and_fail(project)
    assert done.returncode != 0
    assert (
        "run `make run` (or `kedro run --pipelines=training`) in the project first"
        in done.stderr
    )
    assert not (project / "mlflow.db").exists(), "the service created a store"


def test_a_missing_version_is_refused_by_name(trained_project):
    done = _serve_and_fail(trained_project, "--model-version", "99")
    assert done.returncode != 0
    assert "has no version 99" in done.stderr


def test_binds_localhost_unless_told_otherwise():
    from olist_segmentation.serving.__main__ import parse_args  # noqa: PLC0415

    assert parse_args([]).host == "127.0.0.1"
    assert parse_args(["--host", "0.0.0.0"]).host == "0.0.0.0"  # noqa: S104
    assert parse_args([]).port == 8000
