"""The lawyer pool server: roster, call routing, signaling, TURN credentials, records, console."""
