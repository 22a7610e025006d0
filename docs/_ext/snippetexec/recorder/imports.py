"""Modules patched when they are first imported (so the start-up does not import them): signal,
socket, mmap, fcntl and _posixsubprocess. A finder first on ``sys.meta_path`` wraps the loader of
each; its patcher runs right after the module's own code. A patcher that fails never breaks
the import: an ``observe.error`` event says which module is not recorded, and why.
"""

import sys

from .core import emit


def _signal(m):
    from .signals import patch_signal
    patch_signal(m)


def _socket(m):
    from .sockets import patch_socket
    patch_socket(m)


def _mmap(m):
    from .mappings import patch_mmap
    patch_mmap(m)


def _fcntl(m):
    from .descriptors import patch_fcntl
    patch_fcntl(m)


def _posixsubprocess(m):
    from .processes import patch_posixsubprocess
    patch_posixsubprocess(m)


PATCHERS = {"signal": _signal, "socket": _socket, "mmap": _mmap, "fcntl": _fcntl,
            "_posixsubprocess": _posixsubprocess}


class Loader:
    """The module's own loader, then its patcher."""

    def __init__(self, loader, patcher):
        self.loader, self.patcher = loader, patcher

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        try:
            self.patcher(module)
        except Exception as e:  # never break an import; say why the events are missing
            emit("observe.error", {"module": module.__name__}, error=repr(e))

    def __getattr__(self, name):
        return getattr(self.loader, name)


class Finder:
    """Finds nothing itself: gives the module the next finder finds a patching loader."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in PATCHERS:
            return None
        patcher = PATCHERS.pop(name)
        for finder in sys.meta_path:
            if finder is cls or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = Loader(spec.loader, patcher)
                return spec
        return None


def install():
    """Patch those already imported; the others when they are."""
    for name in list(PATCHERS):
        if name in sys.modules:
            PATCHERS.pop(name)(sys.modules[name])
    sys.meta_path.insert(0, Finder)
