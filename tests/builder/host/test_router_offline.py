# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The built-in router, table-driven, on manifests written here (not the samples).

Each row is what a user says and the call (or question, or no match) they should
get, so a change to the ranking or the extraction shows up as the sentence it
breaks. The samples' own utterances are graded in tests/builder/test_route_cli.py.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from gassist_build.host.offline_router import (
    OfflineRouter,
    answer_clarification,
    extract_arguments,
    stem,
    tokens,
)
from gassist_build.host.spec import FunctionSpec, PluginSpec


def make_plugin(name: str, description: str, *functions: dict[str, Any]) -> PluginSpec:
    manifest = {"name": name, "description": description, "executable": "plugin.py",
                "functions": list(functions)}
    return PluginSpec(folder=Path("/plugins") / name, manifest=manifest,
                      functions=tuple(FunctionSpec.from_manifest(f) for f in functions))


def fn(name: str, description: str, tags: list[str], properties: dict[str, Any] | None = None,
       required: list[str] | None = None) -> dict[str, Any]:
    return {"name": name, "description": description, "tags": tags,
            "properties": properties or {}, "required": required or []}


STREAMS = make_plugin(
    "streams", "Tells whether streamers are live and lists top streams.",
    fn("check_live", "Check whether streamers are live now.",
       ["live", "online", "streaming", "is live"],
       {"username": {"type": "array", "items": {"type": "string"},
                     "description": "The streamer names"}}, ["username"]),
    fn("top_streams", "List the most watched live streams, optionally for one game.",
       ["top streams", "popular", "most watched"],
       {"game": {"type": "string", "description": "A game or category"},
        "limit": {"type": "integer", "description": "How many streams to list"}}),
)
MUSIC = make_plugin(
    "music", "Plays songs, pauses, skips, shuffles and sets the volume.",
    fn("play", "Play a song, album or playlist, or resume when no name is given.",
       ["play", "music", "resume"],
       {"kind": {"type": "string", "enum": ["track", "album", "playlist"],
                 "description": "What to play: track (a song), album or playlist."},
        "name": {"type": "string", "description": "The name of the song, album or playlist."},
        "artist": {"type": "string", "description": "The artist, to pick the right one."}}),
    fn("pause", "Pause the music.", ["pause", "stop music"]),
    fn("now_playing", "Say which song is playing right now.", ["what's playing", "now playing"]),
    fn("shuffle", "Turn shuffle on or off.", ["shuffle", "random"],
       {"state": {"type": "boolean", "description": "true to shuffle, false to play in order."}},
       ["state"]),
    fn("set_volume", "Set the volume in percent.", ["volume", "louder", "quieter"],
       {"level": {"type": "integer", "description": "Volume in percent (0-100)"}}, ["level"]),
)
CARD = make_plugin(
    "card", "Shows graphics card status and changes its power limit and clocks.",
    fn("card_status", "Show the graphics card's temperature, clocks and fan speed.",
       ["status", "temperature", "fans"],
       {"gpu": {"type": "string", "description": "Which GPU: its number or part of its name"}}),
    fn("set_power_limit", "Change the power limit in watts or percent.",
       ["power limit", "watts"],
       {"watts": {"type": "number", "description": "The new limit in watts"},
        "percent": {"type": "number", "description": "The new limit in percent"},
        "gpu": {"type": "string", "description": "Which GPU: its number or part of its name"}}),
    fn("lock_clocks", "Lock the graphics clock into a range (MHz).", ["clocks", "lock"],
       {"min_mhz": {"type": "integer", "description": "Lowest clock in MHz"},
        "max_mhz": {"type": "integer", "description": "Highest clock in MHz"}},
       ["min_mhz", "max_mhz"]),
)
CHAT = make_plugin(
    "chatpost", "Posts messages to your chat channel.",
    fn("post_message", "Send a text message to the user's chat channel.",
       ["message", "send", "post", "tell"],
       {"message": {"type": "string", "description": "The text to post"}}, ["message"]),
    fn("post_screenshot", "Send the latest screenshot to the chat channel.",
       ["screenshot", "picture", "share"],
       {"caption": {"type": "string", "description": "Text to post with the picture"}}),
)
ASK = make_plugin(
    "oracle", "Answers questions from the web.",
    fn("ask", "Ask anything and get an answer from the web: news, tips, guides.",
       ["ask", "question", "search", "web"],
       {"query": {"type": "string", "description": "The question, in the user's words"}},
       ["query"]),
)
HOOKS = make_plugin(
    "hooks", "Fires webhook events.",
    fn("fire_event", "Fire a webhook event by name, optionally with a value.",
       ["webhook", "trigger", "event"],
       {"event_name": {"type": "string", "description": "The event to fire"},
        "value1": {"type": "string", "description": "First value passed along"}},
       ["event_name"]),
)
ALL = [STREAMS, MUSIC, CARD, CHAT, ASK, HOOKS]

