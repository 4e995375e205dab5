"""The lawyer's desktop app: entry point and wiring."""
