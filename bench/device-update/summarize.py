#!/usr/bin/env python3
"""Turns the device update benchmark's CSV into markdown tables of medians.

Usage: summarize.py CSV LAYOUT PAGE COMMIT

Prints the tables, and when PAGE is not empty replaces the text between the results markers of
that page with them.
"""

import csv
import json
import os
import statistics
import sys
from datetime import date

START = "<!-- results:begin -->"
END = "<!-- results:end -->"
STEPS = ["first boot to release 1", "release 1 to 2", "release 2 to 3"]


def release_sizes(layout):
    """Returns each release's compressed size: manifest, config and layers of its one platform."""
    blobs = os.path.join(layout, "blobs", "sha256")

    def read(digest):
        with open(os.path.join(blobs, digest.split(":")[1]), "rb") as handle:
            return json.load(handle)

    with open(os.path.join(layout, "index.json")) as handle:
        tags = json.load(handle)["manifests"]
    sizes = {}
    for tag in tags:
        descriptor = read(tag["digest"])["manifests"][0]
        manifest = read(descriptor["digest"])
        total = descriptor["size"] + manifest["config"]["size"]
        total += sum(layer["size"] for layer in manifest["layers"])
        sizes[tag["annotations"]["org.opencontainers.image.ref.name"]] = total
    return sizes


def mib(value):
    return f"{value / 1048576:.2f} MiB"


def table(rows, sizes):
    runs = {}
    for row in rows:
        runs.setdefault((row["mode"], row["step"]), []).append(row)
    modes = sorted({row["mode"] for row in rows})
    lines = [
        "| step | image size | " + " | ".join(f"{mode}: bytes | {mode}: wall time" for mode in modes) + " |",
        "| --- | ---: | " + " | ".join("---: | ---:" for _ in modes) + " |",
    ]
    for index, step in enumerate(STEPS):
        cells = []
        for mode in modes:
            measured = runs.get((mode, step), [])
            if not measured:
                cells += ["", ""]
                continue
            cells.append(mib(statistics.median(int(r["bytes"]) for r in measured)))
            cells.append(f"{statistics.median(float(r['seconds']) for r in measured):.1f} s")
        size = sizes.get(f"r{index + 1}")
        lines.append(f"| {step} | {mib(size) if size else ''} | " + " | ".join(cells) + " |")
    count = min(len(v) for v in runs.values())
    rss = {mode: max(int(r["peak_rss_kib"]) for r in rows if r["mode"] == mode) for mode in modes}
    rss_line = ", ".join(f"{mode} {value / 1024:.0f} MiB" for mode, value in rss.items())
    return "\n".join(lines), count, rss_line


def main():
    csv_path, layout, page, commit = sys.argv[1:5]
    with open(csv_path) as handle:
        rows = list(csv.DictReader(handle))
    text, count, rss_line = table(rows, release_sizes(layout))
    section = (
        f"{START}\n"
        f"Measured {date.today().isoformat()} at commit {commit}: median of {count} runs per mode "
        f"(raw rows: `bench/device-update/results/{os.path.basename(csv_path)}`).\n\n"
        f"{text}\n\n"
        f"Peak RSS of the agent (`VmHWM`, highest over all runs): {rss_line}.\n"
        f"{END}"
    )
    print(section)
    if page:
        with open(page) as handle:
            content = handle.read()
        before, rest = content.split(START, 1)
        after = rest.split(END, 1)[1]
        with open(page, "w") as handle:
            handle.write(before + section + after)


if __name__ == "__main__":
    main()