CALLS = [
    # (said, plugin.function, arguments)
    ("is ninja live?", "streams.check_live", {"username": ["ninja"]}),
    ("Hey streams, is ninja live?", "streams.check_live", {"username": ["ninja"]}),
    ("are xqc and shroud streaming", "streams.check_live", {"username": ["xqc", "shroud"]}),
    ("streams: is Pokimane online", "streams.check_live", {"username": ["Pokimane"]}),
    ("what are the most watched streams", "streams.top_streams", {}),
    ("top 5 streams for Fortnite", "streams.top_streams", {"game": "Fortnite", "limit": 5}),
    ("show me ten popular streams", "streams.top_streams", {"limit": 10}),
    ("play Blinding Lights by The Weeknd", "music.play",
     {"name": "Blinding Lights", "artist": "The Weeknd"}),
    ("play the album Discovery by Daft Punk", "music.play",
     {"kind": "album", "name": "Discovery", "artist": "Daft Punk"}),
    ("play the song Levitating", "music.play", {"kind": "track", "name": "Levitating"}),
    ('play "chill vibes"', "music.play", {"name": "chill vibes"}),
    ("resume the music", "music.play", {}),
    ("play some music", "music.play", {}),               # "play", not "playing"
    ("what's playing", "music.now_playing", {}),
    ("which song is this", "music.now_playing", {}),
    ("pause the music", "music.pause", {}),
    ("turn shuffle on", "music.shuffle", {"state": True}),
    ("turn off shuffle", "music.shuffle", {"state": False}),
    ("disable shuffle please", "music.shuffle", {"state": False}),
    ("set the volume to 40%", "music.set_volume", {"level": 40}),
    ("volume forty percent", "music.set_volume", {"level": 40}),
    ("how hot is my graphics card", "card.card_status", {}),
    ("show the status of GPU 1", "card.card_status", {"gpu": "1"}),
    ("set the power limit to 250 W", "card.set_power_limit", {"watts": 250}),
    ("set the power limit to 250.5 watts", "card.set_power_limit", {"watts": 250.5}),
    ("power limit 80% on gpu 0", "card.set_power_limit", {"percent": 80, "gpu": "0"}),
    ("lock the clocks between 1500 and 2000 MHz", "card.lock_clocks",
     {"min_mhz": 1500, "max_mhz": 2000}),
    ("lock clocks 2000 to 1500", "card.lock_clocks", {"min_mhz": 1500, "max_mhz": 2000}),
    ("tell my chat I'll be on at 9", "chatpost.post_message", {"message": "I'll be on at 9"}),
    ("send a message saying raid starts in 10 minutes", "chatpost.post_message",
     {"message": "raid starts in 10 minutes"}),
    ("post 'gg everyone' to the channel", "chatpost.post_message", {"message": "gg everyone"}),
    ("share my latest screenshot", "chatpost.post_screenshot", {}),
    ("share my screenshot saying what a view", "chatpost.post_screenshot",
     {"caption": "what a view"}),                        # a caption keeps its first words
    ('share my screenshot with the caption "look at this"', "chatpost.post_screenshot",
     {"caption": "look at this"}),
    ("oracle, when does GTA 6 come out?", "oracle.ask", {"query": "when does GTA 6 come out?"}),
    ("search the web for RTX news", "oracle.ask", {"query": "search the web for RTX news"}),
    ("trigger the event lights_on", "hooks.fire_event", {"event_name": "lights_on"}),
    ("fire my webhook called coffee_time", "hooks.fire_event", {"event_name": "coffee_time"}),
    ("/hooks trigger party_mode with value blue", "hooks.fire_event",
     {"event_name": "party_mode", "value1": "blue"}),
]


