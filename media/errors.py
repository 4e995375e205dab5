"""Errors raised by media/ with a plain-Chinese sentence for the screen and an English detail for logs."""

from __future__ import annotations


class MediaError(Exception):
    """Base of media/ errors.

    Attributes:
        user_message: a plain-Chinese sentence a villager or lawyer can act on.
        detail: what went wrong, in English, for logs (never personal data).
    """

    def __init__(self, user_message: str, detail: str = "") -> None:
        super().__init__(f"{user_message} ({detail})" if detail else user_message)
        self.user_message = user_message
        self.detail = detail


class MediaDeviceError(MediaError):
    """A camera, microphone or speaker could not be opened."""


class NoRelayCandidates(MediaError):  # noqa: N818 - reads as the outcome the caller handles
    """TURN servers were given but the offer holds no relay candidate (often a wrong TURN secret)."""


class InvalidTransition(RuntimeError):  # noqa: N818 - reads as the outcome the caller handles
    """A state change that the state's transition table forbids (a programming error)."""
