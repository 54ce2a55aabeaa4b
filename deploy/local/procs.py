"""Background processes of a stack: start detached, remember by pid, stop only what is ours.

A pid file alone is not proof: after a reboot or a crash the number may belong to something else,
and two stacks (the developer's and a test's) run the very same command lines. So a process counts
as ours only if it is alive, its command line carries the part's signature, and its environment
carries `WAARDIGWERK_STACK_DIR` of this stack. Linux only (reads /proc).
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MARKER = "WAARDIGWERK_STACK_DIR"


def spawn(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    log: Path,
    pidfile: Path,
    **popen: Any,
) -> int:
    """Start `argv` in its own session (it outlives this command), output appended to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"\n=== {datetime.now(UTC).isoformat(timespec='seconds')} {shlex.join(argv)}\n".encode())
        out.flush()
        proc = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **popen,
        )
    pidfile.write_text(f"{proc.pid}\n")
    return proc.pid


def alive(pid: int) -> bool:
    """Running (a zombie has finished: it only waits to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def owned(pid: int, signature: Sequence[str], state: Path) -> bool:
    """Alive, started with `signature` among its arguments, and by the stack in `state`."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False
    marked = f"{MARKER}={state}".encode() in environ
    return alive(pid) and marked and all(token in args for token in signature)


def read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def running(pidfile: Path, signature: Sequence[str], state: Path) -> int | None:
    """The pid from `pidfile` if that process is still ours; a stale pid file is removed."""
    pid = read_pid(pidfile)
    if pid is not None and owned(pid, signature, state):
        return pid
    pidfile.unlink(missing_ok=True)
    return None


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def terminate(pid: int, timeout: float) -> str:
    """SIGTERM, then SIGKILL if it has not exited within `timeout` seconds; says which it took."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return "already gone"
    if wait_gone(pid, timeout):
        return "stopped"
    return kill(pid) + f" (no exit {timeout:g} s after SIGTERM)"


def kill(pid: int) -> str:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return "already gone"
    wait_gone(pid, 10)
    return "killed"


def port_taken(port: int) -> bool:
    """Something listens on 127.0.0.1:`port` (connections lingering after a restart do not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def tail(log: Path, lines: int = 20) -> str:
    try:
        text = log.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return "  (no log written)"
    return "\n".join(f"  | {line}" for line in text)
