"""Socket.IO messages whose JSON nests too deeply: answered with an error, never recursed into.

python-socketio parses each message's JSON with json.loads, which recurses once per level: a 64 kB
message of `[` would end in RecursionError, logged with a stack trace and dropped without an answer.
Our packet class measures the nesting first (app.json_limits); an event nested too deeply reaches
the MALFORMED_EVENT handler instead, which acknowledges it with an error like any other refusal.
"""

from __future__ import annotations

from typing import Any

from engineio import json as engineio_json
from socketio import packet

from app.errors import DomainError
from app.json_limits import MAX_DEPTH, NestedTooDeep, nesting_exceeds
from app.sockets.handling import Ack, socket_event

MALFORMED_EVENT = "malformed"


class _BoundedJson:
    """The json module as python-socketio uses it (engine.io's, with its cap on integer digits),
    refusing too deep nesting before parsing."""

    dumps = staticmethod(engineio_json.dumps)

    @staticmethod
    def loads(text: str | bytes, **kwargs: Any) -> Any:
        if nesting_exceeds(text):
            raise NestedTooDeep()
        return engineio_json.loads(text, **kwargs)


class BoundedPacket(packet.Packet):
    """Socket.IO's packet, with an event nested too deeply turned into MALFORMED_EVENT (keeping
    its acknowledgement id, so the sender gets its answer); other packets so nested are dropped."""

    json = _BoundedJson

    def decode(self, encoded_packet: Any) -> int:
        try:
            return int(super().decode(encoded_packet))
        except NestedTooDeep:
            if self.packet_type != packet.EVENT:
                raise
            self.data = [MALFORMED_EVENT, {}]
            return 0


@socket_event(MALFORMED_EVENT)
def malformed(_data: dict[str, Any]) -> Ack:
    """The answer to a message whose JSON nests more than MAX_DEPTH levels deep."""
    raise DomainError(f"The message nests arrays and objects more than {MAX_DEPTH} levels deep.")
