"""``python -m olist_segmentation.serving``: serve the registered model (``make serve``).

    python -m olist_segmentation.serving [--host 127.0.0.1] [--port 8000]
        [--model-version N | --model-alias NAME] [--project DIR]

Binds 127.0.0.1 unless told otherwise. Without a registered model it stops with a
message naming the command to run first.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import uvicorn

from olist_segmentation.serving.api import create_app
from olist_segmentation.serving.run import ServedRunMissing, load_served_run


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of the service."""
    parser = argparse.ArgumentParser(prog="python -m olist_segmentation.serving")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--project", type=Path, default=Path.cwd())
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--model-version", default="latest")
    chosen.add_argument("--model-alias", default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Load the served run, then serve it with uvicorn (no access log: it costs
    more than a prediction)."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        served = load_served_run(
            args.project.resolve(), version=args.model_version, alias=args.model_alias
        )
    except ServedRunMissing as error:
        raise SystemExit(f"cannot serve: {error}") from error
    uvicorn.run(
        create_app(served),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
