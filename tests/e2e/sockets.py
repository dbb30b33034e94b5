"""Read a socket option of another process's TCP connection (Linux: /proc and pidfd_getfd)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
from pathlib import Path

SYS_PIDFD_GETFD = 438  # the same number on every Linux architecture
ESTABLISHED = "01"


def _socket_inode(local_port: int, peer_port: int) -> str:
    """The inode of the established IPv4 connection 127.0.0.1:local_port ↔ :peer_port."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, peer, state, inode = fields[1], fields[2], fields[3], fields[9]
        if (
            state == ESTABLISHED
            and int(local.split(":")[1], 16) == local_port
            and int(peer.split(":")[1], 16) == peer_port
        ):
            return inode
    raise LookupError(f"no established connection from :{local_port} to :{peer_port}")


def _fd_of_inode(pid: int, inode: str) -> int:
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            if os.readlink(entry) == f"socket:[{inode}]":
                return int(entry.name)
    raise LookupError(f"process {pid} holds no socket with inode {inode}")


def tcp_nodelay(pid: int, local_port: int, peer_port: int) -> bool:
    """Whether process ``pid``'s end of the connection (local_port ↔ peer_port) has
    TCP_NODELAY set; reads the option on a duplicate of that process's descriptor."""
    target_fd = _fd_of_inode(pid, _socket_inode(local_port, peer_port))
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, target_fd, 0)
        if fd < 0:
            error = ctypes.get_errno()
            raise OSError(error, f"pidfd_getfd: {os.strerror(error)}")
    finally:
        os.close(pidfd)
    duplicate = socket.socket(fileno=fd)
    try:
        return bool(duplicate.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    finally:
        duplicate.close()  # closes only the duplicate; the server's connection stays open
