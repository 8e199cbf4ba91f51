"""Start servers for integration tests in their own process group, and stop all of it.

``kedro viz run`` and ``mlflow models serve`` both serve from a child process; the
server is started as the leader of a new session, so killing its process group stops
the parent and every child it spawned.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

QUIET_ENV = {
    "KEDRO_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "PYTHONWARNINGS": "ignore",
}
KEDRO = str(Path(sys.executable).parent / "kedro")


def kedro(
    project: Path, *args: str, timeout: float = 600
) -> subprocess.CompletedProcess:
    """``kedro *args`` in ``project`` as a user types it, output captured, not checked."""
    return subprocess.run(
        [KEDRO, *args],
        cwd=project,
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **QUIET_ENV},
    )


def _path_with_venv() -> str:
    """PATH with this interpreter's bin folder first: servers spawn ``uvicorn`` by name."""
    return os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
    )


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now, below 49152 (kedro viz refuses the
    ephemeral range)."""
    for port in random.Random().sample(range(20000, 49000), 200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free TCP port between 20000 and 49000")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_group(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop ``process`` and every process of its group: SIGTERM, then SIGKILL."""
    pgid = process.pid
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.1)
            if process.poll() is not None and not _group_alive(pgid):
                return
        if sig == signal.SIGKILL:
            break
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)


def wait_for_http(
    url: str, process: subprocess.Popen, log: Path, timeout: float
) -> None:
    """Poll ``url`` until it answers 200; fail with the server log if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited with {process.returncode} before answering {url}:\n"
                + log.read_text()[-4000:]
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(
        f"no answer from {url} after {timeout:.0f} s:\n" + log.read_text()[-4000:]
    )


@contextlib.contextmanager
def serving(
    command: Sequence[str],
    *,
    cwd: Path,
    ready_url: str,
    log: Path,
    timeout: float = 90.0,
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen]:
    """Run ``command`` as a server until the block ends, then stop its whole group."""
    with log.open("w") as out:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **QUIET_ENV, "PATH": _path_with_venv(), **(env or {})},
            start_new_session=True,
        )
    try:
        wait_for_http(ready_url, process, log, timeout)
        yield process
    finally:
        stop_group(process)
