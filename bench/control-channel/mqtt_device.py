"""A minimal MQTT 3.1.1 client on asyncio that behaves like one Slipway device on the control channel.

It implements only what the benchmark needs: CONNECT with user name, password, clean session,
keep-alive and the device's last will; SUBSCRIBE at QoS 1 to its commands topic; PUBLISH at QoS 0
or 1 (retained presence, acknowledgements); PUBACK for every QoS 1 message it receives; PINGREQ.
It does not resend unacknowledged messages and does not handle QoS 2. The packet layout follows the
MQTT 3.1.1 specification (OASIS, 2014), chapters 2 and 3.

Only the standard library is used. One DeviceClient is one TCP (optionally TLS) connection, driven
by one reader task, and is used from one event loop only.
"""

import asyncio
import json
import struct
import time

CONNECT = 0x10
CONNACK = 0x20
PUBLISH = 0x30
PUBACK = 0x40
SUBSCRIBE = 0x82  # SUBSCRIBE must have the flag bits 0010
SUBACK = 0x90
PINGREQ = 0xC0
PINGRESP = 0xD0
DISCONNECT = 0xE0

# CONNECT flags of MQTT 3.1.1, section 3.1.2.3.
USER_NAME_FLAG = 0x80
PASSWORD_FLAG = 0x40
WILL_RETAIN_FLAG = 0x20
WILL_QOS_1 = 0x08
WILL_FLAG = 0x04
CLEAN_SESSION_FLAG = 0x02

CONNACK_REASONS = {
    1: "unacceptable protocol version",
    2: "client identifier rejected",
    3: "server unavailable",
    4: "bad user name or password",
    5: "not authorized",
}


class MqttError(Exception):
    """A protocol-level failure: the broker refused, closed the connection or sent an unexpected packet."""


def encode_string(text):
    data = text.encode()
    return struct.pack("!H", len(data)) + data


def encode_remaining_length(length):
    encoded = bytearray()
    while True:
        digit = length % 128
        length //= 128
        encoded.append(digit | 0x80 if length else digit)
        if not length:
            return bytes(encoded)


def packet(first_byte, body):
    return bytes([first_byte]) + encode_remaining_length(len(body)) + body


def connect_packet(client_id, user, password, keep_alive, will_topic, will_payload):
    flags = USER_NAME_FLAG | PASSWORD_FLAG | CLEAN_SESSION_FLAG
    payload = encode_string(client_id)
    if will_topic is not None:
        flags |= WILL_FLAG | WILL_QOS_1 | WILL_RETAIN_FLAG
        payload += encode_string(will_topic) + struct.pack("!H", len(will_payload)) + will_payload
    payload += encode_string(user) + encode_string(password)
    header = encode_string("MQTT") + bytes([4, flags]) + struct.pack("!H", keep_alive)
    return packet(CONNECT, header + payload)


def subscribe_packet(packet_id, topic, qos):
    return packet(SUBSCRIBE, struct.pack("!H", packet_id) + encode_string(topic) + bytes([qos]))


def publish_packet(topic, payload, qos, retain, packet_id):
    first = PUBLISH | (qos << 1) | (1 if retain else 0)
    body = encode_string(topic)
    if qos:
        body += struct.pack("!H", packet_id)
    return packet(first, body + payload)


async def read_packet(reader):
    """Reads one packet and returns (first byte, body). Raises IncompleteReadError at end of stream."""
    first = (await reader.readexactly(1))[0]
    length = 0
    multiplier = 1
    for _ in range(4):
        digit = (await reader.readexactly(1))[0]
        length += (digit & 0x7F) * multiplier
        if not digit & 0x80:
            break
        multiplier *= 128
    else:
        raise MqttError("malformed remaining length")
    body = await reader.readexactly(length) if length else b""
    return first, body


