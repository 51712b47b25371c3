#!/usr/bin/env python3
"""Prints the API benchmark's markdown tables from the CSV file that run.sh writes.

Usage: summarize.py RUNS.csv

RUNS.csv has one row per wrk run; warm-up rows (run 0) are skipped. Each cell of the first table is
the median over the measured runs of one mode. The target applies to the conditional mode: at
least 5,000 polls per second with a p99 latency under 50 ms.
"""

import csv
import statistics
import sys

MODES = [
    ("conditional", "conditional (`If-None-Match`, responds `304`)"),
    ("full", "full (no `If-None-Match`, responds `200`)"),
    ("paced", "paced conditional (connections wait between polls)"),
    ("stale", "conditional, first polls after a minute of silence (each also writes last-seen)"),
]
TARGET_RPS = 5000
TARGET_P99_MS = 50


def measured(rows, mode):
    return [r for r in rows if r["mode"] == mode and r["warmup"] == "0"]


def cpu_per_request_us(row, column):
    return float(row[column]) * 1e6 / int(row["requests"])


def median_of(rows, value):
    return statistics.median(value(r) for r in rows)


def median_table(rows):
    lines = [
        "| mode | runs | requests/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/request"
        " | wrk CPU µs/request | peak RSS MiB | steady RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for mode, label in MODES:
        group = measured(rows, mode)
        if not group:
            continue
        lines.append(
            "| %s | %d | **%.0f** | %.1f | **%.1f** | %.1f | %.0f | %.0f | %.0f | %.0f |"
            % (
                label,
                len(group),
                median_of(group, lambda r: float(r["rps"])),
                median_of(group, lambda r: float(r["p50_ms"])),
                median_of(group, lambda r: float(r["p99_ms"])),
                median_of(group, lambda r: float(r["p999_ms"])),
                median_of(group, lambda r: cpu_per_request_us(r, "server_cpu_seconds")),
                median_of(group, lambda r: cpu_per_request_us(r, "client_cpu_seconds")),
                median_of(group, lambda r: int(r["rss_peak_kib"]) / 1024),
                median_of(group, lambda r: int(r["rss_steady_kib"]) / 1024),
            )
        )
    return lines


def target_line(rows):
    group = measured(rows, "conditional")
    if not group:
        return "No measured conditional runs."
    rps = median_of(group, lambda r: float(r["rps"]))
    p99 = median_of(group, lambda r: float(r["p99_ms"]))
    met = rps >= TARGET_RPS and p99 < TARGET_P99_MS
    return "Target (conditional polls: at least %d/s with p99 under %d ms): %s (%.0f/s, p99 %.1f ms)." % (
        TARGET_RPS,
        TARGET_P99_MS,
        "**met**" if met else "**not met**",
        rps,
        p99,
    )


def runs_table(rows):
    lines = [
        "| run | mode | requests | requests/s | p50 ms | p90 ms | p99 ms | max ms | 200 | 304"
        " | other | errors | server CPU s | wrk CPU s | others' CPU s | peak RSS MiB"
        " | steady RSS MiB | busy before |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        " ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        warmup = " (warm-up)" if r["warmup"] == "1" else ""
        lines.append(
            "| %s%s | %s | %s | %.0f | %.1f | %.1f | %.1f | %.0f | %s | %s | %s | %s | %s | %s | %s"
            " | %.0f | %.0f | %s%% |"
            % (
                r["run"],
                warmup,
                r["mode"],
                r["requests"],
                float(r["rps"]),
                float(r["p50_ms"]),
                float(r["p90_ms"]),
                float(r["p99_ms"]),
                float(r["max_ms"]),
                r["status_200"],
                r["status_304"],
                r["status_other"],
                r["errors"],
                r["server_cpu_seconds"],
                r["client_cpu_seconds"],
                r["other_cpu_seconds"],
                int(r["rss_peak_kib"]) / 1024,
                int(r["rss_steady_kib"]) / 1024,
                r["busy_before_percent"],
            )
        )
    return lines


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: summarize.py RUNS.csv")
    with open(sys.argv[1], newline="") as source:
        rows = list(csv.DictReader(source))
    print("\n".join(median_table(rows)))
    print()
    print(target_line(rows))
    print()
    print("\n".join(runs_table(rows)))


if __name__ == "__main__":
    main()
