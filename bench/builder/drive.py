#!/usr/bin/env python3
"""Times builds of a two-service, two-platform project through Slipway and through docker build.

Called by run.sh once the server runs and its registry contains the base image bench/base/busybox:1.0. For each
project variant (without RUN, with RUN) and each tool it measures three cases, in this order in
every run: cold (no build cache), nochange (the same source again) and onefile (one source file
changed). Tools: Slipway with each engine that can build the variant, and `docker build` with the
classic builder on the same engine, without and with `docker push` to Slipway's registry.

Slipway's time runs from the start of the source upload to the release's final status, and covers
building, pushing every platform's image and writing each service's image index. docker build
builds the four images (two services, two platforms) one after another, as a developer's loop
would, from Dockerfiles resolved for each platform and pinned to the same base manifests.

Writes results/builder-COMMIT.csv (one row per measured run) and results/builder-COMMIT.md (the
table of medians), and prints the table. Only the given server and the local Docker engine are
contacted.
"""

import argparse
import csv
import http.client
import io
import json
import os
import shutil
import statistics
import subprocess
import tarfile
import time
import urllib.parse

ORGANIZATION = "bench"
BASE_REPOSITORY = "bench/base/busybox"
PLATFORMS = {"linux/amd64": "generic-amd64", "linux/arm64": "generic-aarch64"}
SERVICES = ["web", "worker"]
CASES = ["cold", "nochange", "onefile"]
APP_FILES = 64
APP_FILE_BYTES = 64 * 1024


class Server:
    """Slipway's HTTP API with the bootstrap administrator's token."""

    def __init__(self, url, token):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.token = token

    def request(self, method, path, body=None, content_type="application/json"):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=600)
        headers = {"Authorization": "Bearer " + self.token}
        if body is not None:
            headers["Content-Type"] = content_type
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        connection.close()
        if response.status >= 300:
            raise RuntimeError("%s %s failed with %d: %s" % (method, path, response.status, text))
        return json.loads(text) if text else None

    def create_fleet(self, fleet):
        self.request(
            "POST",
            "/api/v1/orgs/%s/fleets" % ORGANIZATION,
            json.dumps({"slug": fleet, "deviceType": "generic-amd64"}),
        )
        self.request(
            "PATCH",
            "/api/v1/orgs/%s/fleets/%s" % (ORGANIZATION, fleet),
            json.dumps({"deviceTypes": list(PLATFORMS.values())}),
        )

    def build(self, fleet, archive, engine, no_cache):
        """Uploads the archive, waits for the release to finish, and returns the seconds taken."""
        started = time.monotonic()
        query = "engine=%s&noCache=%s" % (engine, "true" if no_cache else "false")
        release = self.request(
            "POST",
            "/api/v1/orgs/%s/fleets/%s/builds?%s" % (ORGANIZATION, fleet, query),
            archive,
            "application/gzip",
        )
        while True:
            view = self.request("GET", "/api/v1/releases/%d" % release["id"])
            if view["status"] != "RUNNING":
                break
            time.sleep(0.05)
        seconds = time.monotonic() - started
        if view["status"] != "SUCCESS":
            raise RuntimeError("release %d of %s ended %s" % (release["id"], fleet, view["status"]))
        return seconds


