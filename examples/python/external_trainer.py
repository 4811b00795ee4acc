#!/usr/bin/python3
"""An external trainer: answers the platform's retraining requests (Kafka topic
training.run.requested.v1, sent by monitoring on drift or degradation, or by anyone) for the
models it owns with train.py's logic, so the drift loop closes with code the platform did not
write. Debian's packages only: run it with /usr/bin/python3.

A model is its own when it is tagged mlops.trainer=external (train.py tags the models it
creates; the platform's trainer then leaves their requests alone); --model narrows that to the
names given. For each request it trains on the request's snapshot, or on a new snapshot of the
model's feature view (its mlops.feature_view tag) over the request's time range, and registers
the version tagged with the request id and correlation id. Every HTTP call carries the
request's correlation id, so the version's registration event joins the request's saga.

Offsets are committed after each request is answered (or found unreadable): a crash repeats at
most the request in hand, which the version tags then show as already answered.

Environment: MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, KAFKA_BROKERS (default 127.0.0.1:9092).
"""
import argparse
import collections
import os
import sys
import time

from confluent_kafka import Consumer, KafkaError

import train
from platform_client import PlatformClient, tags_of
from training_request import CORRELATION_HEADER, TOPIC, PoisonMessage, decode_request, header

REQUEST_TAG = "mlops.request_id"
CORRELATION_TAG = "mlops.correlation_id"
TRIGGER_TAG = "mlops.trigger"
# Bounded memories: answered request ids, and model tags looked up (with their age).
MAX_REMEMBERED = 10_000
OWNERSHIP_TTL_S = 60


class ExternalTrainer:
    def __init__(self, options, training_args, log):
        self.options = options
        self.training_args = training_args
        self.log = log
        self.answered = collections.OrderedDict()
        self.models = collections.OrderedDict()
        self.lookup = PlatformClient(options.tracking_uri, options.token)

    def owns(self, model_name):
        """The model's tags when this trainer owns it, else None."""
        if self.options.model and model_name not in self.options.model:
            return None
        cached = self.models.get(model_name)
        if cached is None or time.monotonic() - cached[0] > OWNERSHIP_TTL_S:
            model = self.lookup.registered_model(model_name)
            cached = (time.monotonic(), tags_of(model) if model else None)
            remember(self.models, model_name, cached)
        tags = cached[1]
        return tags if tags is not None and tags.get(train.TRAINER_TAG) == train.EXTERNAL else None

    def handle(self, request, correlation_id):
        """Trains and registers a version for one request; returns the summary, or None when skipped."""
        model, request_id = request["model_name"], request["request_id"]
        tags = self.owns(model)
        if tags is None:
            return None
        if request_id in self.answered or self.answered_before(model, request_id):
            self.log(f"request {request_id} for {model} was answered already; skipped")
            return None
        client = PlatformClient(self.options.tracking_uri, self.options.token, correlation_id=correlation_id)
        feature_view = self.options.feature_view or tags.get(train.FEATURE_VIEW_TAG, "")
        options = train.check(train.parser().parse_args(["--model", model, *self.training_args]))
        options.snapshot = request["snapshot_id"] or None
        options.feature_view, options.from_ms, options.to_ms = feature_view, request["from_time_ms"], request["to_time_ms"]
        request_tags = {REQUEST_TAG: request_id, CORRELATION_TAG: correlation_id, TRIGGER_TAG: request["trigger"] or "request"}
        if request["alert_id"]:
            request_tags["mlops.alert_id"] = request["alert_id"]
        options.run_tags = {**options.run_tags, **request_tags}
        options.version_tags = {**options.version_tags, **request_tags}
        options.description = options.description or f"retrained by examples/python/external_trainer.py for request {request_id} ({request_tags[TRIGGER_TAG]})"
        summary = train.train_and_register(client, options, log=lambda line: self.log(f"  {line}"))
        remember(self.answered, request_id, True)
        return summary

    def answered_before(self, model, request_id):
        """Whether the model's latest version was made for this request (a replay after a crash)."""
        latest = (self.lookup.registered_model(model) or {}).get("latest_versions") or []
        return any(tags_of(v).get(REQUEST_TAG) == request_id for v in latest)


