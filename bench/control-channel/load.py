#!/usr/bin/env python3
"""Connects many simulated devices to the control channel's broker and measures one fleet-wide command.

Usage:
  load.py --devices-file FILE --url mqtts://HOST:PORT --result FILE [--ca FILE]
          [--api URL --admin-token-file FILE --org ORG --fleet FLEET]
          [--publisher-user USER --publisher-password-file FILE]
          [--pid NAME=PID ...] [--concurrency N] [--keep-alive S] [--delivery-timeout S]

Every line `UUID DEVICE_KEY` of the devices file becomes one MQTT 3.1.1 connection in this one
process (mqtt_device.py), opened as the device agent opens it. Client id and user name are the
UUID, the password is the device key, and the connection has a clean session and the retained
`{"online": false}` last will. Each device
subscribes at QoS 1 to `slipway/devices/UUID/commands` and then publishes its retained presence
`{"online": true}`. At most --concurrency devices are between their first packet and SUBACK at a
time; a failed attempt is retried up to twice.

Then one command goes to all devices. With --api the fleet-wide endpoint of Slipway sends it
(`POST /api/v1/orgs/ORG/fleets/FLEET/commands` with `{"type": "identify"}`), after a sample of
devices shows as connected in the API. With --publisher-user instead (a bare broker, no Slipway) one
more connection publishes a command to each device's topic itself. Each device sends an ack
on its events topic. With --api the script then reads each device's command until the API reports
it SUCCEEDED.

Times come from time.monotonic() in this process. The result file gets one JSON object; its keys
are described in RESULT_KEYS. Progress goes to stderr. Only the broker URL and the API URL, both
on loopback in the benchmark, are contacted.
"""

import argparse
import asyncio
import collections
import concurrent.futures
import json
import math
import os
import random
import resource
import ssl
import sys
import time
import urllib.parse

from api_client import ApiClient, ApiError
from mqtt_device import DeviceClient, MqttError, presence_payload

# The numeric keys of the result object. It also has processes_start, processes_connected and
# processes_delivered: the readings of process_stats before connecting, after the connect phase and
# after the delivery (and SUCCEEDED) phase.
RESULT_KEYS = {
    "devices": "devices in the devices file",
    "connected": "devices connected and subscribed at the end of the connect phase",
    "failed_attempts": "connection attempts that failed (each device has up to 3)",
    "connect_seconds": "from the first CONNECT to the last SUBACK",
    "connect_p50_ms": "per device, from the start of its successful attempt to its SUBACK: median",
    "connect_p99_ms": "the same, 99th percentile",
    "presence_seconds": "from the last SUBACK until a sample of devices showed as connected in the API",
    "sent": "commands the server (or the bare publisher) sent",
    "send_request_ms": "time until the send request returned",
    "delivered": "devices that received the command",
    "delivered_60s": "devices that received it within 60 s of the send request",
    "latency_p50_ms": "from the send request to a device's receipt of the command: median",
    "latency_p99_ms": "the same, 99th percentile",
    "latency_max_ms": "the same, maximum",
    "succeeded": "commands that the API reported SUCCEEDED",
    "succeeded_seconds": "from the send request until the API reported the last one SUCCEEDED",
    "lost": "connections that closed before the end of the run, without the client closing them",
    "client_cpu_seconds": "CPU time of this load process",
}

ATTEMPTS = 3
ATTEMPT_TIMEOUT = 60
PRESENCE_SAMPLE = 200
PRESENCE_TIMEOUT = 120
SUCCEEDED_TIMEOUT = 180
POLL_WORKERS = 6  # threads for API calls during the run


def log(message):
    print("[load %s] %s" % (time.strftime("%H:%M:%S"), message), file=sys.stderr, flush=True)


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def raise_file_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < needed:
        log("the open file limit is %d, below the %d that %d connections need" % (hard, needed, needed - 100))


def read_devices(path):
    devices = []
    with open(path) as handle:
        for number, line in enumerate(handle, 1):
            fields = line.split()
            if len(fields) != 2:
                sys.exit("%s line %d: expected `UUID DEVICE_KEY`, got %d fields" % (path, number, len(fields)))
            devices.append((fields[0], fields[1]))
    return devices