def write_project(directory, with_run, data):
    """Writes the benchmark project: web (template, 64 app files) and worker (multi-stage)."""
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(os.path.join(directory, "web", "app"))
    os.makedirs(os.path.join(directory, "worker"))
    with open(os.path.join(directory, "docker-compose.yml"), "w") as out:
        out.write(
            'version: "2.4"\nservices:\n  web:\n    build: ./web\n'
            "    restart: always\n  worker:\n    build: ./worker\n"
        )
    run = "RUN uname -m > /built-on\n" if with_run else ""
    with open(os.path.join(directory, "web", "Dockerfile.template"), "w") as out:
        out.write(
            "FROM %s:1.0\nENV MACHINE=%%%%SLIPWAY_MACHINE_NAME%%%%\nCOPY app/ /app/\n%s"
            'CMD ["sh", "-c", "echo $MACHINE"]\n' % (BASE_REPOSITORY, run)
        )
    seed = 7
    for index in range(APP_FILES):
        path = os.path.join(directory, "web", "app", "part-%03d.bin" % index)
        with open(path, "wb") as out:
            out.write(seeded_bytes(seed + index, APP_FILE_BYTES))
    with open(os.path.join(directory, "worker", "Dockerfile"), "w") as out:
        out.write(
            "FROM %s:1.0 AS assets\nCOPY data.txt /data/data.txt\n\nFROM %s:1.0\n"
            "COPY --from=assets /data/data.txt /srv/data.txt\n"
            'CMD ["cat", "/srv/data.txt"]\n' % (BASE_REPOSITORY, BASE_REPOSITORY)
        )
    change_data(directory, data)


def change_data(directory, data):
    with open(os.path.join(directory, "worker", "data.txt"), "w") as out:
        out.write(data + "\n")


def seeded_bytes(seed, size):
    """Returns size bytes that depend only on seed, so every run uploads the same app files."""
    state = seed * 2654435761 % 2**32
    chunk = bytearray()
    while len(chunk) < size:
        state = (state * 1103515245 + 12345) % 2**31
        chunk += state.to_bytes(4, "little")
    return bytes(chunk[:size])


def archive(directory):
    """Returns a gzip-compressed tar of the directory with fixed times and owners."""
    buffer = io.BytesIO()

    def normalize(entry):
        entry.mtime = 1700000000
        entry.uid = entry.gid = 0
        entry.uname = entry.gname = ""
        return entry

    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in sorted(os.listdir(directory)):
            tar.add(os.path.join(directory, name), arcname=name, filter=normalize)
    return buffer.getvalue()


class DockerBuild:
    """docker build with the classic builder on the same engine, for every service and platform."""

    def __init__(self, registry, work, base_digests):
        self.registry = registry
        self.work = work
        self.base_digests = base_digests

    def build(self, project, no_cache, push):
        started = time.monotonic()
        for platform, device_type in PLATFORMS.items():
            base = "%s/%s@%s" % (self.registry, BASE_REPOSITORY, self.base_digests[platform])
            for service in SERVICES:
                dockerfile = self.resolve(project, service, device_type, base)
                tag = "%s/%s/docker-build/%s:%s" % (
                    self.registry,
                    ORGANIZATION,
                    service,
                    platform.replace("/", "-"),
                )
                command = ["docker", "build", "--network", "host", "--pull=false", "-q"]
                command += ["--platform", platform, "-f", dockerfile, "-t", tag]
                if no_cache:
                    command.append("--no-cache")
                command.append(os.path.join(project, service))
                run(command, {"DOCKER_BUILDKIT": "0"})
                if push:
                    run(["docker", "push", "-q", tag])
        return time.monotonic() - started

    def resolve(self, project, service, device_type, base):
        directory = os.path.join(project, service)
        template = os.path.join(directory, "Dockerfile.template")
        source = template if os.path.exists(template) else os.path.join(directory, "Dockerfile")
        with open(source) as text:
            resolved = text.read().replace("%%SLIPWAY_MACHINE_NAME%%", device_type)
        resolved = resolved.replace(BASE_REPOSITORY + ":1.0", base)
        target = os.path.join(self.work, "dockerfiles", "%s-%s.Dockerfile" % (service, device_type))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w") as out:
            out.write(resolved)
        return target


def run(command, extra_environment=None):
    environment = dict(os.environ, **(extra_environment or {}))
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(command), result.stderr.strip()))
    return result.stdout