@pytest.mark.parametrize(("said", "target", "arguments"), CALLS)
def test_what_users_say_routes_to_the_call(said: str, target: str,
                                           arguments: dict[str, Any]) -> None:
    decision = OfflineRouter().route(said, ALL)
    assert (decision.kind, f"{decision.plugin}.{decision.function}") == ("call", target), \
        decision.explanation
    assert decision.arguments == arguments, decision.explanation
    assert 0 < decision.confidence <= 1
    assert decision.router == "offline"


CLARIFY = [
    # (said, plugin.function, question, arguments kept)
    ("is a streamer live", "streams.check_live",
     "check_live needs 'username' (The streamer names). What should it be?", {}),
    ("set the volume", "music.set_volume",
     "set_volume needs 'level' (Volume in percent (0-100)). What should it be?", {}),
    ("lock the clocks at 1800 MHz", "card.lock_clocks",
     "lock_clocks needs 'max_mhz' (Highest clock in MHz). What should it be?",
     {"min_mhz": 1800}),
    ("ask the oracle", "oracle.ask", None, {}),
]


@pytest.mark.parametrize(("said", "target", "question", "kept"), CLARIFY)
def test_a_missing_required_argument_becomes_a_question(
        said: str, target: str, question: str | None, kept: dict[str, Any]) -> None:
    decision = OfflineRouter().route(said, ALL)
    assert (decision.kind, f"{decision.plugin}.{decision.function}") == ("clarify", target), \
        decision.explanation
    if question is not None:
        assert decision.question == question
    assert decision.arguments == kept


@pytest.mark.parametrize("said", [
    "order me a pizza",
    "what's the weather like",
    "hey streams",                  # addressed, asked nothing
    "hey streams, play some music",  # an invocation restricts the choice
    "",
])
def test_nothing_fits_is_no_match_with_the_closest_candidates(said: str) -> None:
    decision = OfflineRouter().route(said, ALL)
    assert decision.kind == "no_match", decision.explanation
    assert decision.plugin is None and decision.function is None and decision.arguments == {}
    assert decision.confidence <= 0.25


def test_no_match_lists_the_closest_functions() -> None:
    decision = OfflineRouter().route("hey streams, play some music", ALL)
    assert decision.explanation == "no function of streams matches the words 'play some music'"
    decision = OfflineRouter().route("order me a pizza", [MUSIC])
    assert [c.function for c in decision.candidates] == ["shuffle"]  # "in order"


def test_a_plugin_named_like_a_greeting_does_not_swallow_the_request() -> None:
    hello = make_plugin("hello", "Greets you.",
                        fn("say_hello", "Say hello to someone by name.", ["greeting"],
                           {"name": {"type": "string", "description": "Who to greet"}}))
    decision = OfflineRouter().route("Hello, is ninja live?", [hello, STREAMS])
    assert (decision.plugin, decision.function, decision.arguments) == (
        "streams", "check_live", {"username": ["ninja"]})
    assert decision.explanation.startswith("hello was addressed but none of its functions fits")
    decision = OfflineRouter().route("hello, say hello to Ada", [hello, STREAMS])
    assert (decision.function, decision.arguments) == ("say_hello", {"name": "Ada"})


def test_a_plugin_with_one_function_takes_whatever_follows_its_name() -> None:
    decision = OfflineRouter().route("/oracle walkthrough for the water temple", ALL)
    assert decision.kind == "call"
    assert decision.arguments == {"query": "walkthrough for the water temple"}


def test_the_explanation_says_which_words_matched_and_where_arguments_came_from() -> None:
    decision = OfflineRouter().route("set the volume to 40%", ALL)
    assert decision.explanation.startswith("music.set_volume matched 'set', 'volume'")
    assert "level=40" in decision.explanation


def test_an_example_in_a_description_does_not_hide_that_value() -> None:
    live = make_plugin("live", "", fn(
        "check", 'Check whether a streamer is live: "is ninja live?".', ["live"],
        {"username": {"type": "array", "items": {"type": "string"}}}, ["username"]))
    decision = OfflineRouter().route("is ninja live", [live])
    assert decision.arguments == {"username": ["ninja"]}


