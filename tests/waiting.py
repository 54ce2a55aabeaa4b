"""Waiting in a test for something another task or process brings about, with a deadline."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable


async def until(
    condition: Callable[[], bool | Awaitable[bool]],
    within_s: float = 30.0,
    why: str = "condition not met in time",
    every_s: float = 0.05,
) -> None:
    """Look every `every_s` until `condition()` (a function or a coroutine function) holds; fail
    with `why` once `within_s` has passed."""
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        met = condition()
        if inspect.isawaitable(met):
            met = await met
        if met:
            return
        assert asyncio.get_running_loop().time() < deadline, why
        await asyncio.sleep(every_s)
