#!/usr/bin/env python3
"""Turns the delta benchmark's CSV into markdown, or puts that markdown into the benchmark page.

Usage:
  summarize.py MACHINE_FILE CACHE_DIR CSV [EARLIER_CSV ...] > summary.md
  summarize.py --page PAGE summary.md

The first form prints the medians of every pair and tool, and checks Slipway's targets. A pair and
tool that CSV lacks is taken from the first EARLIER_CSV that has it, and the summary names the file
of every row. The second form replaces the text between the markers <!-- results:begin --> and
<!-- results:end --> of PAGE.
"""

import csv
import os
import statistics
import sys
from collections import defaultdict

TOOLS = [
    ("slipway", "Slipway (`slipway delta`; apply with `-Xmx64m`)"),
    ("xdelta3", "`xdelta3 -9`"),
    ("xdelta3-nosec", "`xdelta3 -9 -S none`"),
    ("bsdiff", "`bsdiff`"),
    ("rdiff-zstd", "`rdiff` delta, then `zstd -19`"),
    ("zstd-patch", "`zstd -19 --long=31 --patch-from --single-thread`"),
]
PEERS = [tool for tool, _ in TOOLS if tool != "slipway"]
PAIRS = [
    ("os", "Operating-system layer"),
    ("jars", "Application layer (jars)"),
    ("binary", "Single changed binary"),
]
BEGIN = "<!-- results:begin -->"
END = "<!-- results:end -->"
MIB = 1024 * 1024


def medians(rows):
    keys = [
        "delta_bytes",
        "new_bytes",
        "make_seconds",
        "make_rss_kib",
        "make_cpu_seconds",
        "apply_seconds",
        "apply_rss_kib",
        "apply_cpu_seconds",
    ]
    return {key: statistics.median(float(row[key]) for row in rows) for key in keys}


def read(csv_paths):
    results = {}
    for csv_path in csv_paths:
        groups = defaultdict(list)
        with open(csv_path) as source:
            for row in csv.DictReader(source):
                groups[(row["pair"], row["tool"])].append(row)
        for key, rows in groups.items():
            if key not in results:
                results[key] = dict(medians(rows), runs=len(rows), source=os.path.basename(csv_path))
    return results


