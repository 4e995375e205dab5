"""Capture sources, the call session over aiortc, and the signaling client (no Qt here)."""
