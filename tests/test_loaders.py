"""The per-request loader helpers: values answered now when held, loads otherwise."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from strawberry.dataloader import DataLoader

from resolvers.loaders import answer_from, load_now, then
from schema.extensions import build_extensions
from scholargraph.settings import load_settings


def test_held_values_are_answered_without_an_awaitable() -> None:
    async def scenario() -> None:
        calls: list[list[str]] = []

        async def fetch(keys: list[str]) -> list[str]:
            calls.append(keys)
            return [key.upper() for key in keys]

        loader = DataLoader(load_fn=fetch)
        loader.prime("primed", "PRIMED")
        assert then(load_now(loader, "primed"), str.lower) == "primed"

        pending = then(load_now(loader, "new"), str.lower)
        assert inspect.isawaitable(pending)
        assert await pending == "new"
        assert calls == [["new"]]
        # Loaded once, now held: the second ask is answered on the spot, with no query.
        assert load_now(loader, "new") == "NEW"
        assert calls == [["new"]]

    asyncio.run(scenario())


def test_failed_loads_are_raised_again_not_answered() -> None:
    async def scenario() -> None:
        async def fetch(keys: list[str]) -> list[str]:
            raise RuntimeError("database down")

        loader = DataLoader(load_fn=fetch)
        first = load_now(loader, "k")
        assert inspect.isawaitable(first)
        with pytest.raises(RuntimeError):
            await first
        again = load_now(loader, "k")
        assert inspect.isawaitable(again)  # the failed future, raised again when awaited
        with pytest.raises(RuntimeError, match="database down"):
            await again

    asyncio.run(scenario())


def test_without_cache_every_ask_is_a_load() -> None:
    async def scenario() -> None:
        calls: list[list[str]] = []

        async def fetch(keys: list[str]) -> list[str]:
            calls.append(keys)
            return keys

        loader = DataLoader(load_fn=fetch, cache=False, max_batch_size=1)
        loader.prime("k", "k")
        pending = load_now(loader, "k")
        assert inspect.isawaitable(pending)
        assert await pending == "k"
        assert calls == [["k"]]

    asyncio.run(scenario())


def test_limit_rules_are_the_same_classes_on_every_request() -> None:
    # The validation cache is keyed on the rule classes: new classes per request would mean a
    # full validation of every request.
    factories = build_extensions(load_settings().limits)

    def rules() -> tuple[type, ...]:
        found = [getattr(factory(), "validation_rules", None) for factory in factories]
        return tuple(rule for group in found if group for rule in group)

    first = rules()
    assert len(first) == 2
    assert first == rules()


async def _never(keys: list[str]) -> list[int]:
    raise AssertionError("answered from the cache, never loaded")


def test_the_answer_is_the_part_and_errors_and_cancellations_stay_quiet() -> None:
    async def scenario() -> list[Any]:
        loop = asyncio.get_running_loop()
        problems: list[Any] = []
        loop.set_exception_handler(lambda _, context: problems.append(context))
        loader: DataLoader[str, int] = DataLoader(load_fn=_never)
        source: asyncio.Future[dict[str, int]] = loop.create_future()
        answer_from(loader, "a", source, lambda row: row["a"])
        cancelled = answer_from(loader, "b", source, lambda row: row["b"])
        cancelled.cancel()  # its resolver was cancelled (a sibling field failed)
        source.set_result({"a": 1, "b": 2})
        value = await loader.load("a")
        await asyncio.sleep(0)
        failing: asyncio.Future[dict[str, int]] = loop.create_future()
        error = answer_from(loader, "c", failing, lambda row: row["c"])
        failing.set_exception(RuntimeError("timeout"))
        await asyncio.sleep(0)
        return [value, problems, type(error.exception())]

    value, problems, error = asyncio.run(scenario())
    assert value == 1
    assert problems == []  # no InvalidStateError from setting a cancelled answer
    assert error is RuntimeError