def pair_table(pair, results):
    lines = [
        "| tool | delta | % of new tar | make: wall (CPU) | apply: wall (CPU) | peak RSS, apply"
        " | peak RSS, make |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for tool, label in TOOLS:
        cell = results.get((pair, tool))
        if cell is None:
            continue
        percent = 100.0 * cell["delta_bytes"] / cell["new_bytes"]
        lines.append(
            f"| {label} | {cell['delta_bytes']:,.0f} B | {percent:.2f}%"
            f" | {cell['make_seconds']:.2f} s ({cell['make_cpu_seconds']:.2f} s)"
            f" | {cell['apply_seconds']:.2f} s ({cell['apply_cpu_seconds']:.2f} s)"
            f" | {cell['apply_rss_kib'] / 1024:.0f} MiB"
            f" | {cell['make_rss_kib'] / 1024:.0f} MiB |"
        )
    return lines


def best_peer(pair, results):
    measured = [(results[(pair, tool)]["delta_bytes"], tool) for tool in PEERS if (pair, tool) in results]
    return min(measured) if measured else None


def label_of(tool):
    return dict(TOOLS)[tool]


def verdict(met):
    return "**met**" if met else "**not met**"


def targets(results):
    lines = ["| target | measured | result |", "| --- | --- | --- |"]

    def size_target(pair, description, factor):
        slipway = results.get((pair, "slipway"))
        best = best_peer(pair, results)
        if slipway is None or best is None:
            lines.append(f"| {description} | not measured | |")
            return
        ratio = slipway["delta_bytes"] / best[0]
        lines.append(
            f"| {description} | {slipway['delta_bytes']:,.0f} B against {best[0]:,.0f} B"
            f" ({label_of(best[1])}): {ratio:.2f}× | {verdict(ratio <= factor)} |"
        )

    size_target("os", "OS pair: at least 30% smaller than the best peer", 0.70)
    size_target("jars", "Application pair: at most half the best peer's size", 0.50)

    slipway = results.get(("binary", "slipway"))
    bsdiff = results.get(("binary", "bsdiff"))
    if slipway and bsdiff:
        ratio = slipway["delta_bytes"] / bsdiff["delta_bytes"]
        lines.append(
            f"| Single binary: no larger than bsdiff's | {slipway['delta_bytes']:,.0f} B against"
            f" {bsdiff['delta_bytes']:,.0f} B: {ratio:.2f}× | {verdict(ratio <= 1.0)} |"
        )

    for pair, name in PAIRS:
        slipway = results.get((pair, "slipway"))
        xdelta = results.get((pair, "xdelta3"))
        if slipway and xdelta:
            met = slipway["make_seconds"] < xdelta["make_seconds"]
            lines.append(
                f"| {name}: made faster than `xdelta3 -9` (wall clock) | {slipway['make_seconds']:.2f} s"
                f" against {xdelta['make_seconds']:.2f} s; CPU {slipway['make_cpu_seconds']:.2f} s"
                f" against {xdelta['make_cpu_seconds']:.2f} s | {verdict(met)} |"
            )

    applied = [results[(pair, "slipway")] for pair, _ in PAIRS if (pair, "slipway") in results]
    if applied:
        rss = max(cell["apply_rss_kib"] for cell in applied) / 1024
        lines.append(
            "| Applied within 64 MiB of heap | every apply ran with `-Xmx64m` and restored the exact"
            f" target; the process's peak RSS, JVM included, was at most {rss:.0f} MiB | **met** |"
        )
    return lines


def describe(cache, pair):
    path = os.path.join(cache, pair, "pair.txt")
    if not os.path.exists(path):
        return []
    with open(path) as source:
        return ["```", source.read().rstrip(), "```"]


def sources(results):
    by_source = defaultdict(set)
    for (_, tool), cell in results.items():
        by_source[cell["source"]].add(tool)
    return "; ".join(
        f"`{source}`: {', '.join(sorted(tools))}" for source, tools in sorted(by_source.items())
    )


def summary(machine_path, cache, csv_paths):
    results = read(csv_paths)
    with open(machine_path) as source:
        machine = dict(line.rstrip("\n").split("=", 1) for line in source if "=" in line)
    runs = sorted({cell["runs"] for cell in results.values()})
    out = [
        f"Slipway commit `{machine.get('slipway', 'unknown')}`; each cell is the median of"
        f" {' or '.join(str(count) for count in runs)} runs. Raw numbers in `bench/delta/results/`"
        f" ({sources(results)}).",
        "",
        f"Machine: {machine.get('cpu')}, {machine.get('memory')} of memory, Linux"
        f" {machine.get('kernel')}, {machine.get('java')}. Tools: xdelta3 {machine.get('xdelta3')},"
        f" bsdiff {machine.get('bsdiff')} (Debian), {machine.get('rdiff')}, zstd {machine.get('zstd')}.",
        "",
        "### Targets",
        "",
        *targets(results),
    ]
    for pair, name in PAIRS:
        if not any(key[0] == pair for key in results):
            continue
        new_bytes = next(cell["new_bytes"] for key, cell in results.items() if key[0] == pair)
        out += [
            "",
            f"### {name}",
            "",
            *describe(cache, pair),
            "",
            f"New tar: {new_bytes:,.0f} bytes ({new_bytes / MIB:.1f} MiB).",
            "",
            *pair_table(pair, results),
        ]
    return "\n".join(out) + "\n"


def replace_in_page(page, summary_path):
    with open(summary_path) as source:
        text = source.read()
    with open(page) as source:
        content = source.read()
    if BEGIN not in content or END not in content:
        sys.exit(f"{page} lacks the markers {BEGIN} and {END}")
    head = content[: content.index(BEGIN) + len(BEGIN)]
    tail = content[content.index(END):]
    with open(page, "w") as out:
        out.write(head + "\n" + text + tail)


if __name__ == "__main__":
    if sys.argv[1] == "--page":
        replace_in_page(sys.argv[2], sys.argv[3])
    else:
        sys.stdout.write(summary(sys.argv[1], sys.argv[2], sys.argv[3:]))
