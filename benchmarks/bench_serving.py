"""Throughput and latency of the segment model served by ``mlflow models serve``.

Starts MLflow's model server on 127.0.0.1 (local environment manager) for the
registered model of a project that has been run (``kedro run`` wrote ``mlflow.db``),
sends ``--requests`` POSTs of ``--rows`` feature rows each from ``--concurrency``
threads (one keep-alive connection per thread), checks every answer, and writes
throughput, p50/p99 latency, errors and the server's peak RSS to
``benchmarks/results/serving.json``. Repeated ``--repeats`` times; medians reported.

    .venv/bin/python benchmarks/bench_serving.py            # the project itself
    .venv/bin/python benchmarks/bench_serving.py --project /path/to/a/run/project
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.processes import free_port, serving  # noqa: E402
from tests.integration.project_data import load_dataset  # noqa: E402

MODEL_URI = "models:/olist_segmentation/latest"


def _payloads(project: Path, n_requests: int, rows: int, seed: int) -> list[bytes]:
    model_input = load_dataset(project, "model_input")
    rng = np.random.default_rng(seed)
    bodies = []
    for _ in range(n_requests):
        picked = model_input.iloc[rng.integers(0, len(model_input), size=rows)]
        split = json.loads(picked.to_json(orient="split", index=False))
        bodies.append(json.dumps({"dataframe_split": split}).encode())
    return bodies


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


def _send_all(port: int, bodies: list[bytes], concurrency: int, rows: int) -> dict:
    chunks = [bodies[i::concurrency] for i in range(concurrency)]

    def worker(chunk: list[bytes]) -> tuple[list[float], list[str]]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies, errors = [], []
        for body in chunk:
            start = time.perf_counter()
            connection.request(
                "POST",
                "/invocations",
                body=body,
                headers={"Content-Type": "application/json"},
            )
            response = connection.getresponse()
            payload = response.read()
            latencies.append(time.perf_counter() - start)
            if response.status != 200:
                errors.append(f"{response.status}: {payload[:200]!r}")
                continue
            predictions = json.loads(payload)["predictions"]
            if len(predictions) != rows or not all(
                isinstance(p["segment"], int) and p["segment_name"] for p in predictions
            ):
                errors.append(f"unexpected answer {payload[:200]!r}")
        connection.close()
        return latencies, errors

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(worker, chunks))
    elapsed = time.perf_counter() - start
    latencies = sorted(t for lat, _ in results for t in lat)
    errors = [e for _, err in results for e in err]
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * float(np.percentile(latencies, 50)), 2),
        "p99_ms": round(1000 * float(np.percentile(latencies, 99)), 2),
        "max_ms": round(1000 * latencies[-1], 2),
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--model-uri", default=MODEL_URI)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rows", type=int, default=1, help="feature rows per request")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "serving.json"
    )
    args = parser.parse_args()
    project = args.project.resolve()
    tracking = f"sqlite:///{project / 'mlflow.db'}"
    bodies = _payloads(project, args.requests, args.rows, seed=0)
    port = free_port()
    mlflow = str(Path(sys.executable).parent / "mlflow")
    command = [mlflow, "models", "serve", "-m", args.model_uri, "--env-manager"]
    command += ["local", "-h", "127.0.0.1", "-p", str(port)]
    log = Path(tempfile.mkdtemp(prefix="bench_serving_")) / "server.log"
    runs = []
    with serving(
        command,
        cwd=project,
        ready_url=f"http://127.0.0.1:{port}/ping",
        log=log,
        timeout=180,
        env={"MLFLOW_TRACKING_URI": tracking},
    ) as server:
        _send_all(port, bodies[:50], args.concurrency, args.rows)  # warm-up
        for repeat in range(args.repeats):
            result = _send_all(port, bodies, args.concurrency, args.rows)
            print(f"run {repeat + 1}/{args.repeats}: {json.dumps(result)}")
            runs.append(result)
        peak_rss = _group_peak_rss_mb(server.pid)
    summary = {
        "benchmark": "mlflow models serve --env-manager local, POST /invocations",
        "model_uri": args.model_uri,
        "n_persons_in_model_input": len(load_dataset(project, "model_input")),
        "requests_per_run": args.requests,
        "rows_per_request": args.rows,
        "concurrency": args.concurrency,
        "repeats": args.repeats,
        "median_throughput_rps": statistics.median(r["throughput_rps"] for r in runs),
        "median_p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "median_p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "total_errors": sum(r["errors"] for r in runs),
        "server_peak_rss_mb": round(peak_rss, 1),
        "cpu_count": os.cpu_count(),
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=2))
    if summary["total_errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
