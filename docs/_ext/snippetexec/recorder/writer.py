"""JSON for the events file, written by hand: importing ``json`` would cost every process ~2 ms.

``enc(value)`` gives the JSON text of the values events carry: str, int, float, None, bool,
dict, list or tuple of those; an int subclass by its ``name`` (``Signals.SIGUSR1`` ->
``"SIGUSR1"``) or its value; bytes as the ``repr`` of their first 48; a path as its text;
anything else as its ``repr``.
"""

import os

_ESCAPES = {i: f"\\u{i:04x}" for i in range(32)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\"})


def quote(s):
    """``s`` as a JSON string."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    return '"' + s.translate(_ESCAPES) + '"'


def enc(v):
    """``v`` as JSON text."""
    t = type(v)
    if t is str:
        return quote(v)
    if t is int or t is float:
        return repr(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if t is dict:
        return "{" + ",".join(quote(str(k)) + ":" + enc(x) for k, x in v.items()) + "}"
    if t is list or t is tuple:
        return "[" + ",".join([enc(x) for x in v]) + "]"
    if isinstance(v, int):  # IntEnum, bool subclasses...
        return getattr(v, "name", None) and quote(v.name) or repr(int(v))
    if isinstance(v, (bytes, bytearray, memoryview)):
        return quote(repr(bytes(v[:48])))
    if isinstance(v, os.PathLike):
        return quote(os.fsdecode(v))
    return quote(repr(v))
