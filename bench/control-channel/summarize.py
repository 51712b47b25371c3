#!/usr/bin/env python3
"""Keeps the control-channel benchmark's CSV and turns it into the results section of its page.

Usage:
  summarize.py header CSV
      writes the CSV's header line
  summarize.py append CSV BROKER RUN RESULT_JSON [KEY=VALUE ...]
      appends one row from load.py's result object and the extra values (register.py's timings)
  summarize.py page CSV PAGE COMMIT JAVA_OPTS CONCURRENCY [MORE_CSV ...]
      prints a markdown table of the medians per broker over the rows of all CSV files, and when
      PAGE is not empty replaces the text between the results markers of that page with it
"""

import csv
import json
import os
import statistics
import sys
from datetime import date

START = "<!-- results:begin -->"
END = "<!-- results:end -->"
BROKER_TITLES = {
    "embedded": "embedded (HiveMQ CE)",
    "external": "external (Mosquitto 2.0, dynamic security)",
    "bare": "bare Mosquitto, no Slipway",
}
LOAD_COLUMNS = [
    "devices", "connected", "failed_attempts", "connect_seconds", "connect_p50_ms",
    "connect_p99_ms", "presence_seconds", "sent", "send_request_ms", "delivered", "delivered_60s",
    "latency_p50_ms", "latency_p99_ms", "latency_max_ms", "succeeded", "succeeded_seconds", "lost",
    "client_cpu_seconds",
]
SETUP_COLUMNS = ["register_seconds", "channel_seconds", "channel_max_ms"]
PROCESSES = ["server", "mosquitto"]
PROCESS_COLUMNS = [
    "rss_start_kib", "rss_connected_kib", "hwm_connected_kib", "rss_delivered_kib",
    "hwm_delivered_kib", "cpu_connect_seconds", "cpu_delivery_seconds",
]
COLUMNS = (
    ["broker", "run"]
    + LOAD_COLUMNS
    + SETUP_COLUMNS
    + ["%s_%s" % (process, column) for process in PROCESSES for column in PROCESS_COLUMNS]
)


def process_columns(result, process):
    """Flattens load.py's process readings of one process into its CSV columns."""
    start = result.get("processes_start", {}).get(process)
    connected = result.get("processes_connected", {}).get(process)
    delivered = result.get("processes_delivered", {}).get(process)
    values = {}
    if start:
        values["rss_start_kib"] = start["rss_kib"]
    if connected:
        values["rss_connected_kib"] = connected["rss_kib"]
        values["hwm_connected_kib"] = connected["hwm_kib"]
    if delivered:
        values["rss_delivered_kib"] = delivered["rss_kib"]
        values["hwm_delivered_kib"] = delivered["hwm_kib"]
    if start and connected:
        values["cpu_connect_seconds"] = round(connected["cpu_seconds"] - start["cpu_seconds"], 2)
    if connected and delivered:
        values["cpu_delivery_seconds"] = round(delivered["cpu_seconds"] - connected["cpu_seconds"], 2)
    return {"%s_%s" % (process, key): value for key, value in values.items()}


def append(csv_path, broker, run, result_path, extras):
    with open(result_path) as handle:
        result = json.load(handle)
    row = {"broker": broker, "run": run}
    row.update({key: result.get(key) for key in LOAD_COLUMNS})
    for extra in extras:
        key, _, value = extra.partition("=")
        if key not in SETUP_COLUMNS:
            sys.exit("unknown extra column %r: expected one of %s" % (key, SETUP_COLUMNS))
        row[key] = value
    for process in PROCESSES:
        row.update(process_columns(result, process))
    cells = {key: "" if value is None else value for key, value in row.items()}
    with open(csv_path, "a", newline="") as handle:
        csv.DictWriter(handle, COLUMNS).writerow(cells)
    print(",".join(str(cells.get(column, "")) for column in COLUMNS), file=sys.stderr)


def values_of(rows, column):
    return [float(row[column]) for row in rows if row.get(column) not in (None, "")]


def seconds(values):
    if not values:
        return "n/a"
    text = "%.1f s" % statistics.median(values)
    if len(values) > 1:
        text += " (%.1f to %.1f)" % (min(values), max(values))
    return text


def milliseconds(values):
    if not values:
        return "n/a"
    text = "%.0f ms" % statistics.median(values)
    if len(values) > 1:
        text += " (%.0f to %.0f)" % (min(values), max(values))
    return text


def count(values):
    return "n/a" if not values else "%.0f" % statistics.median(values)


def mebibytes(values):
    return "n/a" if not values else "%.0f MiB" % (statistics.median(values) / 1024)


def cpu(values):
    return "n/a" if not values else "%.1f s" % statistics.median(values)


