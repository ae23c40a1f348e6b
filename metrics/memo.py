"""Results that depend only on a data version and a few small arguments, computed once per
process and version and then shared by every rerun and every session (issue 13).

A page's numbers are a pure function of the data version and its filters (industry, period,
language, a page control or two). Each rerun used to derive them again: hundreds of selections
over the observations, the section models and their figures, about 100-370 ms per rerun. The
functions decorated with :func:`per_version` are pure; their result is kept here under a key made
of the function and its arguments:

- the version's shared tables (the :class:`~metrics.load.Dataset` and the observations frame,
  both registered with :func:`register_owner` when the version is loaded) count by identity;
  every key holds at least one of them, so that a result is never carried to another version;
- a result of another decorated call counts by identity too (e.g. the overview passed on to the
  section builder), checked against the entry that holds it;
- a labeller counts as its dataset and language;
- anything else must be hashable (strings, numbers, dates, tuples, frozen dataclasses such as
  :class:`~metrics.query.Figure`); a call with another argument (a page's own frame) is simply
  computed, never kept.

Results are shared read-only, like the version's tables: callers must not modify them (a
DataFrame in a result is copied by whoever changes it; pandas' copy-on-write makes every derived
frame a new one). When a version's tables are released, their entries go with them. The number
of entries is bounded (least recently used out first). No streamlit here.
"""
from __future__ import annotations

import functools
import itertools
import threading
import weakref
from collections import OrderedDict
from dataclasses import fields, is_dataclass
from datetime import date

# Entries kept in the process: a page keeps 5-40 per view (language x industry x period x
# control); 4,000 covers several hundred views at a few MB in all on the bundled data.
MAX_ENTRIES = 4000

# Parts walked to make one key (a list of a few hundred figures is fine; a GeoJSON is not).
MAX_KEY_PARTS = 5000
# A result is keyed by its value only when that takes at most this many parts.
VALUE_TOKEN_PARTS = 24
# A larger mapping (a GeoJSON, say) is not walked for a key: the call is computed.
MAX_DICT_ITEMS = 64

_LOCK = threading.RLock()
# id(owner) -> (weak reference, serial): the version's Dataset and tables. Keys hold the serial,
# never the id, so that a later object given the same id can never meet an old entry.
_OWNERS: dict[int, tuple[weakref.ref, int]] = {}
_SERIALS = itertools.count(1)
_ALIVE: set[int] = set()
# Serials of owners released since the last call: their entries are dropped at the next call
# (a release runs inside the garbage collector, in whatever thread it happens, so it only notes).
_RELEASED: list[int] = []
# key -> result, in least-recently-used order; and id(result) -> (result, key) to recognise a
# result passed on to another decorated call.
_ENTRIES: OrderedDict[tuple, object] = OrderedDict()
_RESULTS: dict[int, tuple[object, tuple]] = {}
_STATS = {"hits": 0, "misses": 0, "uncached": 0}


class _Unkeyable(Exception):
    """An argument that cannot be part of a key: the call is computed, not kept."""


def register_owner(owner: object) -> None:
    """Mark ``owner`` (a version's Dataset or observations frame, never modified) as one that
    may key results; its entries are dropped when it is released."""
    with _LOCK:
        if _is_owner(owner) is not None:
            return
        serial = next(_SERIALS)
        _OWNERS[id(owner)] = (weakref.ref(owner), serial)
        _ALIVE.add(serial)
    weakref.finalize(owner, _release, id(owner), serial)


def _release(owner_id: int, serial: int) -> None:
    # no lock here (see _RELEASED): single dict and set operations are atomic
    _ALIVE.discard(serial)
    held = _OWNERS.get(owner_id)
    if held is not None and held[1] == serial:
        _OWNERS.pop(owner_id, None)
    _RELEASED.append(serial)


def _drop_released() -> None:
    """Drop the entries of released owners (with the lock held)."""
    while _RELEASED:
        serial = _RELEASED.pop()
        for key in [k for k in _ENTRIES if serial in k[1]]:
            _drop(key)


def _parts(result: object) -> list[object]:
    """The result and, for a tuple, its members (``located, citywide = split(...)``), for a
    frozen dataclass its fields (a map's figure): each can key a later call."""
    if isinstance(result, tuple):
        members = list(result)
    elif is_dataclass(result) and getattr(type(result), "__dataclass_params__").frozen:
        members = [getattr(result, f.name) for f in fields(result)]
    else:
        members = []
    return [result, *(m for m in members
                      if not (m is None or isinstance(m, (str, int, float, bool, date))))]


