"""Latency and throughput of the scoring service, beside ``mlflow models serve``.

Starts each server on 127.0.0.1 for the registered model of a project that has been
run (``kedro run --pipelines=training`` registered it in ``mlflow.db``): the
project's FastAPI service
(``python -m olist_segmentation.serving``, ``POST /score/features``) and MLflow's
model server (``POST /invocations``, kedro-mlflow's ``KedroPipelineModel``). A
bounded HTTP client (one keep-alive ``http.client`` connection per thread, a fixed
number of requests, a time limit per phase) sends single-row requests one at a time
and at ``--concurrency``, checks every answer, and writes p50/p99 latency,
throughput, errors and the server's peak RSS to ``benchmarks/results/serving.json``.

    .venv/bin/python benchmarks/bench_serving.py --project /path/to/a/run/project
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.processes import free_port, serving  # noqa: E402
from tests.integration.project_data import load_dataset  # noqa: E402

MODEL_URI = "models:/olist_segmentation/latest"


def _rows(project: Path, n: int, seed: int) -> list[dict]:
    model_input = load_dataset(project, "model_input")
    rng = np.random.default_rng(seed)
    picked = model_input.iloc[rng.integers(0, len(model_input), size=n)]
    return json.loads(picked.to_json(orient="records"))


def _group_peak_rss_mb(pgid: int) -> float:
    """Sum of VmHWM over the processes of a process group (the server and its workers)."""
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError):
            if os.getpgid(int(entry.name)) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


def _send_all(
    port: int,
    path: str,
    bodies: list[bytes],
    check: Callable[[bytes], bool],
    *,
    concurrency: int,
    time_limit: float,
) -> dict:
    chunks = [bodies[i::concurrency] for i in range(concurrency)]
    deadline = time.perf_counter() + time_limit

    def worker(chunk: list[bytes]) -> tuple[list[float], list[str]]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies, errors = [], []
        headers = {"Content-Type": "application/json"}
        for body in chunk:
            if time.perf_counter() > deadline:
                break
            start = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            latencies.append(time.perf_counter() - start)
            if response.status != 200 or not check(payload):
                errors.append(f"{response.status}: {payload[:200]!r}")
        connection.close()
        return latencies, errors

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(worker, chunks))
    elapsed = time.perf_counter() - start
    latencies = sorted(t for lat, _ in results for t in lat)
    errors = [e for _, err in results for e in err]
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "stopped_by_time_limit": len(latencies) < len(bodies),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * float(np.percentile(latencies, 50)), 3),
        "p99_ms": round(1000 * float(np.percentile(latencies, 99)), 3),
        "max_ms": round(1000 * latencies[-1], 3),
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def _api_server(project: Path, port: int) -> tuple[list[str], str, str, Callable]:
    command = [sys.executable, "-m", "olist_segmentation.serving", "--port", str(port)]

    def check(payload: bytes) -> bool:
        (segment,) = json.loads(payload)["segments"]
        return isinstance(segment["segment"], int) and bool(segment["segment_name"])

    return command, f"http://127.0.0.1:{port}/health", "/score/features", check


def _mlflow_server(project: Path, port: int) -> tuple[list[str], str, str, Callable]:
    mlflow = str(Path(sys.executable).parent / "mlflow")
    command = [mlflow, "models", "serve", "-m", MODEL_URI, "--env-manager", "local"]
    command += ["-h", "127.0.0.1", "-p", str(port)]

    def check(payload: bytes) -> bool:
        (prediction,) = json.loads(payload)["predictions"]
        return isinstance(prediction["segment"], int)

    return command, f"http://127.0.0.1:{port}/ping", "/invocations", check


def _bodies(server: str, rows: list[dict], features: list[str]) -> list[bytes]:
    if server == "fastapi":
        return [
            json.dumps({"rows": [{f: row[f] for f in features}]}).encode()
            for row in rows
        ]
    return [json.dumps({"dataframe_records": [row]}).encode() for row in rows]


def bench(server: str, project: Path, args: argparse.Namespace) -> dict:
    """Warm up, then one phase at concurrency 1 and one at ``args.concurrency``."""
    port = free_port()
    make = _api_server if server == "fastapi" else _mlflow_server
    command, ready, path, check = make(project, port)
    n = args.requests if server == "fastapi" else args.mlflow_requests
    log = Path(tempfile.mkdtemp(prefix="bench_serving_")) / f"{server}.log"
    env = {"MLFLOW_TRACKING_URI": f"sqlite:///{project / 'mlflow.db'}"}
    if server == "mlflow":
        env["KEDRO_LOGGING_CONFIG"] = str(ROOT / "conf" / "serving_logging.yml")
    with serving(
        command, cwd=project, ready_url=ready, log=log, timeout=180, env=env
    ) as proc:
        features = [
            c for c in load_dataset(project, "model_input") if c != "person_key"
        ]
        if server == "fastapi":
            with contextlib.closing(http.client.HTTPConnection("127.0.0.1", port)) as c:
                c.request("GET", "/health")
                features = json.loads(c.getresponse().read())["features"]
        bodies = _bodies(server, _rows(project, n, seed=0), features)
        _send_all(
            port, path, bodies[:100], check, concurrency=args.concurrency, time_limit=60
        )  # warm-up
        phases = [
            _send_all(
                port, path, bodies, check, concurrency=c, time_limit=args.time_limit
            )
            for c in (1, args.concurrency)
        ]
        peak_rss = _group_peak_rss_mb(proc.pid)
    for phase in phases:
        print(f"{server}: {json.dumps(phase)}")
    return {
        "command": " ".join(
            Path(command[0]).name if i == 0 else a for i, a in enumerate(command)
        ),
        "endpoint": path,
        "single_row": phases[0],
        "concurrent": phases[1],
        "server_peak_rss_mb": round(peak_rss, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--mlflow-requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=120.0, help="s per phase")
    parser.add_argument("--servers", nargs="+", default=["fastapi", "mlflow"])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "serving.json"
    )
    args = parser.parse_args()
    project = args.project.resolve()
    summary = {
        "benchmark": "single-row scoring over HTTP on 127.0.0.1",
        "project": str(project),
        "n_persons_in_model_input": len(load_dataset(project, "model_input")),
        "cpu_count": os.cpu_count(),
        "servers": {server: bench(server, project, args) for server in args.servers},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    errors = sum(
        s[phase]["errors"]
        for s in summary["servers"].values()
        for phase in ("single_row", "concurrent")
    )
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
