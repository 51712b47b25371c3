#!/usr/bin/env python3
"""Prepares a running Slipway server for the target-state polling benchmark, through its HTTP API.

Usage: setup.py BASE_URL ADMIN_TOKEN DEVICES_FILE [--devices N] [--workers N]

As the bootstrap administrator it creates the organization `bench`, the fleet `bench/pollers`
(device type raspberrypi4-64, no approval, tracking the latest release) and a provisioning key.
It registers N devices with `POST /device/v1/register`, each with its own random UUID, from
several threads at once. Then it creates one release with two services and finishes it as
SUCCESS, so that it becomes every device's target. Last, each device reads its target state once
with its own key; the script checks that the state names the release and keeps the ETag.

DEVICES_FILE gets one line per device: `UUID DEVICE_KEY ETAG` (the ETag with its quotes). The
file contains the secrets of a throw-away server and is written with mode 0600. Progress and timings go
to stderr; stdout gets one line `setup_seconds=... register_per_second=...`.

Only the standard library is used, and only BASE_URL is contacted.
"""

import argparse
import base64
import concurrent.futures
import hashlib
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse
import uuid

ORGANIZATION = "bench"
FLEET = "pollers"
DEVICE_TYPE = "raspberrypi4-64"
# A release may name only images that the registry holds, so setup pushes one small image (a
# config blob and a manifest without layers) to each service's repository.
CONFIG = b'{"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'


