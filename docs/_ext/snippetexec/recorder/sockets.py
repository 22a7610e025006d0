"""Sockets, patched when ``socket`` is first imported: socket.socket (made), socketpair, bind,
connect, connect_ex, listen, shutdown, close, accept, send, sendall, sendto, sendmsg, recv,
recv_into, recvfrom, recvfrom_into, recvmsg (with the descriptors passed by SCM_RIGHTS) and
getsockopt (SO_PEERCRED only).

The methods of ``socket.socket`` are wrapped on the class (its own or those of
``_socket.socket``, its base), so a bound method taken before the limit keeps recording.
"""

import sys

from . import core
from .core import emit, past_limit, state
from .descriptors import classify, kinds, obj_of
from .names import errname, errno_name

consts = {"SOL_SOCKET": None, "SCM_RIGHTS": None, "SO_PEERCRED": None}


def family_name(v):
    return getattr(v, "name", v)


def address(a):
    return repr(a) if isinstance(a, bytes) else a


def ints(data):
    """Native 4-byte ints, as SCM_RIGHTS and SO_PEERCRED carry them."""
    return [int.from_bytes(data[i:i + 4], sys.byteorder, signed=True)
            for i in range(0, len(data) - len(data) % 4, 4)]


def rights(ancdata):
    """The descriptors an ancillary data list carries (SCM_RIGHTS)."""
    fds = []
    for item in ancdata or ():
        level, kind, data = item
        if level == consts["SOL_SOCKET"] and kind == consts["SCM_RIGHTS"]:
            fds += ints(bytes(data))
    return fds


def w_init(f):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        f(self, family, type, proto, fileno)
        fd = self.fileno()
        kind = kinds[fd] = classify(fd)
        if fileno is None:
            emit("socket.socket", {"family": family_name(self.family),
                                   "type": family_name(self.type)}, fd, obj=kind)
    return __init__


def w_socketpair(f):
    def socketpair(*a, **k):
        try:
            s1, s2 = f(*a, **k)
        except BaseException as e:
            emit("socket.socketpair", {}, error=errname(e))
            raise
        emit("socket.socketpair", {"family": family_name(s1.family),
                                   "type": family_name(s1.type)},
             [s1.fileno(), s2.fileno()], obj=obj_of(s1.fileno()))
        return s1, s2
    return socketpair


def w_method(call, names, f):
    """bind, connect, listen, shutdown: args named ``names`` (and the fd), result as returned."""
    def method(self, *a, **k):
        fd = self.fileno()
        args = dict(zip(names, a, strict=False), fd=fd, **k)
        if "address" in args:
            args["address"] = address(args["address"])
        try:
            r = f(self, *a, **k)
        except BaseException as e:
            emit(call, args, error=errname(e), obj=obj_of(fd))
            raise
        emit(call, args, r, obj=obj_of(fd))
        return r
    return method


def w_connect_ex(f):
    def connect_ex(self, address_):
        fd = self.fileno()
        r = f(self, address_)
        emit("socket.connect_ex", {"fd": fd, "address": address(address_)},
             errno_name(r) if r else 0, obj=obj_of(fd))
        return r
    return connect_ex


def w_close(f):
    def close(self):
        fd = self.fileno()
        kind = obj_of(fd) if fd >= 0 else None
        kinds.pop(fd, None)
        f(self)
        if fd >= 0:
            emit("socket.close", {"fd": fd}, obj=kind)
    return close


def w_accept(f):
    def accept(self):
        fd = self.fileno()
        try:
            conn, addr = f(self)
        except BaseException as e:
            emit("socket.accept", {"fd": fd}, error=errname(e), obj=obj_of(fd))
            raise
        emit("socket.accept", {"fd": fd}, {"fd": conn.fileno(), "address": address(addr)},
             obj=obj_of(conn.fileno()))
        return conn, addr
    return accept


def w_send(call, f):
    """send, sendall, sendto: announced first while SIGPIPE is at SIG_DFL."""
    def send(self, data, *a):
        fd = self.fileno()
        kind = obj_of(fd)
        if past_limit(call):
            return f(self, data, *a)
        if state["sigpipe_dfl"]:
            emit("calling", {"call": call, "fd": fd}, obj=kind, data=data)
        try:
            r = f(self, data, *a)
        except BaseException as e:
            emit(call, {"fd": fd}, error=errname(e), obj=kind, data=data)
            raise
        n = len(data) if r is None else r
        emit(call, {"fd": fd}, n, obj=kind, data=repr(bytes(data[:min(n, 48)])))
        return r
    return send


