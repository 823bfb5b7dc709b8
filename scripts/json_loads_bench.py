#!/usr/bin/env python3
"""The Python baseline of the end-to-end ingest figure: a `json.loads` loop over a log.

    .build-release/release/mlwatch-bench gen realistic --lines 1000000 --out /tmp/real1m.jsonl
    python3 scripts/json_loads_bench.py /tmp/real1m.jsonl

Reads the file line by line (binary, as mlwatch does), parses every line with the standard library's
`json.loads` and counts the objects; nothing else. Prints one line: lines, seconds, lines/s (wall time,
file reading included). `mlwatch-bench e2e ingest` runs it next to `mlwatch check` on the same file.
"""
import json
import sys
import time


def main():
    path = sys.argv[1]
    t0 = time.perf_counter()
    lines = 0
    objects = 0
    with open(path, "rb") as f:
        for line in f:
            lines += 1
            if isinstance(json.loads(line), dict):
                objects += 1
    dt = time.perf_counter() - t0
    print(f"python json.loads: {lines} lines ({objects} objects) in {dt:.3f} s, {lines / dt:.0f} lines/s")


if __name__ == "__main__":
    main()