def base_digests(registry):
    raw = run(["skopeo", "inspect", "--raw", "--tls-verify=false",
               "docker://%s/%s:1.0" % (registry, BASE_REPOSITORY)])
    index = json.loads(raw)
    digests = {}
    for manifest in index["manifests"]:
        platform = "%s/%s" % (manifest["platform"]["os"], manifest["platform"]["architecture"])
        digests[platform] = manifest["digest"]
    return digests


def measure(name, build, project, rows, runs, variant):
    """Runs the three cases runs + 1 times (the first is a warm-up) and records each time.

    cold: every service's sources get new content and the tool's own cache is bypassed (Slipway's
    noCache, docker build's --no-cache), so no step after FROM can come from any cache.
    nochange: the same source again. onefile: the worker's data file changes.
    """
    for number in range(runs + 1):
        nonce = "%s run %d" % (name, number)
        change_data(project, nonce)
        with open(os.path.join(project, "web", "app", "nonce.txt"), "w") as out:
            out.write(nonce + "\n")
        cold = build(no_cache=True)
        nochange = build(no_cache=False)
        change_data(project, nonce + " changed")
        onefile = build(no_cache=False)
        for case, seconds in zip(CASES, [cold, nochange, onefile]):
            print("[bench] %s %s %s run %d: %.2f s" % (variant, name, case, number, seconds),
                  flush=True)
            if number > 0:
                rows.append({"variant": variant, "tool": name, "case": case,
                             "run": number, "seconds": "%.3f" % seconds})


def summary(rows, commit):
    medians = {}
    for row in rows:
        key = (row["variant"], row["tool"], row["case"])
        medians.setdefault(key, []).append(float(row["seconds"]))
    medians = {key: statistics.median(values) for key, values in medians.items()}
    lines = ["Commit `%s`. Medians in seconds; ratio = docker build's median divided by the"
             " engine's, so above 1 means Slipway was faster." % commit, ""]
    for variant in ["no-run", "with-run"]:
        tools = sorted({key[1] for key in medians if key[0] == variant})
        lines.append("| %s | %s |" % (variant, " | ".join(CASES)))
        lines.append("| --- |" + " --- |" * len(CASES))
        for tool in tools:
            cells = ["%.2f" % medians[(variant, tool, case)] for case in CASES]
            if tool.startswith("slipway-"):
                for index, case in enumerate(CASES):
                    docker = medians.get((variant, "docker-build", case))
                    if docker:
                        cells[index] += " (%.1f×)" % (docker / medians[(variant, tool, case)])
            lines.append("| %s | %s |" % (tool, " | ".join(cells)))
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--results", required=True)
    parser.add_argument("--commit", default="unknown")
    args = parser.parse_args()

    with open(args.token_file) as text:
        server = Server(args.server, text.read().strip())
    registry = "%s:%d" % (server.host, server.port)
    docker = DockerBuild(registry, args.work, base_digests(registry))
    rows = []
    variants = [("no-run", False, ["jib", "docker", "buildkit"]),
                ("with-run", True, ["docker", "buildkit"])]
    for variant, with_run, engines in variants:
        project = os.path.join(args.work, "project-" + variant)
        write_project(project, with_run, "first")
        for engine in engines:
            fleet = "%s-%s" % (variant, engine)
            server.create_fleet(fleet)
            measure("slipway-" + engine,
                    lambda no_cache: server.build(fleet, archive(project), engine, no_cache),
                    project, rows, args.runs, variant)
        measure("docker-build", lambda no_cache: docker.build(project, no_cache, False),
                project, rows, args.runs, variant)
        measure("docker-build+push", lambda no_cache: docker.build(project, no_cache, True),
                project, rows, args.runs, variant)

    os.makedirs(args.results, exist_ok=True)
    stem = os.path.join(args.results, "builder-%s" % args.commit)
    with open(stem + ".csv", "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["variant", "tool", "case", "run", "seconds"])
        writer.writeheader()
        writer.writerows(rows)
    table = summary(rows, args.commit)
    with open(stem + ".md", "w") as out:
        out.write(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
