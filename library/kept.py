"""What the library keeps per meeting: values made once per key and basis, the latest few kept."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

TURNS_KEPT = 64  # meetings whose turns (and chapters, minutes, passages) are kept in memory
T = TypeVar("T")


class Kept(Generic[T]):
    """Values made once per key, the TURNS_KEPT latest kept; a value is made again when what it was made
    from (its basis: a meeting's turns, the catalog) is no longer the same object."""

    def __init__(self, lock: threading.RLock):
        self._lock = lock
        self._values: dict[str, tuple[object, T]] = {}

    def get(self, key: str, basis: object, make: Callable[[], T]) -> T:
        cached = self._values.get(key)
        if cached is None or cached[0] is not basis:
            cached = (basis, make())
            with self._lock:
                if len(self._values) >= TURNS_KEPT and key not in self._values:
                    self._values.pop(next(iter(self._values)))
                self._values[key] = cached
        return cached[1]
