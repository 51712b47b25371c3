#!/usr/bin/env python3
"""A loopback TCP proxy that counts the bytes it forwards, so the benchmark measures what the
device received over the network, independent of what the agent reports.

Usage: count_proxy.py TARGET_PORT PORT_FILE COUNTS_FILE

Listens on 127.0.0.1 on a free port, which it writes to PORT_FILE, and forwards every connection
to 127.0.0.1:TARGET_PORT. COUNTS_FILE contains "DOWNSTREAM UPSTREAM" (bytes to the client and to the
server since start) and is rewritten at most every 100 ms while bytes flow, and when a connection
closes.
"""

import asyncio
import os
import sys
import time

counts = {"down": 0, "up": 0}
last_write = [0.0]


def write_counts(path, force=False):
    now = time.monotonic()
    if not force and now - last_write[0] < 0.1:
        return
    last_write[0] = now
    temporary = path + ".tmp"
    with open(temporary, "w") as handle:
        handle.write(f"{counts['down']} {counts['up']}\n")
    os.replace(temporary, path)


async def pipe(reader, writer, direction, counts_file):
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                break
            counts[direction] += len(chunk)
            write_counts(counts_file)
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()
        write_counts(counts_file, force=True)


async def main():
    target_port, port_file, counts_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]

    async def handle(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        await asyncio.gather(
            pipe(client_reader, server_writer, "up", counts_file),
            pipe(server_reader, client_writer, "down", counts_file),
        )

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    write_counts(counts_file, force=True)
    with open(port_file, "w") as handle:
        handle.write(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
