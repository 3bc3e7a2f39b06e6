# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A plug-in written the way NVIDIA's gassist_sdk examples are (our own code).

What it does the NVIDIA way: the constructor's keyword arguments,
``@plugin.command("name", description=...)``, a hidden ``_from_pending``
parameter the plug-in sets itself when it answers from a follow-up turn,
``plugin.stream``, ``plugin.set_keep_session``, a command named
``on_input``, and ``plugin.run()`` called at module level. Its manifest
declares ``number`` for an ``int`` parameter.
"""

import os
import sys

_libs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libs")
if os.path.isdir(_libs) and _libs not in sys.path:
    sys.path.insert(0, _libs)

from gassist_sdk import Plugin  # noqa: E402

plugin = Plugin(name="stockwatch", version="1.2.0",
                description="Stock quotes and today's biggest movers")

QUOTES = {"NVDA": 131.25, "AMD": 162.5, "INTC": 21.75, "TSM": 188.0}
MOVES = {"NVDA": 4.2, "AMD": -2.9, "INTC": 1.1, "TSM": -0.4}


@plugin.command("get_stock_price", description="Get the latest price of a stock by its ticker.")
def get_stock_price(ticker: str, _from_pending: bool = False):
    symbol = ticker.strip().upper()
    if symbol not in QUOTES:
        plugin.set_keep_session(True)
        return f"I have no quote for '{ticker}'. Which ticker did you mean?"
    answer = f"{symbol} trades at ${QUOTES[symbol]:.2f}."
    return f"Got it. {answer}" if _from_pending else answer


@plugin.command("get_top_movers", description="List the stocks that moved most today.")
def get_top_movers(count: int = 3):
    ranked = sorted(MOVES, key=lambda symbol: abs(MOVES[symbol]), reverse=True)[:count]
    for symbol in ranked:
        plugin.stream(f"{symbol} {MOVES[symbol]:+.1f}%\n")
    return f"Top {len(ranked)} movers."


@plugin.command("on_input")
def on_input(content: str):
    if content.strip().lower() in ("cancel", "never mind"):
        plugin.set_keep_session(False)
        return "OK, no quote then."
    return get_stock_price(content, _from_pending=True)


plugin.run()