class DeviceClient:
    """One simulated device's MQTT connection.

    `on_message(client, topic, payload, received_at)` is called for every PUBLISH the broker sends,
    after the PUBACK for a QoS 1 message has been queued; `received_at` is `time.monotonic()` taken
    when the packet was read. Not thread-safe: use it from the event loop that connected it.
    """

    def __init__(self, client_id, user, password, keep_alive, on_message):
        self.client_id = client_id
        self.user = user
        self.password = password
        self.keep_alive = keep_alive
        self.on_message = on_message
        self.reader = None
        self.writer = None
        self.reader_task = None
        self.next_packet_id = 0
        self.pending = {}  # packet id -> future completed by its SUBACK or PUBACK
        self.last_sent = 0.0
        self.closed = asyncio.Event()

    def __repr__(self):
        # The password is the device key, so it stays out of any log line.
        return "DeviceClient(%s)" % self.client_id

    async def connect(self, host, port, ssl_context, timeout, will_topic=None, will_payload=None):
        """Opens the connection, sends CONNECT and waits for CONNACK. Raises MqttError, OSError or
        asyncio.TimeoutError; on any failure the connection is closed again."""
        try:
            await asyncio.wait_for(
                self._connect(host, port, ssl_context, will_topic, will_payload), timeout
            )
        except BaseException:
            self.abort()
            raise

    async def _connect(self, host, port, ssl_context, will_topic, will_payload):
        self.reader, self.writer = await asyncio.open_connection(
            host, port, ssl=ssl_context, server_hostname=host if ssl_context else None
        )
        self._send(
            connect_packet(
                self.client_id, self.user, self.password, self.keep_alive, will_topic, will_payload
            )
        )
        first, body = await read_packet(self.reader)
        if first & 0xF0 != CONNACK or len(body) != 2:
            raise MqttError("expected CONNACK, got packet type 0x%02x" % first)
        if body[1]:
            raise MqttError(
                "CONNACK refused: %s" % CONNACK_REASONS.get(body[1], "code %d" % body[1])
            )
        self.reader_task = asyncio.get_running_loop().create_task(self._read_loop())

    async def subscribe(self, topic, timeout):
        """Subscribes at QoS 1 and waits for SUBACK. Raises MqttError when the broker refuses."""
        packet_id, done = self._new_pending()
        self._send(subscribe_packet(packet_id, topic, 1))
        body = await asyncio.wait_for(done, timeout)
        if body[2:3] == b"\x80":
            raise MqttError("SUBACK refused the subscription to " + topic)

    async def publish(self, topic, payload, qos=1, retain=False, timeout=30):
        """Publishes a message; at QoS 1 waits for its PUBACK."""
        if not qos:
            self._send(publish_packet(topic, payload, 0, retain, 0))
            return
        packet_id, done = self._new_pending()
        self._send(publish_packet(topic, payload, qos, retain, packet_id))
        await asyncio.wait_for(done, timeout)

    def publish_nowait(self, topic, payload, retain=False):
        """Queues a QoS 1 message without waiting for its PUBACK, which the reader then discards."""
        packet_id, _ = self._new_pending()
        self._send(publish_packet(topic, payload, 1, retain, packet_id))

    def ping_if_idle(self, now):
        """Sends PINGREQ when nothing was sent for half the keep-alive, so the broker keeps us."""
        if self.writer is not None and now - self.last_sent > self.keep_alive / 2:
            self._send(packet(PINGREQ, b""))

    async def disconnect(self):
        """Sends DISCONNECT (so the broker does not publish the last will) and closes."""
        if self.writer is not None and not self.writer.is_closing():
            self._send(packet(DISCONNECT, b""))
        self.abort()

    def abort(self):
        """Closes the connection without DISCONNECT, as a device that loses its network would."""
        if self.reader_task is not None:
            self.reader_task.cancel()
        if self.writer is not None:
            self.writer.close()
        self._fail_pending(MqttError("connection closed"))
        self.closed.set()

    def _new_pending(self):
        self.next_packet_id = self.next_packet_id % 65535 + 1
        done = asyncio.get_running_loop().create_future()
        self.pending[self.next_packet_id] = done
        return self.next_packet_id, done

    def _send(self, data):
        self.writer.write(data)
        self.last_sent = time.monotonic()

    def _fail_pending(self, error):
        for done in self.pending.values():
            if not done.done():
                done.set_exception(error)
                # Nobody may await a queued publish's PUBACK; mark the error as seen.
                done.exception()
        self.pending.clear()

    async def _read_loop(self):
        try:
            while True:
                first, body = await read_packet(self.reader)
                self._dispatch(first, body)
        except (asyncio.IncompleteReadError, ConnectionError, OSError, MqttError):
            pass
        finally:
            self._fail_pending(MqttError("connection lost"))
            self.closed.set()

    def _dispatch(self, first, body):
        kind = first & 0xF0
        if kind == PUBLISH:
            self._receive(first, body)
        elif kind in (SUBACK, PUBACK):
            done = self.pending.pop(struct.unpack("!H", body[:2])[0], None)
            if done is not None and not done.done():
                done.set_result(body)
        elif kind != PINGRESP:
            raise MqttError("unexpected packet type 0x%02x" % first)

    def _receive(self, first, body):
        received_at = time.monotonic()
        qos = (first >> 1) & 0x03
        topic_length = struct.unpack("!H", body[:2])[0]
        topic = body[2 : 2 + topic_length].decode()
        offset = 2 + topic_length
        if qos:
            packet_id = struct.unpack("!H", body[offset : offset + 2])[0]
            offset += 2
            self._send(packet(PUBACK, struct.pack("!H", packet_id)))
        self.on_message(self, topic, body[offset:], received_at)


def presence_payload(online):
    """The JSON of a device's retained presence message: online after connecting, or its last will."""
    return json.dumps({"online": online}).encode()