def test_the_same_sentence_always_gets_the_same_decision() -> None:
    router = OfflineRouter()
    first = [router.route(said, ALL) for said, _, _ in CALLS]
    again = [OfflineRouter().route(said, list(ALL)) for said, _, _ in CALLS]
    assert first == again


def test_a_decision_takes_under_5_ms_among_ten_plugins() -> None:
    import dataclasses

    ten = [*ALL, *(dataclasses.replace(p, folder=Path(f"/plugins/{p.name}{i}"))
                   for i, p in enumerate(ALL[:4]))]
    router = OfflineRouter()
    router.route("warm up", ten)
    times = []
    for said, _, _ in CALLS:
        start = time.perf_counter()
        router.route(said, ten)
        times.append(time.perf_counter() - start)
    times.sort()
    assert times[len(times) // 2] < 0.005, f"median {times[len(times) // 2] * 1000:.2f} ms"


def test_an_answer_fills_the_question() -> None:
    router = OfflineRouter()
    asked = router.route("lock the clocks at 1800 MHz", ALL)
    assert asked.kind == "clarify"
    answered = answer_clarification(asked, "2100", ALL)
    assert (answered.kind, answered.arguments) == ("call", {"min_mhz": 1800, "max_mhz": 2100})
    asked = router.route("is a streamer live", ALL)
    answered = answer_clarification(asked, "shroud", ALL)
    assert (answered.kind, answered.arguments) == ("call", {"username": ["shroud"]})
    asked = router.route("set the volume", ALL)
    assert answer_clarification(asked, "loud", ALL).kind == "clarify"  # asked again


@pytest.mark.parametrize(("word", "stemmed"), [
    ("streams", "stream"), ("streaming", "stream"), ("streamed", "stream"),
    ("shuffle", "shuffl"), ("shuffling", "shuffl"), ("speed", "speed"), ("games", "gam"),
    ("game", "gam"), ("playlists", "playlist"), ("stopped", "stop"), ("status", "status"),
    ("what's", "what"), ("batteries", "battery"),
])
def test_light_stemming(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


def test_tokens_drop_stop_words_and_keep_identifiers_whole_in_what_users_say() -> None:
    assert tokens("Is the party_mode event on?") == ["party", "mod", "event"]
    assert tokens("Is the party_mode event on?", split_names=False) == ["event"]


def test_extract_arguments_reports_where_each_value_came_from() -> None:
    function = MUSIC.function("play")
    assert function is not None
    arguments, notes = extract_arguments("play the album Discovery by Daft Punk", MUSIC,
                                         function)
    assert arguments == {"kind": "album", "artist": "Daft Punk", "name": "Discovery"}
    assert notes == ["kind='album' from 'album'", "artist='Daft Punk' after 'by'",
                     "name='Discovery' (the rest of the sentence)"]


def test_two_plugins_that_fit_equally_ask_to_be_named() -> None:
    import dataclasses

    twin = dataclasses.replace(MUSIC, folder=Path("/plugins/music2"),
                               manifest={**MUSIC.manifest, "name": "music2"})
    decision = OfflineRouter().route("pause it", [MUSIC, twin])
    assert decision.kind == "no_match"
    assert decision.explanation == ('music.pause and music2.pause fit equally; say which'
                                    ' plug-in ("Hey music, ...")')
    assert [(c.plugin, c.function) for c in decision.candidates[:2]] == [
        ("music", "pause"), ("music2", "pause")]
    named = OfflineRouter().route("hey music2, pause it", [MUSIC, twin])
    assert (named.kind, named.plugin, named.function) == ("call", "music2", "pause")
    # the plug-in's name anywhere in the sentence settles it too
    assert OfflineRouter().route("pause music2", [MUSIC, twin]).plugin == "music2"


_WHICH = {"type": "string", "description": "Which GPU: its number or part of its name"}
TUNER = make_plugin(
    "tuner", "Shows GPU status and changes the GPU's clocks and defaults.",
    fn("tuner_status", "Show the GPU's temperature, clocks, fans and power.",
       ["gpu", "status", "temperature", "clocks", "fans"],
       {"gpu": {**_WHICH, "description": _WHICH["description"] + "; all GPUs when omitted"}}),
    fn("lock_gpu_clocks", "Lock the GPU graphics clock into a range in MHz.",
       ["gpu", "clocks", "lock", "write"],
       {"min_mhz": {"type": "integer", "description": "Lowest clock in MHz"},
        "max_mhz": {"type": "integer", "description": "Highest clock in MHz"}, "gpu": _WHICH},
       ["min_mhz", "max_mhz"]),
    fn("reset_gpu_clocks", "Unlock the GPU clocks back to normal.",
       ["gpu", "clocks", "unlock", "reset", "write"], {"gpu": _WHICH}),
    fn("restore_gpu_defaults", "Restore the GPU's default fans, clocks and power limit.",
       ["gpu", "restore", "defaults", "reset", "dangerous"], {"gpu": _WHICH}),
)

# CARD's functions take "Which GPU" too; TUNER stands in for it here.
TUNED = [p for p in ALL if p is not CARD] + [TUNER]

SELECTORS = [
    # An optional "Which GPU" parameter takes a value only after a cue, never the rest of
    # the sentence ("clock between 1200 and 1800 MHz" is no GPU).
    ("lock the GPU clock between 1200 and 1800 MHz", "lock_gpu_clocks",
     {"min_mhz": 1200, "max_mhz": 1800}),
    ("lock the clocks between 1200 and 1800 MHz on GPU 1", "lock_gpu_clocks",
     {"min_mhz": 1200, "max_mhz": 1800, "gpu": "1"}),
    ("lock the GPU clocks between 1200 and 1800 MHz for the 4080", "lock_gpu_clocks",
     {"min_mhz": 1200, "max_mhz": 1800, "gpu": "4080"}),
    ("show the temperature on the RTX 4090", "tuner_status", {"gpu": "RTX 4090"}),
    ("how hot is my gpu", "tuner_status", {}),
    ("is my GPU hot", "tuner_status", {}),
    ("gpu status for gaming", "tuner_status", {}),
]


@pytest.mark.parametrize(("said", "function", "arguments"), SELECTORS)
def test_an_optional_which_parameter_needs_a_cue(said: str, function: str,
                                                  arguments: dict[str, Any]) -> None:
    decision = OfflineRouter().route(said, TUNED)
    assert (decision.kind, decision.plugin, decision.function) == ("call", "tuner", function), \
        decision.explanation
    assert decision.arguments == arguments, decision.explanation


WRITES = [
    # (said, the call, or None for no match): a function tagged write/dangerous changes real
    # state, so one shared word or a near tie is not enough.
    ("reset", None),
    ("how do I reset my password", None),
    ("unlock my phone", None),
    ("lock my screen", None),
    ("restore my browser tabs", None),
    ("Hey tuner, reset", None),          # reset the clocks or restore everything?
    ("reset the gpu clocks", "reset_gpu_clocks"),
    ("unlock the gpu clocks", "reset_gpu_clocks"),
    ("restore the gpu defaults", "restore_gpu_defaults"),
    ("hey tuner, restore the defaults", "restore_gpu_defaults"),
]


@pytest.mark.parametrize(("said", "function"), WRITES)
def test_a_function_that_changes_state_needs_a_clear_lead(said: str,
                                                          function: str | None) -> None:
    decision = OfflineRouter().route(said, TUNED)
    if function is None:
        assert decision.kind == "no_match", decision.explanation
        assert decision.candidates and decision.candidates[0].plugin == "tuner"
        assert "changes" in decision.explanation
    else:
        assert (decision.kind, decision.function) == ("call", function), decision.explanation


LISTS = [
    # A list of names after the sentence that asked: the names, not the question.
    ("is anyone I follow live? check ninja, shroud", {"username": ["ninja", "shroud"]}),
    ("who's live: xqc, lirik and summit1g", {"username": ["xqc", "lirik", "summit1g"]}),
    ("are xqc and shroud live", {"username": ["xqc", "shroud"]}),
    ("is ninja live?", {"username": ["ninja"]}),
]


@pytest.mark.parametrize(("said", "arguments"), LISTS)
def test_a_list_of_names_in_its_own_sentence_is_the_list(said: str,
                                                         arguments: dict[str, Any]) -> None:
    decision = OfflineRouter().route(said, ALL)
    assert (decision.kind, decision.function, decision.arguments) == (
        "call", "check_live", arguments), decision.explanation
