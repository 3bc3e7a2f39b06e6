# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The built-in router: deterministic, standard library only, no model.

How it decides, in order:

1. **Direct invocation** (``"Hey twitch, ..."``, ``"twitch, ..."``, ``"/twitch ..."``,
   :func:`~.router.split_invocation`) restricts the choice to that plug-in and
   removes the invocation words.
2. **Function choice**: BM25 over each function's words - its name (split at
   ``_``), description and tags, its plug-in's name and description, and its
   parameters' names, descriptions and enum values - with light stemming
   (``streams``/``streaming`` -> ``stream``) and a few built-in synonyms. A tag
   that appears whole in the utterance (``"next song"``) counts again, as a
   phrase; the plug-in's name anywhere in the utterance ("... on Spotify")
   favours its functions. Below :data:`MIN_SCORE` it is a ``no_match`` with the
   closest candidates.
3. **Arguments**, guided by each parameter's type, enum and description:
   quoted text; numbers with units (``250 W``, ``80%``, ``1500 MHz``, ``70 °C``,
   number words up to twenty) matched to the parameter whose name or
   description names the unit; booleans (on/off, enable/disable, yes/no, and
   the word a description pairs with ``true``, e.g. "true to shuffle"); enum
   values and the words a description puts in parentheses after one
   (``track (a song)``); text after a cue word (the parameter's own name,
   ``by`` for an artist, ``for``/``in`` for a game, ``to`` for who, ``called``,
   ``saying``...); and, for the main text parameter, the rest of the utterance
   with the invocation and the function's own words trimmed from both ends
   (a parameter described as "in the user's words" gets the whole rest).
   Optional text parameters take that rest only when it looks like a name
   (capitalised, a number or quoted), so "how hot is my gpu" passes no ``gpu``;
   an optional one described as "Which ..." (a selector: which GPU) never takes
   the rest, only a name or number after a cue ("on GPU 1", "for the 4080").
   A value after a cue ends where another argument begins. For a list
   parameter, a sentence of its own that is a list ("... live? check ninja,
   shroud") is preferred over the question before it.
4. A function tagged ``write`` or ``dangerous`` (:data:`STATE_TAGS`: it changes
   real state) is chosen only with a clear lead: two of its own words said, a
   score of :data:`WRITE_MIN_SCORE` and :data:`WRITE_MARGIN` over the next
   function; otherwise ``no_match`` with the candidates ("reset", "unlock my
   phone").
5. :func:`~.router.clarify_or_call` checks the arguments against the schema:
   a missing or invalid required argument becomes a clarifying question.

Limits: one call per utterance; no pronouns or follow-ups from the history
(``history`` is accepted and ignored); names are found by position and cue
words, not by knowing them; words a manifest never uses cannot route to it
(add them as tags - and check with ``gassist-build route-check``).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .router import (
    Candidate,
    Decision,
    clarify_or_call,
    find_function,
    no_match,
    split_invocation,
)
from .spec import FunctionSpec, PluginSpec

__all__ = ["MIN_SCORE", "STATE_TAGS", "WRITE_MARGIN", "WRITE_MIN_SCORE", "WRITE_MIN_WORDS",
           "OfflineRouter", "answer_clarification", "extract_arguments", "stem",
           "tokens"]

# A best score below this is "no match" (BM25 units: about one distinctive word of a
# function, or two common ones).
MIN_SCORE = 2.0
# A function tagged one of these changes real state (clocks, fans, messages sent): it is
# chosen only with a clear lead - at least WRITE_MIN_WORDS of its own words said, a score
# of WRITE_MIN_SCORE and WRITE_MARGIN (a share of its score) over the next function.
STATE_TAGS = frozenset({"write", "dangerous"})
WRITE_MIN_WORDS = 2
WRITE_MIN_SCORE = 3 * MIN_SCORE
WRITE_MARGIN = 0.1

_STOP_TEXT = """
a an the of to for in on at by with from and or but is are was were be been am do does did
doing i me my mine we our you your it its this that these those there here what what's whats
which who whom how when where why can could would should will shall may might must please
pls plz hey ok okay yo just now right currently some any all me lets let's let up
so if then than too very really also about into out over again got me
want wanna need like know have has had going gonna going be being something
"""
_STOP = frozenset(re.findall(r"\S+", _STOP_TEXT))

# Plug-in names that are also what people say first ("Hello, is ninja live?").
_GREETINGS = frozenset({"hello", "hi", "hey", "yo", "greetings"})

# Words users say that manifests rarely do: the left side is looked up as the right side too.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "song": ("track", "music"), "tune": ("song", "track"), "track": ("song",),
    "skip": ("next",), "louder": ("volume",), "quieter": ("volume",), "softer": ("volume",),
    "hot": ("temperature",), "temp": ("temperature",), "warm": ("temperature",),
    "stream": ("live",), "online": ("live",), "watching": ("viewers",),
    "greet": ("hello", "greeting"), "hi": ("hello", "greet"), "hello": ("greet", "greeting"),
    "post": ("send",), "share": ("send",),
    "pic": ("screenshot", "picture"), "photo": ("screenshot", "picture"),
    "fan": ("fans",), "fans": ("fan",), "clock": ("clocks",), "watts": ("watt", "power"),
    "watt": ("power",), "card": ("gpu",), "graphics": ("gpu",),
}

_NUMBER_WORDS = {w: i for i, w in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
     "nineteen", "twenty"))}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                      "eighty": 80, "ninety": 90, "hundred": 100, "a dozen": 12})

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def stem(word: str) -> str:
    """A light English stem: ``streams``/``streaming``/``streamed`` -> ``stream``,
    ``shuffle``/``shuffling`` -> ``shuffl``."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ing") and len(w) >= 6:
        w = w[:-3]
        if w[-1] == w[-2] and w[-1] not in "lsz":
            w = w[:-1]  # "stopping" -> "stop"
    elif w.endswith("ed") and not w.endswith("eed") and len(w) >= 5:
        w = w[:-2]
        if w[-1] == w[-2] and w[-1] not in "lsz":
            w = w[:-1]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) >= 4:
        w = w[:-1]
    elif w.endswith("ly") and len(w) >= 6:
        w = w[:-2]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def tokens(text: str, *, split_names: bool = True) -> list[str]:
    """Lower-cased, stemmed words of ``text`` without stop words.

    ``split_names``: ``_`` splits words (``lights_on`` -> ``light``, ``on``), as in
    function names; off for what a user says, where ``party_mode`` is one value.
    """
    lowered = text.lower()
    if split_names:
        lowered = lowered.replace("_", " ")
        return [stem(w) for w in _WORD.findall(lowered) if w not in _STOP]
    return [stem(w) for w in re.findall(r"[a-z0-9_]+(?:['’][a-z]+)?", lowered)
            if w not in _STOP and "_" not in w.strip("_")]


# --- the index ------------------------------------------------------------------------

@dataclass
class _Doc:
    plugin: PluginSpec
    function: FunctionSpec
    weights: dict[str, float]          # stemmed term -> weighted frequency
    length: float
    phrases: tuple[tuple[str, ...], ...]   # multi-word tags, stemmed
    core: frozenset[str]               # terms of the function's own name, tags, description
    strong: frozenset[str]             # terms of its name and tags
    exact: frozenset[str]              # unstemmed words of its name, tags and description


_FIELD_WEIGHTS = {"name": 2.0, "tags": 2.5, "tag_phrases": 1.0, "description": 1.0,
                  "plugin": 1.5,
                  "plugin_description": 0.4, "params": 0.6}


def _doc(plugin: PluginSpec, function: FunctionSpec) -> _Doc:
    fields: dict[str, str] = {
        "name": function.name,
        # A one-word tag is a synonym of the function; the words of a longer one
        # ("what's playing") count as description words, the whole phrase counts extra.
        "tags": " ".join(t for t in function.tags if len(tokens(t)) <= 1),
        "tag_phrases": " ".join(t for t in function.tags if len(tokens(t)) > 1),
        "description": function.description,
        "plugin": plugin.name,
        "plugin_description": str(plugin.manifest.get("description") or ""),
        "params": " ".join(
            f"{name} {prop.get('description', '')} "
            + " ".join(str(v) for v in prop.get("enum") or ())
            for name, prop in function.properties.items()),
    }
    weights: dict[str, float] = {}
    core: set[str] = set()
    for field_name, text in fields.items():
        if field_name in ("name", "tags", "tag_phrases", "description"):
            core.update(tokens(text))
        seen: set[str] = set()
        for term in tokens(text):
            if term in seen and field_name != "description":
                continue  # a word repeated in a name or the tags counts once
            seen.add(term)
            weights[term] = weights.get(term, 0.0) + _FIELD_WEIGHTS[field_name]
    phrases = tuple(tuple(tokens(tag)) for tag in function.tags if len(tokens(tag)) > 1)
    strong = frozenset(tokens(f"{function.name} {' '.join(function.tags)}"))
    exact = frozenset(_WORD.findall(f"{function.name} {' '.join(function.tags)} "
                                    f"{function.description}".lower().replace("_", " ")))
    return _Doc(plugin, function, weights, sum(weights.values()), phrases, frozenset(core),
                strong, exact)


@dataclass
class _Index:
    docs: list[_Doc]
    idf: dict[str, float]
    average: float


def _build_index(plugins: Sequence[PluginSpec]) -> _Index:
    docs = [_doc(p, f) for p in plugins for f in p.functions]
    # Rarity is counted over the functions' own words: a word of a plug-in's description
    # reaches all its functions and would otherwise look common ("volume" for Spotify).
    frequency: dict[str, int] = {}
    for doc in docs:
        for term in doc.core:
            frequency[term] = frequency.get(term, 0) + 1
    for doc in docs:
        for term in doc.weights:
            frequency.setdefault(term, 1)
    n = len(docs)
    # log(1 + N/df): a word every function has still counts a little, so a small set of
    # plug-ins (or one addressed by name) routes on the words it shares.
    idf = {t: math.log(1 + n / df) for t, df in frequency.items()}
    average = sum(d.length for d in docs) / n if n else 1.0
    return _Index(docs, idf, average or 1.0)


_K1, _B = 1.2, 0.5


def _same_form(index: _Index, doc: _Doc, words: frozenset[str]) -> float:
    return 0.3 * sum(index.idf.get(stem(w), 0.0) for w in words & doc.exact if w not in _STOP)


def _score(index: _Index, doc: _Doc, query: list[str], query_set: set[str],
           words: frozenset[str] = frozenset()) -> float:
    # ``words``: the utterance's unstemmed words; the same form ("play", not "playing")
    # counts a little extra.
    score = _same_form(index, doc, words)
    for term in query_set:
        tf = doc.weights.get(term, 0.0)
        if not tf:
            for alt in _SYNONYMS.get(term, ()):
                tf = max(tf, 0.7 * doc.weights.get(stem(alt), 0.0))
        if tf:
            idf = index.idf.get(term) or max(
                (index.idf.get(stem(a), 0.0) for a in _SYNONYMS.get(term, ())), default=0.0)
            score += idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * doc.length / index.average))
    joined = " " + " ".join(query) + " "
    for phrase in doc.phrases:
        if " " + " ".join(phrase) + " " in joined:
            score += 1.0 * len(phrase)
    return score


# --- arguments ------------------------------------------------------------------------

_QUOTED = re.compile(r"[\"“”']([^\"“”]+?)[\"“”']|“([^”]+)”")
_UNITS = {
    "watt": r"(?:w|watts?)\b", "percent": r"(?:%|percent\b|per cent\b)",
    "mhz": r"(?:mhz|megahertz)\b", "celsius": r"(?:°\s*c|c\b|degrees?|celsius)",
}
_NUMBER = re.compile(r"(?<![\w.])([-+]?\d+(?:[.,]\d+)?)\s*(%|°\s*c\b|[a-z]+\b)?", re.IGNORECASE)
_TRUE_WORDS = {"on", "enable", "enabled", "yes", "true", "start", "activate"}
_FALSE_WORDS = {"off", "disable", "disabled", "no", "false", "stop", "deactivate", "don't",
                "dont", "not", "without"}
# Cue words by what a parameter is about (found in its name or description).
_ROLE_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("artist", ("by", "from")),
    ("game", ("for", "in", "playing", "of")),
    ("category", ("for", "in")),
    ("who", ("to",)),
    ("caption", ("saying", "that says", "with the caption", "captioned", "caption",
                 "with the text", "with")),
    ("message", ("saying", "that says", "message")),
    ("event", ("event", "applet", "called", "named")),
    ("name", ("called", "named")),
    ("value", ("value", "with")),
)
_SPAN_END = re.compile(
    r"\s*(?:[,.;!?]|\b(?:and then|then|please|on|in|to|by|from|with|for|at|right now|now)\b|$)",
    re.IGNORECASE)


def _unit_of(name: str, prop: dict[str, Any]) -> str | None:
    text = f"{name} {prop.get('description', '')}".lower()
    for unit, words in (("watt", ("watt",)), ("mhz", ("mhz",)),
                        ("percent", ("percent", "%")), ("celsius", ("°c", "celsius"))):
        if any(w in text for w in words):
            return unit
    return None


def _numbers(text: str) -> list[tuple[float, str | None, int, int]]:
    """(value, unit, start, end) for each number in ``text``, number words included."""
    found: list[tuple[float, str | None, int, int]] = []
    for match in _NUMBER.finditer(text):
        raw = match.group(1).replace(",", ".")
        value = float(raw)
        unit = None
        tail = text[match.end(1):]
        for name, pattern in _UNITS.items():
            if re.match(r"\s*" + pattern, tail, re.IGNORECASE):
                unit = name
                break
        end = match.end() if unit else match.end(1)
        found.append((value, unit, match.start(1), end))
    for match in re.finditer(r"\b(" + "|".join(map(re.escape, _NUMBER_WORDS)) + r")\b",
                             text, re.IGNORECASE):
        value = float(_NUMBER_WORDS[match.group(1).lower()])
        tail = text[match.end():]
        unit = next((n for n, p in _UNITS.items() if re.match(r"\s*" + p, tail, re.IGNORECASE)),
                    None)
        found.append((value, unit, match.start(), match.end()))
    found.sort(key=lambda item: item[2])
    return found


def _enum_synonyms(prop: dict[str, Any]) -> dict[str, str]:
    """Word -> enum value: each value (and its plural), and words in parentheses after it
    in the description (``track (a song)`` -> ``song``)."""
    out: dict[str, str] = {}
    description = str(prop.get("description") or "")
    for value in prop.get("enum") or ():
        if not isinstance(value, str):
            continue
        out[value.lower()] = value
        out[value.lower() + "s"] = value
        for match in re.finditer(re.escape(value) + r"\s*\(([^)]*)\)", description,
                                 re.IGNORECASE):
            words = tokens(match.group(1))
            if len(words) <= 2:  # "track (a song)", not "track (Spotify queues songs only)"
                for word in words:
                    out[word] = value
    return out


def _roles(name: str, prop: dict[str, Any]) -> list[str]:
    # What a parameter is about: its name and the first words of its description
    # ("The artist, to pick..." is about an artist; "The name of the song, album,
    # artist or playlist" is about a name).
    head = " ".join(str(prop.get("description") or "").lower().split()[:3])
    text = f"{name.replace('_', ' ').lower()} {head}"
    return [role for role, _ in _ROLE_CUES if re.search(rf"\b{role}", text)]


def _cues(name: str, prop: dict[str, Any]) -> list[str]:
    cues: list[str] = []
    for role in _roles(name, prop):
        words = dict(_ROLE_CUES)[role]
        cues.extend(w for w in words if w not in cues)
    head = name.split("_")[0].lower()
    if len(head) > 2 and head not in cues:
        cues.append(head)
    if _is_selector(prop):  # "on GPU 1", "for the 4080"
        cues.extend(w for w in ("on", "for") if w not in cues)
    return cues


def _is_selector(prop: dict[str, Any]) -> bool:
    # "Which GPU: its number or part of its name": an optional parameter that narrows
    # where the function acts. It takes a value only after a cue, never the rest.
    return bool(re.match(r"\s*which\b", str(prop.get("description") or ""), re.IGNORECASE))


def _runs_to_the_end(name: str, prop: dict[str, Any]) -> bool:
    # A message or caption is everything after its cue ("saying raid starts in 10 minutes").
    return _is_free_text(prop) or any(r in ("caption", "message") for r in _roles(name, prop))


def _is_free_text(prop: dict[str, Any]) -> bool:
    text = str(prop.get("description") or "").lower()
    return "user's words" in text or "in their words" in text or "question" in text


def _trim(span: str, vocabulary: set[str], *, leading: bool = True) -> str:
    """``span`` without leading (unless ``leading`` is False) and trailing stop words,
    function words and punctuation."""
    words = span.split()

    def droppable(word: str) -> bool:
        bare = re.sub(r"^[^\w'’]+|[^\w'’]+$", "", word).lower()
        if not bare:
            return True
        return bare in _STOP or stem(bare) in vocabulary or bare in {
            "can", "you", "could", "please", "currently", "channel", "server", "my", "of"}

    while leading and words and droppable(words[0]):
        if words[0] == "The" and len(words) > 1 and words[1][:1].isupper():
            break  # "The Weeknd": a capitalised article belongs to the name
        words.pop(0)
    while words and droppable(words[-1]):
        words.pop()
    return re.sub(r"^[^\w\"“]+|[^\w\"”]+$", "", " ".join(words))


_EXAMPLE = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»")


def _without_examples(description: str) -> str:
    """``description`` without its quoted examples."""
    return _EXAMPLE.sub(" ", description)


_TIME_WORDS = re.compile(r"\b(?:right now|now|today|tonight|tomorrow|this week(?:end)?|currently"
                         r"|at the moment|please)\W*$", re.IGNORECASE)


def _looks_like_a_name(text: str) -> bool:
    return any(w[:1].isupper() or w[:1].isdigit() for w in text.split())


def _split_list(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|\band\b|\bor\b|&|\+)\s*", text)
    return [p.strip() for p in parts if p.strip()]


def extract_arguments(utterance: str, plugin: PluginSpec, function: FunctionSpec,
                      vocabulary: set[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """Arguments for ``function`` found in ``utterance`` (invocation words already removed).

    Returns:
        The arguments and notes saying where each came from (for the explanation).
    """
    text = utterance.strip()
    args: dict[str, Any] = {}
    notes: list[str] = []
    used: list[tuple[int, int]] = []   # character spans already turned into arguments
    vocab = set(vocabulary or ())
    # Quoted examples in a description ("is ninja live?") are not the function's words:
    # their values (ninja) must stay extractable.
    vocab.update(tokens(f"{function.name} {_without_examples(function.description)} "
                        f"{' '.join(function.tags)}"))
    vocab.update(tokens(plugin.name))
    for name, prop in function.properties.items():
        if prop.get("type") in ("integer", "number"):  # "three times", "5 streams"
            vocab.update(tokens(f"{name} {prop.get('description', '')}"))
    props = function.properties

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in used)

    # 1. Enum values (and their synonyms) anywhere.
    for name, prop in props.items():
        synonyms = _enum_synonyms(prop)
        if not synonyms:
            continue
        for match in re.finditer(r"[a-z]+", text.lower()):
            value = synonyms.get(match.group(0)) or synonyms.get(stem(match.group(0)))
            if value is not None and free(match.start(), match.end()):
                args[name] = value
                used.append((match.start(), match.end()))
                vocab.add(stem(match.group(0)))
                notes.append(f"{name}={value!r} from {match.group(0)!r}")
                break

    # 2. Numbers, by unit first, then in parameter order.
    numeric = [n for n, p in props.items() if p.get("type") in ("integer", "number")]
    numbers = [n for n in _numbers(text) if free(n[2], n[3])]
    gpu_like = [n for n, p in props.items() if p.get("type") == "string" and
                re.search(r"\bnumber\b", str(p.get("description", "")).lower())]
    for name in gpu_like:  # "gpu 1", "GPU #0": a string parameter that takes a number
        cue = name.split("_")[0]
        numbered = re.search(rf"\b{re.escape(cue)}\s*#?\s*(\d+)\b", text, re.IGNORECASE)
        if numbered:
            start, end = numbered.start(1), numbered.end(1)
            args[name] = numbered.group(1)
            used.append((start, end))
            numbers = [n for n in numbers if not ((n[2] >= start and n[3] <= end)
                                                  or n[2] == start)]
            notes.append(f"{name}={numbered.group(1)!r} after {cue!r}")
    if numeric and numbers:
        remaining = list(numbers)
        lows = [n for n in numeric if n.startswith("min")]
        for low_name in lows:
            high_name = "max" + low_name[3:]
            if high_name not in props:
                continue
            unit = _unit_of(low_name, props[low_name])
            pair = [n for n in remaining if n[1] in (unit, None)][:2]
            if len(pair) == 2:  # "between 1500 and 2000 MHz"
                low, high = sorted(pair, key=lambda n: n[0])
                args[low_name], args[high_name] = low[0], high[0]
                remaining = [n for n in remaining if n not in pair]
                notes.append(f"{low_name}={low[0]:g}, {high_name}={high[0]:g} (the smaller, "
                             "the larger)")
        for name in numeric:
            if name in args:
                continue
            unit = _unit_of(name, props[name])
            if unit is None:
                continue
            same = [n for n in remaining if n[1] == unit]
            if same:
                number = same[0]
                if name.startswith("max") and len(same) > 1:
                    number = max(same, key=lambda n: n[0])
                elif name.startswith("min") and len(same) > 1:
                    number = min(same, key=lambda n: n[0])
                args[name] = number[0]
                remaining.remove(number)
                notes.append(f"{name}={number[0]:g} from its unit")
        # Numbers without a unit go to the parameters still empty whose unit is unknown or
        # matches; a min/max pair takes the smaller then the larger.
        empty = [n for n in numeric if n not in args]
        plain = [n for n in remaining if n[1] is None or
                 any(_unit_of(e, props[e]) == n[1] for e in empty)]
        if empty and plain:
            pairs = [n for n in empty if n.startswith(("min", "max"))]
            if len(pairs) >= 2 and len(plain) >= 2:
                smaller, larger = sorted(v[0] for v in plain[:2])
                for name in pairs:
                    args[name] = smaller if name.startswith("min") else larger
                empty = [n for n in empty if n not in pairs]
                plain = plain[2:]
            unitless = [n for n in empty if _unit_of(n, props[n]) is None
                        or all(_unit_of(n, props[n]) != _unit_of(m, props[m])
                               for m in numeric if m != n)]
            for name, number in zip(unitless, plain, strict=False):
                args[name] = number[0]
                notes.append(f"{name}={number[0]:g}")
        for name in numeric:
            if name in args and float(args[name]).is_integer():
                args[name] = int(args[name])
        for number in numbers:
            if any(args.get(n) == number[0] for n in numeric):
                used.append((number[2], number[3]))

    # 3. Booleans.
    words = [w.lower() for w in re.findall(r"[\w'’]+", text)]
    for name, prop in props.items():
        if prop.get("type") != "boolean":
            continue
        description = str(prop.get("description") or "").lower()
        positive = set(_TRUE_WORDS)
        negative = set(_FALSE_WORDS)
        for match in re.finditer(r"\btrue (?:to|for|=)\s+([\w ]+?)(?:[,.;]|$)", description):
            positive.update(tokens(match.group(1)))
        own = set(tokens(function.name))
        for match in re.finditer(r"\bfalse (?:to|for|=)\s+([\w ]+?)(?:[,.;]|$)", description):
            negative.update(w for w in tokens(match.group(1)) if w not in positive | own
                            and w not in vocab)
        if any(w in negative or stem(w) in negative for w in words):
            args[name] = False
        elif any(w in positive or stem(w) in positive for w in words):
            args[name] = True
        if name in args:
            notes.append(f"{name}={str(args[name]).lower()}")

    # 4. Quoted text, then cue words, for text parameters.
    texts = [n for n, p in props.items()
             if p.get("type") in ("string", "array") and n not in args and not p.get("enum")]
    quoted = [(m.group(1) or m.group(2), m.start(), m.end()) for m in _QUOTED.finditer(text)
              if (m.group(1) or m.group(2) or "").strip()]
    quoted = [q for q in quoted if not re.match(r"[a-z]\b", q[0]) or " " in q[0]]
    for name in texts:
        if name in args:
            continue
        for cue in _cues(name, props[name]):
            pattern = rf"\b{re.escape(cue)}\b\s+(?-i:the\s+|my\s+|a\s+)?"
            for match in re.finditer(pattern, text, re.IGNORECASE):
                start = match.end()
                if not free(match.start(), start):
                    continue
                quote = next((q for q in quoted if q[1] == start), None)
                if quote is not None:
                    value, end = quote[0], quote[2]
                else:
                    # a value ends where another argument begins ("GPU clock between 1200")
                    rest = text[start:min((s for s, _ in used if s >= start),
                                          default=len(text))]
                    if _runs_to_the_end(name, props[name]):
                        # "saying what a play": a message keeps its first words
                        value = _trim(rest, vocab, leading=False)
                    else:
                        stop = _SPAN_END.search(rest) if rest else None
                        value = _trim(rest[: stop.start()] if stop else rest, set())
                    end = start + len(rest) if _runs_to_the_end(name, props[name]) \
                        else start + len(value)
                if not value or value.split()[0].lower() in _cues(name, props[name]):
                    continue  # "applet called coffee_time": the later cue holds the value
                if quote is None and all(
                        t in vocab or any(stem(a) in vocab for a in _SYNONYMS.get(t, ()))
                        for t in tokens(value)):
                    continue  # "gpu temp": a word of the function, not a value
                if props[name].get("type") != "array" and name not in function.required \
                        and not _looks_like_a_name(value) and (
                            cue in ("for", "in", "to", "of", "from", "with", "on")
                            or _is_selector(props[name])):
                    continue  # "gpu status for gaming", "the GPU clock between ..."
                args[name] = _split_list(value) if props[name].get("type") == "array" else value
                used.append((match.start(), end))
                notes.append(f"{name}={value!r} after {cue!r}")
                break
            if name in args:
                break
    for value, start, end in quoted:
        if not free(start, end):
            continue
        target = next((n for n in texts if n not in args and n in function.required), None) or \
            next((n for n in texts if n not in args), None)
        if target is None:
            break
        args[target] = [value] if props[target].get("type") == "array" else value
        used.append((start, end))
        notes.append(f"{target}={value!r} (quoted)")

    # 5. The rest of the utterance, for the main text parameter still empty.
    main = next((n for n in texts if n not in args and n in function.required), None)
    if main is None and texts and texts[0] not in args and not _is_selector(props[texts[0]]):
        main = texts[0]  # the first text parameter is the function's main one
    if main is not None:
        if _is_free_text(props[main]):
            value = text
            for start, end in sorted(used, reverse=True):
                value = value[:start] + value[end:]
            value = value.strip(" ,;:")
            if not _trim(value, vocab):
                value = ""  # "ask the oracle": nothing asked yet
        else:
            pieces, last = [], 0
            for start, end in sorted(used):
                pieces.append(text[last:start])
                last = max(last, end)
            pieces.append(text[last:])
            if props[main].get("type") == "array":
                # "is anyone I follow live? check ninja, shroud": a sentence of its own that
                # is a list holds the names; the question before it does not.
                pieces = [s for p in pieces for s in re.split(r"[?!.;:]+(?:\s+|$)", p)]
                lists = [p for p in pieces if len(_split_list(_trim(p, vocab))) > 1]
                pieces = lists or pieces
            longest = max((p for p in pieces), key=lambda p: len(_trim(p, vocab)), default="")
            value = _trim(longest, vocab)
            value = _TIME_WORDS.sub("", value).strip(" ,;:?!.")
            value = _trim(value, vocab)
        required = main in function.required
        if value and (required or _looks_like_a_name(value) or _is_free_text(props[main])):
            args[main] = _split_list(value) if props[main].get("type") == "array" else value
            notes.append(f"{main}={value!r} (the rest of the sentence)")
    return args, notes


# --- the router -----------------------------------------------------------------------

class OfflineRouter:
    """The default router: BM25 over the manifests plus typed argument extraction.

    Deterministic and fast (indexes are cached per set of plug-ins). See the module
    docstring for what it understands and its limits.
    """

    name = "offline"

    def __init__(self, *, min_score: float = MIN_SCORE, max_candidates: int = 3) -> None:
        self.min_score = min_score
        self.max_candidates = max_candidates
        self._cache: dict[tuple[int, ...], tuple[tuple[PluginSpec, ...], _Index]] = {}

    def _index(self, plugins: Sequence[PluginSpec]) -> _Index:
        key = tuple(id(p) for p in plugins)
        cached = self._cache.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], plugins, strict=True)):
            return cached[1]
        index = _build_index(plugins)
        if len(self._cache) > 32:
            self._cache.clear()
        self._cache[key] = (tuple(plugins), index)
        return index

    def route(self, utterance: str, plugins: Sequence[PluginSpec],
              history: Sequence[tuple[str, str]] = ()) -> Decision:
        """Decide for ``utterance`` among ``plugins`` (``history`` is not used)."""
        del history  # documented limit: no follow-ups
        invocation = split_invocation(utterance, plugins)
        text = invocation.rest if invocation else utterance.strip()
        # Word weights come from every loaded plug-in (as G-Assist sees them all); an
        # invocation only narrows the choice.
        index = self._index(plugins)
        docs = [d for d in index.docs if invocation is None or d.plugin is invocation.plugin]
        if not docs:
            where = f"{invocation.plugin.name} declares no functions" if invocation \
                else "no plug-in with functions is loaded"
            return no_match(where, router=self.name)
        query = tokens(text, split_names=False)
        lowered = utterance.lower()
        named = {p.name for p in plugins if re.search(
            rf"\b{re.escape(p.name.lower())}\b", lowered)} if not invocation else set()
        query_set = set(query)
        words = frozenset(_WORD.findall(text.lower()))
        scored = sorted(((_score(index, d, query, query_set, words)
                          + (1.5 if d.plugin.name in named else 0.0), d) for d in docs),
                        key=lambda item: -item[0])
        candidates = tuple(Candidate(d.plugin.name, d.function.name, s)
                           for s, d in scored[: self.max_candidates] if s > 0)
        best, top = scored[0]
        if invocation is None and not any(
                t in top.core or any(stem(a) in top.core for a in _SYNONYMS.get(t, ()))
                for t in query_set):
            best = min(best, self.min_score / 2)  # only words of its plug-in or parameters
        # Addressed by name, the plug-in was chosen by the user: its best function wins
        # on any shared word, and a plug-in with one function takes whatever follows.
        floor = self.min_score if invocation is None else (0.0 if len(docs) == 1 else 1e-9)
        if invocation is None and best > 0 and query_set & top.strong:
            floor = min(floor, 1e-9)  # a word of its name or tags ("live") is enough
        if invocation is not None and text and best <= 0 and len(plugins) > 1 \
                and invocation.plugin.name.lower() in _STOP | _GREETINGS:
            # "Hello, is ninja live?": a greeting that is also a plug-in's name. None of its
            # functions shares a word with the request, so every plug-in may answer it.
            again = self.route(text, plugins)
            if again.kind != "no_match":
                return dataclasses.replace(again, explanation=(
                    f"{invocation.plugin.name} was addressed but none of its functions fits;"
                    f" {again.explanation}"))
        # The same-form bonus ranks; it does not make a match out of one stray word.
        if best - _same_form(index, top, words) < floor or (
                invocation is not None and len(docs) > 1 and best <= 0):
            addressed = f" of {invocation.plugin.name}" if invocation else ""
            if not text:
                why = f"{invocation.plugin.name} was addressed but not asked anything" \
                    if invocation else "nothing was said"
            else:
                why = f"no function{addressed} matches the words {text!r}"
            return no_match(why, candidates, router=self.name,
                            confidence=min(best / (self.min_score * 4), 0.25))
        second = scored[1][0] if len(scored) > 1 else 0.0
        if invocation is None and len(scored) > 1 and second >= best * 0.98 \
                and scored[1][1].plugin is not top.plugin:
            other = scored[1][1]
            return no_match(
                f"{top.plugin.name}.{top.function.name} and {other.plugin.name}."
                f"{other.function.name} fit equally; say which plug-in"
                f" (\"Hey {top.plugin.name}, ...\")", candidates, router=self.name,
                confidence=0.25)
        margin = (best - second) / best if best else 0.0
        confidence = min(1.0, 0.45 + 0.35 * margin + 0.2 * min(best / 6.0, 1.0))
        matched = _said(text, query_set & set(top.weights))
        how = f"{invocation.form} invocation of {invocation.plugin.name}, " if invocation else ""
        why = (f"{how}{top.plugin.name}.{top.function.name} matched "
               f"{', '.join(repr(m) for m in matched) or 'its tags'}"
               f" (score {best:.1f}, next {second:.1f})")
        # Among close candidates, prefer the one that explains the sentence: arguments it
        # can fill count for it, required ones it cannot fill count against it.
        extracted: dict[int, tuple[dict[str, Any], list[str]]] = {}
        reranked = []
        for score, doc in scored[:3]:
            if score < best * 0.6 or score <= 0:
                continue
            found = extract_arguments(text, doc.plugin, doc.function)
            extracted[id(doc)] = found
            missing = [r for r in doc.function.required if r not in found[0]]
            # An enum value is a synonym of the function's words, not extra meaning.
            filled = [n for n in found[0] if not doc.function.properties[n].get("enum")]
            reranked.append((score + 0.8 * len(filled) - 2.0 * len(missing), score, doc))
        reranked.sort(key=lambda item: -item[0])
        if reranked and reranked[0][2] is not top:
            why = why.replace(f"{top.plugin.name}.{top.function.name}",
                              f"{reranked[0][2].plugin.name}.{reranked[0][2].function.name}", 1)
            best, top = reranked[0][1], reranked[0][2]
            matched = _said(text, query_set & set(top.weights))
            why = (f"{how}{top.plugin.name}.{top.function.name} matched "
                   f"{', '.join(repr(m) for m in matched) or 'its tags'} (score {best:.1f},"
                   f" chosen over {scored[0][1].function.name} {scored[0][0]:.1f}"
                   " because its arguments fit the sentence)")
        unclear = self._unclear_change(text, top, best, query_set, scored, reranked)
        if unclear is not None:
            return no_match(unclear, candidates, router=self.name, confidence=0.25)
        arguments, notes = extracted.get(id(top)) or extract_arguments(text, top.plugin,
                                                                        top.function)
        if notes:
            why += "; " + "; ".join(notes)
        return clarify_or_call(top.plugin, top.function, arguments, confidence, why,
                               candidates, router=self.name)


    @staticmethod
    def _unclear_change(text: str, top: _Doc, best: float, query_set: set[str],
                        scored: list[tuple[float, _Doc]],
                        reranked: list[tuple[float, float, _Doc]]) -> str | None:
        """Why ``top`` (a function that changes state) is not clear enough, or None."""
        tags = STATE_TAGS.intersection(t.lower() for t in top.function.tags)
        if not tags:
            return None
        name = f"{top.plugin.name}.{top.function.name}"
        said = sorted(t for t in query_set if t in top.core or any(
            stem(a) in top.core for a in _SYNONYMS.get(t, ())))
        # The next function, by the reranked score where it was reranked (arguments that
        # fit count), else by its plain score.
        fit = {id(doc): value for value, _, doc in reranked}
        mine = fit.get(id(top), best)
        others = [(fit.get(id(doc), score), doc) for score, doc in scored if doc is not top]
        second, other = max(others, key=lambda item: item[0], default=(0.0, None))
        head = f"{name} changes settings (tagged {sorted(tags)[0]})"
        if len(said) < WRITE_MIN_WORDS or best < WRITE_MIN_SCORE:
            words = ", ".join(repr(w) for w in _said(text, set(said))) or "none"
            return (f"{head} and too few of its words were said ({words}, score {best:.1f});"
                    " say what to change")
        if other is not None and mine - second < WRITE_MARGIN * mine:
            return (f"{head} but {other.plugin.name}.{other.function.name} fits almost as"
                    f" well ({mine:.1f} vs {second:.1f}); say which")
        return None


def _said(text: str, terms: set[str]) -> list[str]:
    """The words of ``text`` whose stems are ``terms``, as the user wrote them."""
    out: list[str] = []
    for word in re.findall(r"[\w'’]+", text):
        if stem(word) in terms and word.lower() not in out:
            out.append(word.lower())
    return out


def answer_clarification(decision: Decision, answer: str,
                         plugins: Sequence[PluginSpec]) -> Decision:
    """The decision once the user answered ``decision``'s clarifying question.

    The answer is read for the function's arguments like any sentence; the
    parameter that was asked about takes the whole answer when nothing more
    specific is found in it (a name, a message). Arguments already known stay.
    The result is checked again, so a second question may follow.
    """
    found = find_function(plugins, decision.plugin or "", decision.function or "")
    if found is None:
        return no_match(f"{decision.plugin}.{decision.function} is no longer loaded",
                        router=decision.router)
    plugin, function = found
    asked_match = re.search(r"'([^']+)'", decision.question or "")
    asked = asked_match.group(1) if asked_match else None
    extracted, notes = extract_arguments(answer, plugin, function)
    arguments = dict(decision.arguments)
    for name, value in extracted.items():
        if name not in arguments or name == asked:
            arguments[name] = value
    prop = function.properties.get(asked or "")
    numbers = _numbers(answer)
    if asked and asked not in extracted and prop is not None and numbers \
            and prop.get("type") in ("integer", "number"):
        arguments[asked] = numbers[0][0]  # "2100" answers "max_mhz?"
        notes.append(f"{asked}={numbers[0][0]:g} (the answer)")
    elif asked and asked not in extracted and prop is not None \
            and prop.get("type") in ("string", "array", None) and not prop.get("enum"):
        value = answer.strip().strip("\"“”'")
        arguments[asked] = _split_list(value) if prop.get("type") == "array" else value
        notes.append(f"{asked}={value!r} (the answer)")
    why = f"{decision.explanation}; answered: " + ("; ".join(notes) or repr(answer))
    return clarify_or_call(plugin, function, arguments, decision.confidence, why,
                           decision.candidates, router=decision.router)
