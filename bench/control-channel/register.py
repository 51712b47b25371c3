#!/usr/bin/env python3
"""Prepares a running Slipway server for the control-channel benchmark, through its HTTP API.

Usage: register.py BASE_URL ADMIN_TOKEN_FILE DEVICES_FILE CA_FILE [--devices N] [--workers N]

As the bootstrap administrator it creates the organization `bench`, the fleet `bench/control`
(device type generic-amd64) and a provisioning key. It registers N devices with
`POST /device/v1/register`, each with a random UUID and a device key that it generates as the
agent does (`sld_` and 32 random bytes, base64url). Then each device calls
`GET /device/v1/{uuid}/control-channel` once with its own key, which is how it learns the broker's
URL and CA certificate, and how an external broker gets the device's credential.

DEVICES_FILE gets one line per device, `UUID DEVICE_KEY`, with mode 0600 because it contains the
keys of a throw-away server. CA_FILE gets the CA certificate from the server's response, if it contains
one. Progress goes to stderr; stdout gets one line of KEY=VALUE pairs: url, register_seconds,
channel_seconds (the time of the control-channel calls of all devices) and channel_max_ms.

Only the standard library is used, and only BASE_URL is contacted.
"""

import argparse
import base64
import os
import secrets
import sys
import time
import uuid

from api_client import ApiClient, ApiError, run_parallel

ORGANIZATION = "bench"
FLEET = "control"
DEVICE_TYPE = "generic-amd64"


def log(message):
    print("[register %s] %s" % (time.strftime("%H:%M:%S"), message), file=sys.stderr, flush=True)


def create_fleet(client, admin):
    """Creates the organization, the fleet and a provisioning key; returns the key's secret."""
    client.call("POST", "/api/v1/orgs", admin, {"slug": ORGANIZATION, "name": "Benchmark"}, (201,))
    client.call(
        "POST",
        "/api/v1/orgs/%s/fleets" % ORGANIZATION,
        admin,
        {"slug": FLEET, "name": "Control channel", "deviceType": DEVICE_TYPE},
        (201,),
    )
    created = client.call(
        "POST",
        "/api/v1/orgs/%s/fleets/%s/provisioning-keys" % (ORGANIZATION, FLEET),
        admin,
        {"name": "benchmark"},
        (201,),
    )
    return created["secret"]


def new_device_key():
    return "sld_" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("admin_token_file")
    parser.add_argument("devices_file")
    parser.add_argument("ca_file")
    parser.add_argument("--devices", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    if args.devices < 1:
        sys.exit("--devices must be at least 1, got %d" % args.devices)

    with open(args.admin_token_file) as handle:
        admin = handle.read().strip()
    client = ApiClient(args.base_url)
    provisioning_key = create_fleet(client, admin)
    log("created fleet %s/%s and a provisioning key" % (ORGANIZATION, FLEET))

    devices = [(uuid.uuid4().hex, new_device_key()) for _ in range(args.devices)]

    def register(device):
        device_uuid, key = device
        body = {
            "uuid": device_uuid,
            "deviceType": DEVICE_TYPE,
            "name": "bench-" + device_uuid[:8],
            "deviceKey": key,
        }
        client.call("POST", "/device/v1/register", provisioning_key, body, (201,))

    started = time.monotonic()
    run_parallel(args.workers, devices, register)
    register_seconds = time.monotonic() - started
    log("registered %d devices in %.1f s (%d threads)" % (len(devices), register_seconds, args.workers))

    def read_channel(device):
        device_uuid, key = device
        called = time.monotonic()
        channel = client.call("GET", "/device/v1/%s/control-channel" % device_uuid, key)
        if not channel.get("enabled"):
            raise ApiError("the control channel is off for device %s: %s" % (device_uuid, channel))
        return channel, time.monotonic() - called

    started = time.monotonic()
    answers = run_parallel(args.workers, devices, read_channel)
    channel_seconds = time.monotonic() - started
    urls = {channel["url"] for channel, _ in answers}
    if len(urls) != 1:
        sys.exit("the server returned different broker URLs to the devices: %s" % sorted(urls))
    slowest = max(seconds for _, seconds in answers)
    log("%d control-channel calls took %.1f s (slowest %.0f ms)" % (len(answers), channel_seconds, slowest * 1000))

    descriptor = os.open(args.devices_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        for device_uuid, key in devices:
            out.write("%s %s\n" % (device_uuid, key))
    certificate = answers[0][0].get("caCertificate")
    if certificate:
        with open(args.ca_file, "w") as out:
            out.write(certificate)
    print(
        "url=%s register_seconds=%.1f channel_seconds=%.1f channel_max_ms=%.0f"
        % (urls.pop(), register_seconds, channel_seconds, slowest * 1000)
    )


if __name__ == "__main__":
    try:
        main()
    except ApiError as error:
        sys.exit("register.py: %s" % error)
