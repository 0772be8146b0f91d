"""Eventing: topology, outbox relay, consumer, dead letters, and the in-process transport."""