def _has_value_token(value: object) -> bool:
    """Whether ``value`` keys a call by its value: a small frozen dataclass of words and
    numbers, a module's constant. Then it is never keyed by identity, so that its key stays the
    same whether or not it was also returned by a kept call. A larger result (a comparison of
    three figures, a frame) is keyed by identity: a list of a hundred of them stays a short key."""
    try:
        _token(value, set(), [VALUE_TOKEN_PARTS])
    except _Unkeyable:
        return False
    return True


def _drop(key: tuple) -> None:
    if key not in _ENTRIES:
        return
    result = _ENTRIES.pop(key)
    for part in _parts(result):
        held = _RESULTS.get(id(part))
        if held is not None and held[1] == key:
            del _RESULTS[id(part)]


def _is_owner(value: object) -> int | None:
    """The owner's serial, None if ``value`` is not a registered owner."""
    held = _OWNERS.get(id(value))
    return held[1] if held is not None and held[0]() is value else None


def _token(value: object, owners: set[int], budget: list[int]) -> object:
    """``value`` as part of a key; the owners it rests on are added to ``owners``. ``budget``
    bounds the parts walked: a large argument is not worth a key."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _Unkeyable("too large")
    if value is None or isinstance(value, (str, int, float, bool, date)):
        return value
    serial = _is_owner(value)
    if serial is not None:
        owners.add(serial)
        return ("owner", serial)
    held = _RESULTS.get(id(value))
    if held is not None and held[0] is value:
        owners.update(held[1][1])
        return ("result", id(value))
    if isinstance(value, (tuple, list, frozenset)):
        return (type(value).__name__, tuple(_token(v, owners, budget) for v in value))
    if isinstance(value, dict) and len(value) <= MAX_DICT_ITEMS:
        # a small mapping of words (e.g. section names in one language), in its order
        return ("dict", tuple((_token(k, owners, budget), _token(v, owners, budget))
                              for k, v in value.items()))
    if hasattr(value, "ds") and hasattr(value, "lang") and hasattr(value, "charts"):
        # a labeller (components.section_labels.Labeller): its dataset and language
        return ("labeller", _token(value.ds, owners, budget), value.lang)
    if is_dataclass(value) and getattr(type(value), "__dataclass_params__").frozen:
        # the fields that make its value (a field with compare=False, such as a page's notice
        # slot, is not part of it)
        return (type(value).__qualname__,
                tuple(_token(getattr(value, f.name), owners, budget)
                      for f in fields(value) if f.compare))
    try:
        hash(value)
    except TypeError:
        raise _Unkeyable(type(value).__name__) from None
    if type(value).__hash__ is object.__hash__:
        raise _Unkeyable(type(value).__name__)   # identity hash: not a value
    return value


def _key(fn, args: tuple, kwargs: dict) -> tuple | None:
    owners: set[int] = set()
    try:
        budget = [MAX_KEY_PARTS]
        parts = (tuple(_token(a, owners, budget) for a in args),
                 tuple(sorted((k, _token(v, owners, budget)) for k, v in kwargs.items())))
    except _Unkeyable:
        return None
    if not owners:
        return None   # not tied to a version: never kept
    return (f"{fn.__module__}.{fn.__qualname__}", frozenset(owners), parts)


def per_version(fn):
    """Decorator: keep ``fn``'s result per data version and arguments (see the module text).
    ``fn`` must be pure: its result depends on its arguments only."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _LOCK:
            _drop_released()
            key = _key(fn, args, kwargs)
            if key is not None and key in _ENTRIES:
                _ENTRIES.move_to_end(key)
                _STATS["hits"] += 1
                return _ENTRIES[key]
        result = fn(*args, **kwargs)
        with _LOCK:
            if key is None:
                _STATS["uncached"] += 1
                return result
            if not key[1] <= _ALIVE:
                return result   # the version was released meanwhile
            _STATS["misses"] += 1
            if key in _ENTRIES:   # another session made it meanwhile: share one
                return _ENTRIES[key]
            _ENTRIES[key] = result
            for held in _parts(result):
                if id(held) not in _RESULTS and not _has_value_token(held):
                    _RESULTS[id(held)] = (held, key)
            while len(_ENTRIES) > MAX_ENTRIES:
                _drop(next(iter(_ENTRIES)))
        return result

    wrapper.uncached = fn
    return wrapper


def memo_stats() -> dict[str, int]:
    """Hits, misses, uncached calls and entries so far (for the benchmark and tests)."""
    with _LOCK:
        return {**_STATS, "entries": len(_ENTRIES)}


def clear_memo() -> None:
    """Drop every kept result (tests; a new version drops its predecessor's by itself)."""
    with _LOCK:
        _ENTRIES.clear()
        _RESULTS.clear()
