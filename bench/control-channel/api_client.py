"""A small blocking client of the Slipway HTTP API for the control-channel benchmark.

Only the standard library is used, and only the server's base URL is contacted.
"""

import concurrent.futures
import http.client
import json
import threading
import urllib.parse


class ApiError(Exception):
    """A request that failed or got an unexpected status. The message names the request and status."""


class ApiClient:
    """Keeps one keep-alive connection per thread to the server, so one instance may serve a thread
    pool. Tokens are passed per call and never logged."""

    def __init__(self, base_url, timeout=120):
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname or not parts.port:
            raise ApiError("invalid server URL %r: expected http://HOST:PORT" % base_url)
        self.host = parts.hostname
        self.port = parts.port
        self.timeout = timeout
        self.local = threading.local()

    def call(self, method, path, token, body=None, expect=(200,)):
        """Sends one request and returns its parsed JSON body (None when empty).

        Retries once on a new connection when the server closed an idle keep-alive connection.
        Raises ApiError when the status is not in `expect`.
        """
        headers = {"Authorization": "Bearer " + token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        status, raw = self._exchange(method, path, headers, data)
        if status not in expect:
            text = raw[:400].decode(errors="replace")
            raise ApiError("%s %s returned %d, expected %s: %s" % (method, path, status, expect, text))
        return json.loads(raw) if raw else None

    def _exchange(self, method, path, headers, data):
        for attempt in (1, 2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.local.connection = connection
            try:
                connection.request(method, path, body=data, headers=headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                connection.close()
                self.local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def run_parallel(workers, items, work):
    """Runs work(item) for every item on `workers` threads and returns the results in item order.
    The first exception raised by any call is raised here."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(work, items, chunksize=32))
