#!/usr/bin/env python3
"""Prints the registry benchmark's markdown tables from the CSV files that run.sh writes.

Usage: summarize.py RUNS.csv PROCESSES.csv

RUNS.csv has one row per timed transfer, and warm-up rows are skipped. PROCESSES.csv has one row per
server process with its peak RSS and CPU time after the runs. Throughput is MiB (2^20 bytes) per
second of wall-clock time, and each cell is the median over the measured runs.
"""

import csv
import statistics
import sys

MIB = 1024 * 1024
MEASURES = [
    ("blob-push", "blob push (curl)", 1.2),
    ("blob-pull", "blob pull (curl)", 1.5),
    ("image-push", "image push (skopeo)", 1.2),
    ("image-pull", "image pull (skopeo)", 1.5),
]
LIMIT_OF = {"blob-push": "loopback-put", "blob-pull": "loopback-get"}


def medians(rows):
    """Maps (measure, server) to (median MiB/s, run count, median seconds, bytes)."""
    groups = {}
    for row in rows:
        if row["warmup"] == "1":
            continue
        groups.setdefault((row["measure"], row["server"]), []).append(row)
    result = {}
    for key, group in groups.items():
        rates = [int(r["bytes"]) / MIB / float(r["seconds"]) for r in group]
        seconds = [float(r["seconds"]) for r in group]
        result[key] = (
            statistics.median(rates),
            len(group),
            statistics.median(seconds),
            int(group[0]["bytes"]),
        )
    return result


def throughput_table(found):
    lines = [
        "| transfer | size | Slipway MiB/s | distribution MiB/s | ratio | target | met |"
        " loopback limit MiB/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for measure, label, target in MEASURES:
        slipway = found.get((measure, "slipway"))
        distribution = found.get((measure, "distribution"))
        if not slipway or not distribution:
            continue
        ratio = slipway[0] / distribution[0]
        limit = found.get((LIMIT_OF.get(measure, ""), "nginx"))
        limit_cell = "%.0f" % limit[0] if limit else "n/a"
        lines.append(
            "| %s | %.1f MiB | %.0f (n=%d) | %.0f (n=%d) | **%.2f×** | %.1f× | %s | %s |"
            % (
                label,
                slipway[3] / MIB,
                slipway[0],
                slipway[1],
                distribution[0],
                distribution[1],
                ratio,
                target,
                "yes" if ratio >= target else "no",
                limit_cell,
            )
        )
    return lines


def cpu_table(rows):
    """Lists each server's median CPU seconds per GiB transferred, a measure that contention for
    the cores disturbs less than wall-clock time."""
    per_gib = {}
    for row in rows:
        if row["warmup"] == "0":
            cpu = float(row["server_cpu_seconds"]) * 1024 * MIB / int(row["bytes"])
            per_gib.setdefault((row["measure"], row["server"]), []).append(cpu)
    lines = [
        "| transfer | Slipway CPU s/GiB | distribution CPU s/GiB | nginx CPU s/GiB |",
        "| --- | ---: | ---: | ---: |",
    ]
    for measure, label, _ in MEASURES:
        cells = []
        for server in ("slipway", "distribution"):
            values = per_gib.get((measure, server))
            cells.append("%.2f" % statistics.median(values) if values else "n/a")
        limit = per_gib.get((LIMIT_OF.get(measure, ""), "nginx"))
        cells.append("%.2f" % statistics.median(limit) if limit else "n/a")
        lines.append("| %s | %s |" % (label, " | ".join(cells)))
    return lines


def busy_line(rows):
    """Describes how busy other processes kept the cores just before the measured transfers."""
    busy = [int(r["busy_before_percent"]) for r in rows if r["warmup"] == "0"]
    return (
        "Cores busy with other processes in the second before each measured transfer:"
        " median %d%%, max %d%%." % (statistics.median(busy), max(busy))
    )


def process_table(path):
    lines = [
        "| server | peak RSS (VmHWM) | RSS at the end | CPU time during the runs (user + system) |",
        "| --- | ---: | ---: | ---: |",
    ]
    with open(path, newline="") as source:
        for row in csv.DictReader(source):
            lines.append(
                "| %s | %.0f MiB | %.0f MiB | %.1f s |"
                % (
                    row["server"],
                    int(row["vmhwm_kib"]) / 1024,
                    int(row["vmrss_kib"]) / 1024,
                    float(row["cpu_seconds"]),
                )
            )
    return lines


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: summarize.py RUNS.csv PROCESSES.csv")
    with open(sys.argv[1], newline="") as source:
        rows = list(csv.DictReader(source))
    print("\n".join(throughput_table(medians(rows))))
    print()
    print("\n".join(cpu_table(rows)))
    print()
    print(busy_line(rows))
    print()
    print("\n".join(process_table(sys.argv[2])))


if __name__ == "__main__":
    main()