class Client:
    """One keep-alive HTTP connection to the server. Not safe for concurrent use."""

    def __init__(self, base_url):
        parts = urllib.parse.urlsplit(base_url)
        self.host = parts.hostname
        self.port = parts.port
        self.connection = None

    def call(self, method, path, token, body=None, expect=(200,)):
        """Sends one request and returns (status, response, parsed JSON body or None)."""
        headers = {"Authorization": "Bearer " + token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                raw = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server may close an idle keep-alive connection, so retry once on a new one.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        if response.status not in expect:
            sys.exit(
                "%s %s answered %d, expected %s: %s"
                % (method, path, response.status, expect, raw[:500].decode(errors="replace"))
            )
        parsed = json.loads(raw) if raw else None
        return response.status, response, parsed


def log(message):
    print("[setup %s] %s" % (time.strftime("%H:%M:%S"), message), file=sys.stderr, flush=True)


def create_fleet(client, admin):
    client.call(
        "POST", "/api/v1/orgs", admin, {"slug": ORGANIZATION, "name": "Benchmark"}, expect=(201,)
    )
    client.call(
        "POST",
        "/api/v1/orgs/%s/fleets" % ORGANIZATION,
        admin,
        {"slug": FLEET, "name": "Polling devices", "deviceType": DEVICE_TYPE},
        expect=(201,),
    )
    _, _, created = client.call(
        "POST",
        "/api/v1/orgs/%s/fleets/%s/provisioning-keys" % (ORGANIZATION, FLEET),
        admin,
        {"name": "benchmark"},
        expect=(201,),
    )
    return created["secret"]


def push_image(base_url, admin, repository):
    """Pushes a layer-less image to `repository` through the registry API; returns its digest."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    basic = base64.b64encode(("admin:" + admin).encode()).decode()
    query = urllib.parse.urlencode(
        {"service": "slipway-registry", "scope": "repository:%s:pull,push" % repository}
    )
    connection.request("GET", "/auth/token?" + query, headers={"Authorization": "Basic " + basic})
    token = json.loads(connection.getresponse().read())["token"]
    bearer = {"Authorization": "Bearer " + token}

    config_digest = "sha256:" + hashlib.sha256(CONFIG).hexdigest()
    connection.request("POST", "/v2/%s/blobs/uploads/" % repository, headers=bearer)
    started = connection.getresponse()
    started.read()
    location = started.getheader("Location")
    separator = "&" if "?" in location else "?"
    connection.request(
        "PUT",
        location + separator + "digest=" + config_digest,
        body=CONFIG,
        headers=dict(bearer, **{"Content-Type": "application/octet-stream"}),
    )
    uploaded = connection.getresponse()
    uploaded.read()
    if uploaded.status != 201:
        sys.exit("config upload to %s answered %d" % (repository, uploaded.status))

    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config_digest,
                "size": len(CONFIG),
            },
            "layers": [],
        }
    ).encode()
    connection.request(
        "PUT",
        "/v2/%s/manifests/latest" % repository,
        body=manifest,
        headers=dict(bearer, **{"Content-Type": "application/vnd.oci.image.manifest.v1+json"}),
    )
    pushed = connection.getresponse()
    pushed.read()
    if pushed.status != 201:
        sys.exit("manifest push to %s answered %d" % (repository, pushed.status))
    connection.close()
    return "sha256:" + hashlib.sha256(manifest).hexdigest()


def create_release(client, admin, registry_host, base_url):
    _, _, release = client.call(
        "POST",
        "/api/v1/orgs/%s/fleets/%s/releases" % (ORGANIZATION, FLEET),
        admin,
        {},
        expect=(201,),
    )
    prefix = "%s/%s/%s" % (registry_host, ORGANIZATION, FLEET)
    digests = {
        service: push_image(base_url, admin, "%s/%s/%s" % (ORGANIZATION, FLEET, service))
        for service in ("web", "worker")
    }
    services = {
        "web": {
            "image": "%s/web@%s" % (prefix, digests["web"]),
            "environment": {"PORT": "8080", "LOG_LEVEL": "info"},
            "labels": {"io.slipway.features.network": "host"},
        },
        "worker": {
            "image": "%s/worker@%s" % (prefix, digests["worker"]),
            "environment": {"QUEUE": "jobs", "CONCURRENCY": "2"},
            "labels": {},
        },
    }
    _, _, finished = client.call(
        "PATCH",
        "/api/v1/releases/%d" % release["id"],
        admin,
        {"services": services, "status": "SUCCESS"},
    )
    if finished["status"] != "SUCCESS":
        sys.exit("release %d did not finish: %s" % (release["id"], finished))
    return release["id"]


def run_parallel(base_url, workers, items, work):
    """Runs work(client, item) for every item on `workers` threads, one connection per thread, and
    returns the results in the order of items."""
    local = threading.local()

    def task(item):
        if not hasattr(local, "client"):
            local.client = Client(base_url)
        return work(local.client, item)

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(task, items, chunksize=64))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("admin_token")
    parser.add_argument("devices_file")
    parser.add_argument("--devices", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()

    started = time.monotonic()
    client = Client(args.base_url)
    provisioning_key = create_fleet(client, args.admin_token)
    log("created fleet %s/%s and a provisioning key" % (ORGANIZATION, FLEET))

    def register(connection, device_uuid):
        _, _, registered = connection.call(
            "POST",
            "/device/v1/register",
            provisioning_key,
            {"uuid": device_uuid, "deviceType": DEVICE_TYPE, "name": "poller-" + device_uuid[:8]},
            expect=(201,),
        )
        return registered["deviceKey"]

    uuids = [uuid.uuid4().hex for _ in range(args.devices)]
    registering = time.monotonic()
    keys = run_parallel(args.base_url, args.workers, uuids, register)
    register_seconds = time.monotonic() - registering
    log(
        "registered %d devices in %.1f s (%.0f per second, %d threads)"
        % (len(keys), register_seconds, len(keys) / register_seconds, args.workers)
    )

    registry_host = urllib.parse.urlsplit(args.base_url).netloc
    release_id = create_release(client, args.admin_token, registry_host, args.base_url)
    log("release %d with services web and worker finished as SUCCESS" % release_id)

    def read_state(connection, device):
        device_uuid, key = device
        _, response, state = connection.call("GET", "/device/v1/%s/state" % device_uuid, key)
        if not state.get("release") or state["release"]["id"] != release_id:
            sys.exit("device %s got a target state without release %d" % (device_uuid, release_id))
        return response.getheader("ETag")

    etags = run_parallel(args.base_url, args.workers, list(zip(uuids, keys)), read_state)
    log("read %d target states and their ETags" % len(etags))

    descriptor = os.open(args.devices_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        for device_uuid, key, etag in zip(uuids, keys, etags):
            out.write("%s %s %s\n" % (device_uuid, key, etag))
    print(
        "setup_seconds=%.1f register_per_second=%.0f"
        % (time.monotonic() - started, len(keys) / register_seconds)
    )


if __name__ == "__main__":
    main()
