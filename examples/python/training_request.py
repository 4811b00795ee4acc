"""Decoding training.run.requested.v1 without generated code: the message's descriptor is built
here from proto/mlops/events/v1/training.proto (field names and numbers as written there), and
the platform's codec (libs/messaging/src/codec.ts) decides the format by the content-type
header: `application/x-protobuf; type=mlops.events.v1.TrainingRunRequested` (what the
platform's services send; also the default when the header is missing) or `application/json`
(proto3 JSON, which this topic accepts from any producer).
"""
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.message import DecodeError

TOPIC = "training.run.requested.v1"
MESSAGE_TYPE = "mlops.events.v1.TrainingRunRequested"
CORRELATION_HEADER = "x-correlation-id"
EVENT_ID_HEADER = "event-id"

_F = descriptor_pb2.FieldDescriptorProto
FIELDS = [
    ("request_id", 1, _F.TYPE_STRING),
    ("model_name", 2, _F.TYPE_STRING),
    ("trigger", 3, _F.TYPE_STRING),
    ("snapshot_id", 4, _F.TYPE_STRING),
    ("from_time_ms", 5, _F.TYPE_INT64),
    ("to_time_ms", 6, _F.TYPE_INT64),
    ("alert_id", 7, _F.TYPE_STRING),
]


class PoisonMessage(Exception):
    """A message that can never be read (wrong type, undecodable): skipped, never retried."""


def _message_class():
    file = descriptor_pb2.FileDescriptorProto(name="examples/python/training_run_requested.proto", package="mlops.events.v1", syntax="proto3")
    message = file.message_type.add(name="TrainingRunRequested")
    for name, number, kind in FIELDS:
        message.field.add(name=name, number=number, type=kind, label=_F.LABEL_OPTIONAL, json_name=_camel(name))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    descriptor = pool.FindMessageTypeByName(MESSAGE_TYPE)
    get_class = getattr(message_factory, "GetMessageClass", None)  # protobuf >= 4.22
    return get_class(descriptor) if get_class else message_factory.MessageFactory(pool).GetPrototype(descriptor)


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


TrainingRunRequested = _message_class()


def header(headers, name):
    for key, value in headers or []:
        if key.lower() == name and value is not None:
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return None


def decode_request(value, headers):
    """The request as a dict of its fields (snake_case, int64 as int), from a Kafka message."""
    if value is None:
        raise PoisonMessage("empty message (tombstone)")
    content_type = header(headers, "content-type") or "application/x-protobuf"
    media_type, *params = [p.strip() for p in content_type.split(";")]
    message = TrainingRunRequested()
    try:
        if media_type == "application/json":
            json_format.Parse(value.decode("utf-8"), message, ignore_unknown_fields=True)
        elif media_type == "application/x-protobuf":
            types = [p[len("type="):] for p in params if p.startswith("type=")]
            if types and types[0] != MESSAGE_TYPE:
                raise PoisonMessage(f"message type {types[0]} does not belong on {TOPIC}")
            message.ParseFromString(value)
        else:
            raise PoisonMessage(f"unsupported content-type {content_type!r}")
    except (json_format.ParseError, DecodeError, UnicodeDecodeError) as error:
        raise PoisonMessage(f"undecodable {MESSAGE_TYPE}: {error}") from error
    return {name: getattr(message, name) for name, _, _ in FIELDS}