def w_recv(call, f):
    """recv, recvfrom."""
    def recv(self, n, *a):
        fd = self.fileno()
        kind = obj_of(fd)
        if past_limit(call):
            return f(self, n, *a)
        try:
            r = f(self, n, *a)
        except BaseException as e:
            emit(call, {"fd": fd, "n": n}, error=errname(e), obj=kind)
            raise
        data = r[0] if type(r) is tuple else r
        emit(call, {"fd": fd, "n": n}, len(data), obj=kind, data=repr(data[:48]))
        return r
    return recv


def w_recv_into(call, f):
    """recv_into, recvfrom_into."""
    def recv_into(self, buffer, nbytes=0, *a):
        fd = self.fileno()
        kind = obj_of(fd)
        try:
            r = f(self, buffer, nbytes, *a)
        except BaseException as e:
            emit(call, {"fd": fd, "n": nbytes}, error=errname(e), obj=kind)
            raise
        n = r[0] if type(r) is tuple else r
        emit(call, {"fd": fd, "n": nbytes}, n, obj=kind,
             data=repr(bytes(memoryview(buffer).cast("B")[:min(n, 48)])))
        return r
    return recv_into


def w_sendmsg(f):
    def sendmsg(self, buffers, *a):
        fd = self.fileno()
        kind = obj_of(fd)
        buffers = list(buffers)
        passed = rights(a[0] if a else ())
        try:
            n = f(self, buffers, *a)
        except BaseException as e:
            emit("socket.sendmsg", {"fd": fd}, error=errname(e), obj=kind, fds=passed)
            raise
        data = b"".join(bytes(b) for b in buffers)
        emit("socket.sendmsg", {"fd": fd}, n, obj=kind, data=repr(data[:min(n, 48)]),
             fds=passed)
        return n
    return sendmsg


def w_recvmsg(f):
    def recvmsg(self, bufsize, *a):
        fd = self.fileno()
        kind = obj_of(fd)
        try:
            r = f(self, bufsize, *a)
        except BaseException as e:
            emit("socket.recvmsg", {"fd": fd, "n": bufsize}, error=errname(e), obj=kind)
            raise
        got = rights(r[1])
        for new in got:
            kinds.pop(new, None)
        emit("socket.recvmsg", {"fd": fd, "n": bufsize}, len(r[0]), obj=kind,
             data=repr(r[0][:48]), fds=got)
        return r
    return recvmsg


def w_getsockopt(f):
    def getsockopt(self, level, option, *a):
        r = f(self, level, option, *a)
        if (option == consts["SO_PEERCRED"] and level == consts["SOL_SOCKET"] and a
                and isinstance(r, bytes)):
            pid, uid, gid = (int.from_bytes(r[i:i + 4], sys.byteorder, signed=True)
                             for i in (0, 4, 8))
            emit("socket.getsockopt", {"fd": self.fileno(), "option": "SO_PEERCRED"},
                 {"pid": pid, "uid": uid, "gid": gid}, obj=obj_of(self.fileno()))
        return r
    return getsockopt


def patch_socket(m):
    """Wrap the socket module ``m``: its socket class and socketpair."""
    consts.update({name: getattr(m, name, None) for name in consts})
    cls = m.socket
    base = cls.__mro__[1]  # _socket.socket

    def put(name, make, original):
        core.put(cls, name, make(original), original, "socket." + name)

    put("__init__", w_init, cls.__init__)
    put("close", w_close, cls.close)
    put("accept", w_accept, cls.accept)
    for name, names in (("bind", ("address",)), ("connect", ("address",)),
                        ("listen", ("backlog",)), ("shutdown", ("how",))):
        put(name, lambda f, c="socket." + name, n=names: w_method(c, n, f), getattr(base, name))
    put("connect_ex", w_connect_ex, base.connect_ex)
    for name in ("send", "sendall", "sendto"):
        put(name, lambda f, c="socket." + name: w_send(c, f), getattr(base, name))
    for name in ("recv", "recvfrom"):
        put(name, lambda f, c="socket." + name: w_recv(c, f), getattr(base, name))
    for name in ("recv_into", "recvfrom_into"):
        put(name, lambda f, c="socket." + name: w_recv_into(c, f), getattr(base, name))
    if hasattr(base, "sendmsg"):
        put("sendmsg", w_sendmsg, base.sendmsg)
        put("recvmsg", w_recvmsg, base.recvmsg)
    put("getsockopt", w_getsockopt, base.getsockopt)
    core.patch(m, "socketpair", w_socketpair)
