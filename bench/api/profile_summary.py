#!/usr/bin/env python3
"""Groups the Java execution samples of a JFR recording of the polling server by component.

Usage: profile_summary.py SAMPLES.json   (the output of `jfr print --json --events
jdk.ExecutionSample`)

Prints three markdown tables: the share of samples per component (the first rule whose marker
occurs anywhere in a sample's stack wins), the Slipway and H2 methods that occur in the most
stacks, and the methods that were running when sampled. JFR samples only threads that run Java code, so time in system calls (socket reads and
writes) and in the kernel does not appear.
"""

import collections
import json
import sys

RULES = [
    ("device key check (SHA-256 of the key, lookup by hash)", "io/slipway/api/device/DeviceKeyResolver"),
    ("other authentication", "io/slipway/api/identity/"),
    ("access check (device by id)", "io/slipway/api/access/"),
    ("target state (versions, rendering)", "io/slipway/api/targetstate/"),
    ("H2 database, other", "org/h2/"),
    ("Hikari connection pool", "com/zaxxer/hikari/"),
    ("Spring MVC dispatch", "org/springframework/web/"),
    ("Tomcat and socket handling", "org/apache/"),
]
TOP_METHODS = 15


def frames_of(event):
    return [
        f["method"]["type"]["name"] + "." + f["method"]["name"]
        for f in event["values"]["stackTrace"]["frames"]
    ]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: profile_summary.py SAMPLES.json")
    events = json.load(open(sys.argv[1]))["recording"]["events"]
    if not events:
        print("No execution samples recorded.")
        return
    components = collections.Counter()
    methods = collections.Counter()
    top_frames = collections.Counter()
    for event in events:
        frames = frames_of(event)
        stack = " ".join(frames)
        components[next((name for name, marker in RULES if marker in stack), "other")] += 1
        for method in set(frames):
            if method.startswith(("io/slipway/", "org/h2/")):
                methods[method] += 1
        if frames:
            top_frames[frames[0]] += 1

    total = len(events)
    print("| component (first match from the top of this list) | share of samples |")
    print("| --- | ---: |")
    for name, count in components.most_common():
        print("| %s | %d%% (%d) |" % (name, round(100 * count / total), count))
    print()
    print("| Slipway or H2 method on the stack | share of samples |")
    print("| --- | ---: |")
    for method, count in methods.most_common(TOP_METHODS):
        print("| `%s` | %d%% |" % (method.replace("/", "."), round(100 * count / total)))
    print()
    print("| method running when sampled (top frame) | share of samples |")
    print("| --- | ---: |")
    for method, count in top_frames.most_common(TOP_METHODS):
        print("| `%s` | %d%% |" % (method.replace("/", "."), round(100 * count / total)))
    print()
    print("%d samples. JFR samples only threads that run Java code." % total)


if __name__ == "__main__":
    main()