# Rows of the page's table: (label, column, format). Medians over the runs; times also show the
# lowest and highest run in brackets.
TABLE = [
    ("devices connected", "connected", count),
    ("failed connection attempts", "failed_attempts", count),
    ("registering all devices (API)", "register_seconds", seconds),
    ("one control-channel call per device (API)", "channel_seconds", seconds),
    ("slowest control-channel call", "channel_max_ms", milliseconds),
    ("first CONNECT to last SUBACK", "connect_seconds", seconds),
    ("one device's connect to SUBACK, median", "connect_p50_ms", milliseconds),
    ("one device's connect to SUBACK, p99", "connect_p99_ms", milliseconds),
    ("last SUBACK until sampled devices show connected (API)", "presence_seconds", seconds),
    ("commands sent", "sent", count),
    ("send request returned after", "send_request_ms", milliseconds),
    ("commands delivered within 60 s", "delivered_60s", count),
    ("delivery latency, median", "latency_p50_ms", milliseconds),
    ("delivery latency, p99", "latency_p99_ms", milliseconds),
    ("delivery latency, max", "latency_max_ms", milliseconds),
    ("commands SUCCEEDED in the API", "succeeded", count),
    ("send request until the API shows all SUCCEEDED", "succeeded_seconds", seconds),
    ("connections lost before the end", "lost", count),
    ("server RSS after registering, before the devices connect", "server_rss_start_kib", mebibytes),
    ("server RSS after the connect phase", "server_rss_connected_kib", mebibytes),
    ("server RSS after delivery", "server_rss_delivered_kib", mebibytes),
    ("server peak RSS (VmHWM) at the end", "server_hwm_delivered_kib", mebibytes),
    ("server CPU time in the connect phase", "server_cpu_connect_seconds", cpu),
    ("server CPU time from connected to the end", "server_cpu_delivery_seconds", cpu),
    ("Mosquitto RSS after the connect phase", "mosquitto_rss_connected_kib", mebibytes),
    ("Mosquitto RSS after delivery", "mosquitto_rss_delivered_kib", mebibytes),
    ("Mosquitto peak RSS (VmHWM) at the end", "mosquitto_hwm_delivered_kib", mebibytes),
    ("Mosquitto CPU time in the connect phase", "mosquitto_cpu_connect_seconds", cpu),
    ("load client CPU time, whole run", "client_cpu_seconds", cpu),
]


def table(rows):
    """Formats the medians as a markdown table with one column per broker and device count."""
    groups = list(dict.fromkeys((row["broker"], row["devices"]) for row in rows))
    titles = ["%s, %s devices" % (BROKER_TITLES.get(broker, broker), f"{int(devices):,}") for broker, devices in groups]
    lines = ["| | " + " | ".join(titles) + " |", "| --- |" + " ---: |" * len(groups)]
    for label, column, form in TABLE:
        cells = []
        for broker, devices in groups:
            members = [row for row in rows if (row["broker"], row["devices"]) == (broker, devices)]
            cells.append(form(values_of(members, column)))
        if all(cell == "n/a" for cell in cells):
            continue
        lines.append("| %s | %s |" % (label, " | ".join(cells)))
    return "\n".join(lines)


def page(csv_paths, page_path, commit, java_options, concurrency):
    rows = []
    for csv_path in csv_paths:
        with open(csv_path) as handle:
            rows += list(csv.DictReader(handle))

    if not rows:
        sys.exit("%s have no rows: every run failed, so the page stays as it is" % " ".join(csv_paths))
    groups = {(row["broker"], row["devices"]) for row in rows}
    runs = min(sum(1 for row in rows if (row["broker"], row["devices"]) == group) for group in groups)
    spread = "one run per column"
    if runs > 1:
        spread = "median of %d runs per column, lowest and highest run in brackets" % runs

    sources = ", ".join("`bench/control-channel/results/%s`" % os.path.basename(path) for path in csv_paths)
    section = (
        f"{START}\n"
        f"Measured {date.today().isoformat()} at commit {commit}, "
        f"{concurrency} devices connecting at a time, server JVM options `{java_options}`: "
        f"{spread} (raw rows: {sources}).\n\n"
        f"{table(rows)}\n"
        f"{END}"
    )
    print(section)

    if not page_path:
        return
    with open(page_path) as handle:
        content = handle.read()
    if START not in content or END not in content:
        sys.exit("%s lacks the markers %s and %s around its results" % (page_path, START, END))
    before, rest = content.split(START, 1)
    after = rest.split(END, 1)[1]
    with open(page_path, "w") as handle:
        handle.write(before + section + after)


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "header" and len(sys.argv) == 3:
        with open(sys.argv[2], "w", newline="") as handle:
            csv.writer(handle).writerow(COLUMNS)
    elif command == "append" and len(sys.argv) >= 6:
        append(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:])
    elif command == "page" and len(sys.argv) >= 7:
        page([sys.argv[2]] + sys.argv[7:], *sys.argv[3:7])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