def process_stats(pids):
    """Returns {name: {"rss_kib", "hwm_kib", "cpu_seconds"}} from /proc for each NAME=PID: VmRSS,
    VmHWM and the user plus system CPU time used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    readings = {}
    for name, pid in pids.items():
        try:
            with open("/proc/%s/status" % pid) as handle:
                status = dict(line.split(":", 1) for line in handle if ":" in line)
            with open("/proc/%s/stat" % pid) as handle:
                # Fields after the command name, which is in brackets and may contain spaces.
                fields = handle.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            log("process %s (pid %s) is gone; no memory reading" % (name, pid))
            continue
        readings[name] = {
            "rss_kib": int(status["VmRSS"].split()[0]),
            "hwm_kib": int(status["VmHWM"].split()[0]),
            "cpu_seconds": round((int(fields[11]) + int(fields[12])) / ticks, 2),
        }
    return readings


class Fleet:
    """The simulated devices of one run and what they observed. Used from one event loop only."""

    def __init__(self, devices, host, port, ssl_context, keep_alive):
        self.devices = devices
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.keep_alive = keep_alive
        self.clients = {}  # uuid -> connected DeviceClient
        self.failures = collections.Counter()  # reason -> failed attempts
        self.connect_ms = []
        self.first_connect_at = None
        self.last_suback_at = None
        self.arrivals = {}  # uuid -> (monotonic time of receipt, command id)
        self.expected = None  # how many arrivals end the delivery wait
        self.all_arrived = asyncio.Event()

    async def connect_all(self, concurrency):
        gate = asyncio.Semaphore(concurrency)
        await asyncio.gather(*(self._connect_device(gate, device) for device in self.devices))

    async def _connect_device(self, gate, device):
        device_uuid, key = device
        for attempt in range(1, ATTEMPTS + 1):
            async with gate:
                client = DeviceClient(device_uuid, device_uuid, key, self.keep_alive, self._on_message)
                started = time.monotonic()
                if self.first_connect_at is None:
                    self.first_connect_at = started
                try:
                    await client.connect(
                        self.host,
                        self.port,
                        self.ssl_context,
                        ATTEMPT_TIMEOUT,
                        "slipway/devices/%s/presence" % device_uuid,
                        presence_payload(False),
                    )
                    await client.subscribe("slipway/devices/%s/commands" % device_uuid, ATTEMPT_TIMEOUT)
                except (MqttError, OSError, asyncio.TimeoutError, ssl.SSLError) as error:
                    client.abort()
                    self.failures[describe(error)] += 1
                    continue
            now = time.monotonic()
            self.last_suback_at = now
            self.connect_ms.append((now - started) * 1000)
            self.clients[device_uuid] = client
            client.publish_nowait("slipway/devices/%s/presence" % device_uuid, presence_payload(True), retain=True)
            return

    def _on_message(self, client, topic, payload, received_at):
        if not topic.endswith("/commands") or client.client_id in self.arrivals:
            return
        try:
            command = json.loads(payload)
        except ValueError:
            log("device %s got a command that is not JSON: %r" % (client.client_id, payload[:200]))
            return
        self.arrivals[client.client_id] = (received_at, command.get("id"))
        ack = {"type": "ack", "commandId": command.get("id"), "ok": True, "result": "identified", "error": None}
        client.publish_nowait("slipway/devices/%s/events" % client.client_id, json.dumps(ack).encode())
        if self.expected is not None and len(self.arrivals) >= self.expected:
            self.all_arrived.set()

    def expect(self, count):
        self.expected = count
        if len(self.arrivals) >= count:
            self.all_arrived.set()

    async def keep_alive_loop(self):
        while True:
            await asyncio.sleep(5)
            now = time.monotonic()
            for client in self.clients.values():
                client.ping_if_idle(now)

    async def disconnect_all(self):
        for client in self.clients.values():
            await client.disconnect()


def describe(error):
    if isinstance(error, asyncio.TimeoutError):
        return "timed out after %d s" % ATTEMPT_TIMEOUT
    return "%s: %s" % (type(error).__name__, error)


def ssl_context_for(url, ca_file):
    if url.scheme == "mqtt":
        return None
    if url.scheme != "mqtts":
        sys.exit("unsupported broker URL %s: expected mqtts://HOST:PORT or mqtt://HOST:PORT" % url.geturl())
    if not ca_file:
        sys.exit("the broker URL %s uses TLS but no --ca file was given" % url.geturl())
    return ssl.create_default_context(cafile=ca_file)


async def wait_for_presence(api, token, fleet):
    """Polls the API for a sample of devices, the last ones to connect included, until all of them
    show as connected. Returns the seconds waited, or None when the API returns no connected state."""
    connected = list(fleet.clients)
    sample = connected[-PRESENCE_SAMPLE // 4 :] + random.sample(connected, min(len(connected), PRESENCE_SAMPLE))
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    while sample:
        answers = await asyncio.gather(
            *(loop.run_in_executor(None, api.call, "GET", "/api/v1/devices/%s/control-channel" % u, token) for u in sample)
        )
        if answers[0].get("connected") is None:
            log("GET /api/v1/devices/UUID/control-channel returned no `connected` state; not waiting for presence")
            return None
        sample = [u for u, answer in zip(sample, answers) if not answer["connected"]]
        if time.monotonic() - started > PRESENCE_TIMEOUT:
            log("%d sampled devices still not connected in the API after %d s" % (len(sample), PRESENCE_TIMEOUT))
            break
        if sample:
            await asyncio.sleep(0.5)
    return time.monotonic() - started


async def send_through_api(api, token, org, fleet_slug):
    loop = asyncio.get_running_loop()
    path = "/api/v1/orgs/%s/fleets/%s/commands" % (org, fleet_slug)
    answer = await loop.run_in_executor(None, lambda: api.call("POST", path, token, {"type": "identify"}, (200, 201, 202)))
    return answer["sent"]


async def send_as_publisher(fleet, user, password):
    """Publishes one identify command to every connected device's topic from one extra connection,
    as the server would over its own link to a bare broker."""
    publisher = DeviceClient("bench-publisher", user, password, fleet.keep_alive, lambda *_: None)
    await publisher.connect(fleet.host, fleet.port, fleet.ssl_context, ATTEMPT_TIMEOUT)
    for number, device_uuid in enumerate(fleet.clients):
        command = {"id": "bench-%d" % number, "type": "identify"}
        publisher.publish_nowait("slipway/devices/%s/commands" % device_uuid, json.dumps(command).encode())
        if number % 500 == 0:
            await publisher.writer.drain()
    await publisher.writer.drain()
    return publisher


async def await_succeeded(api, token, fleet, send_at):
    """Reads every delivered command with ?wait= until it ends. Returns (succeeded, seconds from
    send_at until the last SUCCEEDED was read), or (succeeded, None) if some did not succeed."""
    loop = asyncio.get_running_loop()
    deadline = time.monotonic() + SUCCEEDED_TIMEOUT
    statuses = collections.Counter()
    last_success = send_at
    gate = asyncio.Semaphore(POLL_WORKERS)

    async def read(device_uuid, command_id):
        nonlocal last_success
        path = "/api/v1/devices/%s/commands/%s?wait=PT30S" % (device_uuid, command_id)
        async with gate:
            while True:
                command = await loop.run_in_executor(None, api.call, "GET", path, token)
                if command["status"] != "PENDING" or time.monotonic() > deadline:
                    break
        statuses[command["status"]] += 1
        if command["status"] == "SUCCEEDED":
            last_success = max(last_success, time.monotonic())

    await asyncio.gather(*(read(u, command_id) for u, (_, command_id) in fleet.arrivals.items()))
    log("command statuses in the API: %s" % dict(statuses))
    succeeded = statuses["SUCCEEDED"]
    return succeeded, (last_success - send_at if succeeded == len(fleet.arrivals) else None)


async def run(args):
    asyncio.get_running_loop().set_default_executor(concurrent.futures.ThreadPoolExecutor(POLL_WORKERS))
    url = urllib.parse.urlsplit(args.url)
    devices = read_devices(args.devices_file)
    raise_file_limit(len(devices) + 100)
    pids = dict(pair.split("=", 1) for pair in args.pid)
    fleet = Fleet(devices, url.hostname, url.port, ssl_context_for(url, args.ca), args.keep_alive)
    result = {"devices": len(devices), "processes_start": process_stats(pids)}

    log("connecting %d devices to %s, at most %d at a time" % (len(devices), args.url, args.concurrency))
    # The pinger starts first: the broker drops a device that sends nothing for 1.5 keep-alive
    # periods, and connecting 10,000 devices can take longer than that.
    pinger = asyncio.get_running_loop().create_task(fleet.keep_alive_loop())
    await fleet.connect_all(args.concurrency)
    result["connected"] = len(fleet.clients)
    result["failed_attempts"] = sum(fleet.failures.values())
    if fleet.clients:
        result["connect_seconds"] = round(fleet.last_suback_at - fleet.first_connect_at, 3)
        result["connect_p50_ms"] = round(percentile(fleet.connect_ms, 0.5), 1)
        result["connect_p99_ms"] = round(percentile(fleet.connect_ms, 0.99), 1)
    result["processes_connected"] = process_stats(pids)
    log(
        "%d of %d connected in %s s; failed attempts: %s"
        % (len(fleet.clients), len(devices), result.get("connect_seconds"), dict(fleet.failures) or "none")
    )
    if not fleet.clients:
        return result

    api = ApiClient(args.api) if args.api else None
    token = None
    if api:
        with open(args.admin_token_file) as handle:
            token = handle.read().strip()
        presence = await wait_for_presence(api, token, fleet)
        result["presence_seconds"] = None if presence is None else round(presence, 2)
        log("the sampled devices show as connected after %s s" % result["presence_seconds"])

    send_at = time.monotonic()
    if api:
        sent = await send_through_api(api, token, args.org, args.fleet)
    else:
        password = open(args.publisher_password_file).read().strip() if args.publisher_password_file else ""
        publisher = await send_as_publisher(fleet, args.publisher_user, password)
        sent = len(fleet.clients)
    result["send_request_ms"] = round((time.monotonic() - send_at) * 1000, 1)
    result["sent"] = sent
    fleet.expect(min(sent, len(fleet.clients)))
    try:
        await asyncio.wait_for(fleet.all_arrived.wait(), args.delivery_timeout)
    except asyncio.TimeoutError:
        log("%d of %d commands arrived within %d s" % (len(fleet.arrivals), sent, args.delivery_timeout))
    latencies = [(arrived - send_at) * 1000 for arrived, _ in fleet.arrivals.values()]
    result["delivered"] = len(latencies)
    result["delivered_60s"] = sum(1 for latency in latencies if latency <= 60000)
    if latencies:
        result["latency_p50_ms"] = round(percentile(latencies, 0.5), 1)
        result["latency_p99_ms"] = round(percentile(latencies, 0.99), 1)
        result["latency_max_ms"] = round(max(latencies), 1)
    log(
        "sent %d, delivered %d; latency median %s ms, p99 %s ms"
        % (sent, len(latencies), result.get("latency_p50_ms"), result.get("latency_p99_ms"))
    )

    if api:
        succeeded, seconds = await await_succeeded(api, token, fleet, send_at)
        result["succeeded"] = succeeded
        result["succeeded_seconds"] = None if seconds is None else round(seconds, 2)
    else:
        await publisher.disconnect()
    result["processes_delivered"] = process_stats(pids)

    pinger.cancel()
    result["lost"] = sum(1 for client in fleet.clients.values() if client.closed.is_set())
    await fleet.disconnect_all()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["client_cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 1)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices-file", required=True, help="lines of `UUID DEVICE_KEY`")
    parser.add_argument("--url", required=True, help="the broker: mqtts://HOST:PORT or mqtt://HOST:PORT")
    parser.add_argument("--ca", help="PEM file of the CA certificate that the broker's TLS certificate chains to")
    parser.add_argument("--result", required=True, help="file that gets the result as one JSON object")
    parser.add_argument("--api", help="Slipway's base URL, http://HOST:PORT; the command is sent through it")
    parser.add_argument("--admin-token-file", help="file with the API token that sends the command")
    parser.add_argument("--org", default="bench")
    parser.add_argument("--fleet", default="control")
    parser.add_argument("--publisher-user", help="without --api: the broker user that publishes the commands")
    parser.add_argument("--publisher-password-file", help="file with that user's password")
    parser.add_argument("--pid", action="append", default=[], help="NAME=PID of a process whose memory to report")
    parser.add_argument("--concurrency", type=int, default=100, help="devices connecting at the same time")
    parser.add_argument("--keep-alive", type=int, default=60, help="MQTT keep-alive in seconds")
    parser.add_argument("--delivery-timeout", type=int, default=60, help="seconds to wait for the command to arrive")
    args = parser.parse_args()
    if args.api and not args.admin_token_file:
        parser.error("--api needs --admin-token-file")
    if not args.api and not args.publisher_user:
        parser.error("give either --api (send through Slipway) or --publisher-user (bare broker)")
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1, got %d" % args.concurrency)

    try:
        result = asyncio.run(run(args))
    except ApiError as error:
        sys.exit("load.py: %s" % error)
    with open(args.result, "w") as out:
        json.dump(result, out)
    log("wrote %s" % args.result)


if __name__ == "__main__":
    main()
