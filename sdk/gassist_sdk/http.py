# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Calling a web service from a command: timeouts, bounded retries, one sentence per failure.

An optional module for plug-ins that talk HTTP. It needs ``requests`` in the
plug-in's ``libs/`` (list it in ``requirements.txt``), but imports it only when
the first request is made, so a plug-in that imports this module at the top
still answers ``initialize`` at once::

    from gassist_sdk.http import ServiceClient

    api = ServiceClient("Twitch", config.api_url, setting="api_url",
                        auth_hint="Check client_id and client_secret in config.json.")
    streams = api.get_json("/streams", params=[("user_login", "ninja")])

What it does for every request:

* connect and read timeouts (3.05 s and 10 s by default);
* retries through urllib3's ``Retry``: connection failures once, and 429, 500, 502,
  503 and 504 answers up to ``retries`` times with exponential back-off, waiting what
  ``Retry-After`` asks. A POST is retried only on 429 (the service did not act on
  it); other answers to a POST could mean it was acted on, so it is never re-sent;
* a time budget (25 s by default, under the engine's 30 s call limit): a retry that
  could not finish within it is not made, and the last answer is reported instead;
* an optional deadline for a whole command (:func:`deadline`, or
  ``with api.deadline(25):``): every request inside shares the time that is left;
* every failure raised as :class:`ServiceError`, a :class:`~gassist_sdk.CommandError`
  whose message is one short sentence for the user. The sentence names the service
  and at most the host, never a path or query (IFTTT and Discord put keys there),
  and never a header.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from importlib import import_module
from typing import Any, NamedTuple

from ._errors import CommandError

__all__ = ["COMMAND_SECONDS", "RETRY_STATUSES", "ServiceClient", "ServiceError", "caused_by",
           "deadline", "time_left"]

# Answers worth asking again: rate limited, or the service failing for a moment.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
_DETAIL_KEYS = ("message", "error_description", "error", "detail", "reason")
_DETAIL_MAX = 160
#: Seconds a command may spend on web services by default: the engine stops a call at 30 s.
COMMAND_SECONDS = 25.0

# The request being made on this thread, so the Retry object (shared by every
# request of a session) can see its deadline; and the command's deadline, if any.
_current = threading.local()


def _now() -> float:
    """The clock every budget and deadline is kept on (a module function tests can move)."""
    return time.monotonic()


class _Deadline(NamedTuple):
    end: float
    seconds: float
    message: str | None
    min_left: float


@contextmanager
def deadline(seconds: float = COMMAND_SECONDS, *, message: str | None = None,
             min_left: float = 1.0) -> Iterator[None]:
    """Let every request made on this thread inside the block share ``seconds`` in all.

    Each request's budget becomes ``min(budget, time left)`` and its connect and read
    timeouts are cut to the time left; a request with less than ``min_left`` seconds
    left is not started and raises :class:`ServiceError` (``kind="timeout"``) with
    ``message``, or a sentence saying the time ran out. Deadlines nest: an inner one
    never extends an outer one. Thread-local: other threads are not affected.

    Args:
        seconds: The time for everything inside the block.
        message: The sentence for a request that cannot start in time.
        min_left: The least time a request needs to be worth starting.
    """
    outer: _Deadline | None = getattr(_current, "command", None)
    end = _now() + seconds
    if outer is not None:
        end = min(end, outer.end)
        message = message if message is not None else outer.message
    _current.command = _Deadline(end, seconds, message, min_left)
    try:
        yield
    finally:
        _current.command = outer


def time_left() -> float | None:
    """Seconds left of this thread's :func:`deadline`; None outside one."""
    current: _Deadline | None = getattr(_current, "command", None)
    return None if current is None else max(0.0, current.end - _now())


class ServiceError(CommandError):
    """A request to a web service failed; ``str(error)`` is the sentence for the user.

    Attributes:
        kind: ``"timeout"``, ``"unreachable"``, ``"auth"`` (401/403), ``"not_found"``,
            ``"rate_limited"`` (429), ``"server"`` (5xx), ``"bad_reply"`` (a body that
            cannot be read) or ``"http"`` (any other refused request).
        status: The HTTP status, when an answer came.
        retry_after: Seconds the service asked to wait, when it said.
        response: The ``requests.Response``, when an answer came.
        detail: The service's own short reason from the error body (``message``,
            ``error_description``, ``error``, ``detail``, ``reason``, or the first of
            ``errors``), on one line and at most 160 characters; ``""`` when it gave none.
    """

    def __init__(self, message: str, *, kind: str, status: int | None = None,
                 retry_after: float | None = None, response: Any = None,
                 detail: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.response = response
        self.detail = detail


class _OutOfBudget(Exception):
    """A retry's wait would end past the request's deadline."""

    def __init__(self, response: Any, wait: float) -> None:
        super().__init__(wait)
        self.response = response
        self.wait = wait


def _seconds(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _retry_class() -> Any:
    """urllib3's ``Retry``, with the POST rule and the deadline (built once, on first use)."""
    cached = globals().get("_RETRY")
    if cached is not None:
        return cached
    retry_base: Any = import_module("urllib3.util.retry").Retry

    class BudgetedRetry(retry_base):  # type: ignore[misc]
        def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
            if method.upper() not in _IDEMPOTENT and status_code != 429:
                return False
            return bool(super().is_retry(method, status_code, has_retry_after))

        def sleep(self, response: Any = None) -> None:
            wait = None
            if response is not None and self.respect_retry_after_header:
                try:
                    wait = self.get_retry_after(response)
                except Exception:  # an unreadable Retry-After: fall back to back-off
                    wait = None
            if wait is None:
                wait = self.get_backoff_time()
            end = getattr(_current, "deadline", None)
            read = getattr(_current, "read_timeout", 0.0)
            if end is not None and _now() + wait + read > end:
                raise _OutOfBudget(response, wait)
            if wait > 0:
                time.sleep(wait)

    globals()["_RETRY"] = BudgetedRetry
    return BudgetedRetry


def _detail(response: Any) -> str:
    """A short reason from an error body (JSON ``message``-like fields), or ''.

    Understood: ``{"message": ...}`` and the other :data:`_DETAIL_KEYS` (Twitch,
    Discord, OAuth's ``error_description``), ``{"error": {"message": ...}}`` (Google),
    and ``{"errors": [{"message": ...}]}`` or ``{"errors": ["..."]}`` (IFTTT).
    """
    try:
        body = response.json()
    except Exception:
        return ""
    if not isinstance(body, dict):
        return ""
    found: list[Any] = [body.get(key) for key in _DETAIL_KEYS]
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        found.append(errors[0])
    for value in found:
        if isinstance(value, dict):  # {"error": {"message": ...}}, {"errors": [{...}]}
            value = value.get("message")
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split())
            return text if len(text) <= _DETAIL_MAX else text[:_DETAIL_MAX - 1] + "…"
    return ""


def _retry_after(response: Any) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        import email.utils

        parsed = email.utils.parsedate_tz(value)
        return None if parsed is None else max(0.0, email.utils.mktime_tz(parsed) - time.time())


def _as_requests_response(raw: Any, url: str) -> Any:
    """A ``requests.Response`` for urllib3's (already drained) answer, to report it."""
    models = import_module("requests.models")
    structures = import_module("requests.structures")
    response = models.Response()
    response.status_code = raw.status
    response.headers = structures.CaseInsensitiveDict(raw.headers)
    response._content = b""
    response.url = url
    return response


def caused_by(error: BaseException, *kinds: type[BaseException]) -> bool:
    """Whether ``error``, or anything it wraps, is one of ``kinds``.

    Follows ``__cause__``, ``__context__``, exceptions among ``args`` and a ``reason``
    attribute, the ways requests and urllib3 wrap the real failure: a
    ``requests.ConnectionError`` holding a ``MaxRetryError`` holding a
    ``NewConnectionError`` caused by ``ConnectionRefusedError``::

        if caused_by(exc, ConnectionRefusedError):
            ...

    A loop of exceptions that wrap each other is followed once.
    """
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kinds):
            return True
        reason = getattr(current, "reason", None)
        stack += [current.__cause__, current.__context__,
                  *(arg for arg in current.args if isinstance(arg, BaseException)),
                  reason if isinstance(reason, BaseException) else None]
    return False


class ServiceClient:
    """One web service: a ``requests.Session`` with timeouts, retries and plain errors.

    Args:
        service: The service's name, as the user knows it (``"Twitch"``).
        base_url: Joined in front of relative paths; a path starting with ``http://``
            or ``https://`` is used as it is.
        setting: The config key holding ``base_url``, named when the host is unreachable.
        auth_hint: Added to the sentence for 401 and 403 (``"Check api_key in config.json."``).
        headers: Sent with every request (a request's own headers win).
        timeout: Connect and read timeouts in seconds.
        retries: How many times a retryable answer is asked again.
        backoff: urllib3's back-off factor (waits of ``backoff * 2**n`` seconds).
        budget: Seconds one request may take in all, retries and waits included.
    """

    def __init__(self, service: str, base_url: str = "", *, setting: str | None = None,
                 auth_hint: str = "", headers: Mapping[str, str] | None = None,
                 timeout: tuple[float, float] = (3.05, 10.0), retries: int = 2,
                 backoff: float = 0.5, budget: float = 25.0) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.setting = setting
        self.auth_hint = auth_hint
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.budget = budget
        self._session: Any = None
        self._lock = threading.Lock()

    # -- plumbing -----------------------------------------------------------------------

    @property
    def session(self) -> Any:
        """The ``requests.Session`` (created, and ``requests`` imported, on first use)."""
        with self._lock:
            if self._session is None:
                self._session = self._new_session()
            return self._session

    def _new_session(self) -> Any:
        requests = import_module("requests")
        adapters = import_module("requests.adapters")
        import logging

        # urllib3 logs each request line, query and path included, at DEBUG: keys in
        # URLs (IFTTT, Discord webhooks) would reach the log file.
        quiet = logging.getLogger("urllib3")
        if quiet.level == logging.NOTSET:
            quiet.setLevel(logging.WARNING)
        options = {"total": self.retries + 1, "connect": 1, "read": False, "redirect": 3,
                   "status": self.retries, "other": 0, "allowed_methods": None,
                   "status_forcelist": RETRY_STATUSES, "backoff_factor": self.backoff,
                   "raise_on_status": False, "raise_on_redirect": False,
                   "respect_retry_after_header": True}
        try:
            retry = _retry_class()(backoff_max=8, **options)
        except TypeError:  # urllib3 1.26 has no backoff_max (its cap is 120 s; the budget holds)
            retry = _retry_class()(**options)
        session = requests.Session()
        adapter = adapters.HTTPAdapter(max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        from . import __version__

        session.headers["User-Agent"] = f"gassist-sdk/{__version__} (G-Assist plug-in)"
        session.headers.update(self.headers)
        return session

    def url(self, path: str) -> str:
        """The full URL for ``path``."""
        if path.startswith(("http://", "https://")):
            return path
        if not path:
            return self.base_url
        return f"{self.base_url}/{path.lstrip('/')}"

    def _host(self, url: str) -> str:
        from urllib.parse import urlsplit

        try:
            return urlsplit(url).hostname or url.split("/")[0]
        except ValueError:
            return "?"

    def close(self) -> None:
        """Close the connections (a later request opens new ones)."""
        with self._lock:
            session, self._session = self._session, None
        if session is not None:
            session.close()

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def deadline(self, seconds: float = COMMAND_SECONDS, *, message: str | None = None,
                 min_left: float = 1.0) -> Any:
        """:func:`deadline` as a method: ``with api.deadline(25): ...``.

        It covers every request made on this thread inside the block, this client's
        and any other's.
        """
        return deadline(seconds, message=message, min_left=min_left)

    def _within_deadline(self, connect: float, read: float) -> tuple[float, float, float]:
        """``(connect, read, budget)`` cut to the command's time left; raises when none is."""
        current: _Deadline | None = getattr(_current, "command", None)
        if current is None:
            return connect, read, self.budget
        left = current.end - _now()
        if left < current.min_left:
            raise ServiceError(current.message or (
                f"There was no time left to ask {self.service}: this command may take "
                f"{_seconds(current.seconds)} seconds in all; try again in a moment."),
                kind="timeout")
        return min(connect, left), min(read, left), min(self.budget, left)

    # -- requests -----------------------------------------------------------------------

    def request(self, method: str, path: str = "", *, params: Any = None,
                headers: Mapping[str, str] | None = None, json: Any = None, data: Any = None,
                files: Any = None, ok: Collection[int] = (),
                timeout: tuple[float, float] | None = None) -> Any:
        """Make a request; returns the ``requests.Response`` for a 2xx answer.

        Inside a :func:`deadline` the timeouts and the budget are cut to the time left.

        Args:
            ok: More statuses to return rather than raise (``ok=(404,)`` to read a 404).
            timeout: Connect and read timeouts for this request.

        Raises:
            ServiceError: No answer, an answer that is not 2xx and not in ``ok``, or
                (``kind="timeout"``) no time left in the :func:`deadline`.
        """
        url = self.url(path)
        connect, read = timeout or self.timeout
        connect, read, budget = self._within_deadline(connect, read)
        session = self.session
        requests = import_module("requests")
        _current.deadline = _now() + budget
        _current.read_timeout = read
        started = time.monotonic()
        try:
            response = session.request(method, url, params=params, headers=headers, json=json,
                                       data=data, files=files, timeout=(connect, read))
        except _OutOfBudget as stop:
            if stop.response is None:
                raise self._unreachable(url, "the connection failed") from None
            raise self.error_for(_as_requests_response(stop.response, url)) from None
        except requests.exceptions.RequestException as exc:
            raise self._no_answer(exc, url, read) from None
        finally:
            _current.deadline = None
        self._log(method, url, response.status_code, time.monotonic() - started)
        if 200 <= response.status_code < 300 or response.status_code in ok:
            return response
        raise self.error_for(response)

    def get_json(self, path: str = "", **options: Any) -> Any:
        """GET ``path`` and return the parsed JSON body (None for an empty body)."""
        return self.read_json(self.request("GET", path, **options))

    def post_json(self, path: str = "", **options: Any) -> Any:
        """POST to ``path`` and return the parsed JSON body (None for an empty body)."""
        return self.read_json(self.request("POST", path, **options))

    def read_json(self, response: Any) -> Any:
        """The JSON body of ``response``; an unreadable one raises ``bad_reply``."""
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            raise self.bad_reply(response) from None

    # -- sentences ----------------------------------------------------------------------

    def bad_reply(self, response: Any = None) -> ServiceError:
        """The error for an answer whose body makes no sense."""
        return ServiceError(f"{self.service} sent a reply that could not be read.",
                            kind="bad_reply", status=getattr(response, "status_code", None),
                            response=response)

    def error_for(self, response: Any) -> ServiceError:
        """The :class:`ServiceError` for an answer that is not a success."""
        status = int(response.status_code)
        detail = _detail(response)
        said = f"HTTP {status}" + (f": {detail}" if detail else "")
        wait = _retry_after(response)
        if status in (401, 403):
            hint = f" {self.auth_hint}" if self.auth_hint else ""
            what = "refused the credentials" if status == 401 else "refused access"
            return ServiceError(f"{self.service} {what} ({said}).{hint}", kind="auth",
                                status=status, response=response, detail=detail)
        if status == 404:
            return ServiceError(f"{self.service} found nothing there ({said}).",
                                kind="not_found", status=status, response=response, detail=detail)
        if status == 429:
            later = (f"try again in {_seconds(wait)} seconds" if wait else "try again in a moment")
            return ServiceError(f"{self.service} is limiting requests right now; {later}.",
                                kind="rate_limited", status=status, retry_after=wait,
                                response=response, detail=detail)
        if status >= 500:
            return ServiceError(f"{self.service} is having trouble right now ({said}); "
                                "try again later.", kind="server", status=status,
                                retry_after=wait, response=response, detail=detail)
        return ServiceError(f"{self.service} rejected the request ({said}).", kind="http",
                            status=status, response=response, detail=detail)

    def _unreachable(self, url: str, reason: str) -> ServiceError:
        check = (f" Check your internet connection and the `{self.setting}` setting."
                 if self.setting else " Check your internet connection.")
        return ServiceError(
            f"Could not reach {self.service} at {self._host(url)} ({reason}).{check}",
            kind="unreachable")

    def _no_answer(self, exc: BaseException, url: str, read: float) -> ServiceError:
        exceptions = import_module("requests.exceptions")
        if isinstance(exc, exceptions.ConnectTimeout):
            return self._unreachable(url, "the connection timed out")
        if isinstance(exc, exceptions.Timeout):
            return ServiceError(f"{self.service} did not answer within {_seconds(read)} seconds;"
                                " try again in a moment.", kind="timeout")
        if isinstance(exc, (exceptions.InvalidURL, exceptions.MissingSchema,
                            exceptions.InvalidSchema)):
            named = f"The `{self.setting}` setting" if self.setting else "The address"
            return ServiceError(f"{named} for {self.service} is not a valid http(s) URL.",
                                kind="unreachable")
        if isinstance(exc, exceptions.SSLError):
            return self._unreachable(url, "the secure connection failed")
        if isinstance(exc, exceptions.ContentDecodingError):
            return self.bad_reply()
        import socket

        if caused_by(exc, ConnectionRefusedError):
            return self._unreachable(url, "connection refused")
        if caused_by(exc, socket.gaierror) or "NameResolution" in type(exc).__name__:
            return self._unreachable(url, "host not found")
        if isinstance(exc, exceptions.ConnectionError):
            if caused_by(exc, ConnectionResetError) or "reset" in str(exc).lower():
                return ServiceError(f"{self.service} closed the connection before answering;"
                                    " try again in a moment.", kind="unreachable")
            return self._unreachable(url, "the connection failed")
        return ServiceError(f"The request to {self.service} failed.", kind="unreachable")

    def _log(self, method: str, url: str, status: int, seconds: float) -> None:
        import logging

        logging.getLogger("gassist_sdk.http").debug(
            "%s %s %s -> %d in %.0f ms", self.service, method, self._host(url), status,
            seconds * 1000)
