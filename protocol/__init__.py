"""Wire protocol shared by the kiosk, the lawyer desk and the pool server."""