def remember(memory, key, value):
    memory[key] = value
    memory.move_to_end(key)
    while len(memory) > MAX_REMEMBERED:
        memory.popitem(last=False)


def consume(trainer, options, log):
    consumer = Consumer({"bootstrap.servers": options.brokers, "group.id": options.group, "enable.auto.commit": False, "auto.offset.reset": options.start_at})
    on_assign = lambda _, partitions: log(f"listening on {TOPIC} partitions {sorted(p.partition for p in partitions)} as group {options.group}")  # noqa: E731
    consumer.subscribe([TOPIC], on_assign=on_assign)
    deadline = time.monotonic() + options.timeout_s if options.timeout_s else None
    answered = failed = 0
    try:
        while not options.max_requests or answered + failed < options.max_requests:
            if deadline and time.monotonic() > deadline:
                log(f"stopping after {options.timeout_s} s")
                break
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                if message.error().code() != KafkaError._PARTITION_EOF:
                    log(f"kafka: {message.error()}")
                continue
            outcome = answer(trainer, message, log)
            answered += outcome == "answered"
            failed += outcome == "failed"
            consumer.commit(message=message, asynchronous=False)
    finally:
        consumer.close()
    log(f"answered {answered} request(s), {failed} failed")
    return 0 if failed == 0 else 1


def answer(trainer, message, log):
    """'answered', 'failed', or 'skipped' (not ours, a replay, or unreadable)."""
    headers = message.headers()
    try:
        request = decode_request(message.value(), headers)
    except PoisonMessage as error:
        log(f"skipped an unreadable message at {message.partition()}:{message.offset()}: {error}")
        return "skipped"
    correlation_id = header(headers, CORRELATION_HEADER) or request["request_id"]
    try:
        summary = trainer.handle(request, correlation_id)
    except Exception as error:  # reported, offset committed: a bad request is not retried forever
        log(f"request {request['request_id']} for {request['model_name']} failed: {error}")
        return "failed"
    if summary is None:
        return "skipped"
    log(f"answered request {request['request_id']} ({request['trigger'] or 'request'}, correlation {correlation_id}): "
        f"{summary['model']} version {summary['version']} {summary['status']} from run {summary['run_id']} on snapshot {summary['snapshot_id']}")
    return "answered"


def parser():
    p = argparse.ArgumentParser(description="Answer training.run.requested.v1 for externally trained models; other arguments go to train.py.")
    p.add_argument("--model", action="append", default=[], help="own only these models (repeatable); default: every model tagged mlops.trainer=external")
    p.add_argument("--feature-view", help="snapshot this view for requests without a snapshot (default: the model's mlops.feature_view tag)")
    p.add_argument("--group", default="external-trainer", help="Kafka consumer group")
    p.add_argument("--start-at", choices=["earliest", "latest"], default="earliest", help="where a new consumer group starts")
    p.add_argument("--max-requests", type=int, default=0, help="stop after answering (or failing) this many requests; 0: never")
    p.add_argument("--timeout-s", type=float, default=0, help="stop after this many seconds; 0: never")
    return p


def main(argv):
    options, training_args = parser().parse_known_args(argv)
    options.brokers = os.environ.get("KAFKA_BROKERS", "127.0.0.1:9092")
    options.tracking_uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    options.token = os.environ.get("MLFLOW_TRACKING_TOKEN", "")
    log = lambda line: print(f"external_trainer.py: {line}", flush=True)  # noqa: E731
    try:
        train.check(train.parser().parse_args(["--model", "check", *training_args]))
        trainer = ExternalTrainer(options, training_args, log)
    except (ValueError, SystemExit) as error:
        print(f"external_trainer.py: bad arguments: {error}", file=sys.stderr)
        return 2
    return consume(trainer, options, log)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
