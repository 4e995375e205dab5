"""The village terminal app: entry point, wiring, session wipe and outbox."""
