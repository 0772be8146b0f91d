"""The in-process transport: the embedded default when no broker answers.

Same semantics as the RabbitMQ topology, inside one process: a topic exchange with routing
keys ``<type>.<region>``, one queue per consuming service bound to its keys, unroutable
events reported to the relay (kept unsent), batches applied through the same EventProcessor
(inbox, ack after commit), failed handlers retried after the same delays and then parked.
It is not durable across a crash of the process: use RabbitMQ for that.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import defaultdict
from dataclasses import dataclass

from shared.db import OutboxMessage
from shared.messaging.backoff import Backoff
from shared.messaging.processing import DatabaseUnavailable, EventProcessor, Incoming, Outcome

log = logging.getLogger(__name__)


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is exactly one word, ``#`` zero or more words."""
    return _match(pattern.split("."), routing_key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head in ("*", words[0])) and _match(rest, words[1:])


@dataclass
class Parked:
    body: bytes
    attempts: int
    error: str | None


class InProcessBus:
    """Topic exchange and queues in memory."""

    def __init__(self) -> None:
        self._bindings: dict[str, list[str]] = {}
        self._queues: dict[str, queue.Queue[Incoming]] = {}
        self.parked: dict[str, list[Parked]] = defaultdict(list)
        self._lock = threading.Lock()

    def bind(self, consumer: str, patterns: list[str]) -> queue.Queue[Incoming]:
        with self._lock:
            self._bindings[consumer] = list(patterns)
            return self._queues.setdefault(consumer, queue.Queue())

    def publish(self, row: OutboxMessage) -> bool:
        """Route one outbox row to every bound queue; False when nothing is bound."""
        routed = False
        with self._lock:
            for consumer, patterns in self._bindings.items():
                if any(topic_matches(p, row.routing_key) for p in patterns):
                    self._queues[consumer].put(Incoming(body=row.body.encode()))
                    routed = True
        return routed

    def requeue_later(self, consumer: str, message: Incoming, delay: float) -> None:
        timer = threading.Timer(delay, self._queues[consumer].put, args=(message,))
        timer.daemon = True
        timer.start()

    def replay(self, consumer: str) -> int:
        """Move every parked message of a consumer back to its queue."""
        with self._lock:
            items, self.parked[consumer] = self.parked[consumer], []
        for item in items:
            self._queues[consumer].put(Incoming(body=item.body))
        return len(items)


class InProcessConsumer:
    """Drains one consumer's in-memory queue in batches through the EventProcessor."""

    def __init__(
        self,
        *,
        bus: InProcessBus,
        processor: EventProcessor,
        binding_keys: list[str],
        retry_delays: tuple[float, ...],
        batch_size: int = 100,
    ) -> None:
        self.bus = bus
        self.processor = processor
        self.retry_delays = retry_delays
        self.batch_size = batch_size
        self.service = processor.service
        self.queue = bus.bind(self.service, binding_keys)

    def run(self, stop: threading.Event) -> None:
        backoff = Backoff(base=0.5, cap=30.0)
        while not stop.is_set():
            try:
                first = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = [first]
            while len(batch) < self.batch_size:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            while not stop.is_set():
                try:
                    settled = self.processor.process(batch)
                    backoff.reset()
                    break
                except DatabaseUnavailable:
                    stop.wait(backoff.next())
            else:
                return
            for item in settled:
                if item.outcome is Outcome.RETRY:
                    attempts = item.message.attempts + 1
                    self.bus.requeue_later(
                        self.service,
                        Incoming(body=item.message.body, attempts=attempts),
                        self.retry_delays[attempts - 1],
                    )
                elif item.outcome is Outcome.PARK:
                    log.error("event parked: %s", item.error, extra={"service": self.service})
                    self.bus.parked[self.service].append(
                        Parked(item.message.body, item.message.attempts + 1, item.error)
                    )
