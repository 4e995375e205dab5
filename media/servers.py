"""A client's pool servers: connect to the first that answers, rotate on failure, back off with jitter."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)  # waits before round `attempt` over all servers (0: see below)
JITTER = 0.5  # each wait is drawn from [1 - JITTER/2, 1 + JITTER/2] of its step, so clients spread out
# The first retry is drawn from this whole range, not around one step: a dead node's thousand clients
# lose their sockets in the same instant, and arriving together they stall the surviving nodes for
# everyone else's calls (bench-cluster: dispatch p99 across a kill 170-260 ms with 0.4-0.6 s, 44-95 ms
# with this range).
FIRST_RETRY_S = (0.25, 3.0)


def server_list(server_urls: Sequence[str], server_url: str) -> list[str]:
    """The settings' list of servers, or the single old-style server_url when the list is empty."""
    urls = [url.rstrip("/") for url in server_urls if url.strip()]
    return urls or [server_url.rstrip("/")]


class ServerList:
    """The servers in the order to try them; `current` is the one to try (or use) now."""

    def __init__(self, urls: Sequence[str] | str, rng: Callable[[], float] = random.random) -> None:
        urls = [urls] if isinstance(urls, str) else list(urls)
        if not urls:
            raise ValueError("at least one server url is needed")
        # The first is the client's own server; the fallbacks in an order of its own, so when a node
        # dies its clients spread over the others instead of all landing on the next in the list.
        fallbacks = urls[1:]
        random.Random(int(rng() * 2**32)).shuffle(fallbacks)
        self.urls = urls[:1] + fallbacks
        self._index = 0
        self._rng = rng

    @property
    def current(self) -> str:
        """The server to use now."""
        return self.urls[self._index]

    def rotate(self) -> str:
        """Move on to the next server (after a failure or a Reconnect); returns it."""
        self._index = (self._index + 1) % len(self.urls)
        return self.current

    def round(self) -> list[str]:
        """Every server once, starting with the current one."""
        return self.urls[self._index :] + self.urls[: self._index]

    def settle(self, url: str) -> None:
        """Remember the server that answered, so the next connection starts there."""
        self._index = self.urls.index(url)

    def backoff_s(self, attempt: int) -> float:
        """How long to wait before round `attempt` (0 = the first retry), with jitter."""
        if attempt == 0:
            low, high = FIRST_RETRY_S
            return low + (high - low) * self._rng()
        step = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
        return step * (1.0 - JITTER / 2 + JITTER * self._rng())
