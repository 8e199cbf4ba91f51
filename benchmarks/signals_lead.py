"""Which monitoring signal fires before the ARI's drop, over several stability runs.

    .venv/bin/python benchmarks/signals_lead.py --label real_halves PROJECT[@VERSION]...

Per run, read as ``stability_signals.read_run`` reads it (today's thresholds on the
run's snapshot table): the first date of the sustained drop below ``ari_threshold``
and each signal's first firing, as days before the drop (positive: it led; 0: at the
drop; negative: after it; ``None``: never fired). Then, per signal, in how many runs
it led, and in how many runs some signal led. A drop at the first snapshot after T0
cannot be led: such runs are counted apart. Writes
``benchmarks/results/signals_lead.json`` (merged under ``--label``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from stability_signals import read_run


def lead_days(first_fired: int | None, drop: int) -> int | None:
    return None if first_fired is None else drop - first_fired


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="+", help="PROJECT or PROJECT@VERSION")
    parser.add_argument("--label", required=True)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).parent / "results" / "signals_lead.json",
    )
    args = parser.parse_args()
    runs = {}
    for spec in args.projects:
        later, rec = read_run(spec)
        drop = rec["first_below_threshold_days"]
        if drop is None:
            runs[spec] = {"drop_days": None}
            continue
        runs[spec] = {
            "drop_days": drop,
            "first_step_days": int(later["horizon_days"].min()),
            "lead_days": {
                name: lead_days(signal["first_fired_days"], drop)
                for name, signal in rec["monitoring_signals"].items()
            },
        }
    leadable = [
        r
        for r in runs.values()
        if r["drop_days"] not in (None, r.get("first_step_days"))
    ]
    names = list(leadable[0]["lead_days"]) if leadable else []
    summary = {
        "runs": len(runs),
        "runs_with_a_drop_after_the_first_step": len(leadable),
        "led_by": {
            name: sum((r["lead_days"][name] or 0) > 0 for r in leadable)
            for name in names
        },
        "led_by_some_signal": sum(
            any((days or 0) > 0 for days in r["lead_days"].values()) for r in leadable
        ),
    }
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results[args.label] = {"summary": summary, "runs": runs}
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    for spec, run in runs.items():
        print(spec, run.get("drop_days"), run.get("lead_days"))


if __name__ == "__main__":
    main()
