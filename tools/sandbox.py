"""Run a command in a bubblewrap sandbox, under limits the grader enforces from outside.

The sandbox (``bwrap``, Debian package ``bubblewrap``) sees, read-only, only what a course
notebook needs to run: the system's ``/usr``, the Python installation and virtual
environment, the ``helpers`` package and the folders of data. It writes only to its own
home (a size-capped tmpfs, gone when it ends), its ``/tmp`` and an ``out`` folder the
grader reads afterwards. It has its own PID, network (loopback only), IPC, UTS and user
namespaces, no capabilities, and dies with the grader. The repository (solutions, hidden
tests), the other submissions, the output folder and the teacher's home are not there.

Memory, processes and threads, the size of ``out`` and the wall time are watched from
outside (every 0.1 s), and the whole sandbox is killed at once when one runs over: the
kernel ends every process of a PID namespace whose first process dies.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSIDE_HOME = Path("/home/student")
INSIDE_IN = Path("/grading/in")
INSIDE_OUT = Path("/grading/out")
PAGE = os.sysconf("SC_PAGE_SIZE")
# Small files of /etc that programs read at start (libraries, users, time zone).
ETC = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "passwd",
       "group", "nsswitch.conf", "hosts", "fonts", "mime.types", "ssl"]
FIX = ("install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf "
       "install bubblewrap) on a Linux machine that allows user namespaces (on Ubuntu 24.04 "
       "the bwrap AppArmor profile does; elsewhere: sudo sysctl -w "
       "kernel.unprivileged_userns_clone=1); or grade without a sandbox with UNSAFE=1, "
       "which every row of grades.csv then records")


@dataclass
class Limits:
    """What one sandbox may use before it is killed."""

    memory_mb: int = 6000
    tasks: int = 512  # processes and threads together
    out_mb: int = 512
    home_mb: int = 1024
    seconds: float = 1800.0


@dataclass
class Outcome:
    returncode: int | None
    killed: str | None  # why the watchdog killed it, if it did
    seconds: float


def _readable_roots() -> list[Path]:
    """The Python installation and virtual environment the sandbox runs on."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        roots.add(Path(sysconfig.get_paths()[key]))
    real = Path(os.path.realpath(sys.executable)).parent.parent
    roots.add(real)
    return sorted(p for p in roots if p.exists())


def command(argv: list[str], *, inbox: Path, outbox: Path, readable: list[Path],
            limits: Limits, env: dict[str, str], network: bool = False) -> list[str]:
    """The bwrap command line that runs ``argv`` in a fresh sandbox with environment ``env``.

    ``inbox`` is seen read-only at /grading/in, ``outbox`` writable at /grading/out, the
    ``readable`` folders read-only where they are.
    """
    cmd = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
           "--hostname", "sandbox", "--uid", "1000", "--gid", "1000", "--clearenv",
           "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev",
           "--tmpfs", "/dev/shm", "--size", str(256 * 2**20), "--tmpfs", "/tmp"]
    if network:
        cmd.insert(2, "--share-net")
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            cmd += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            cmd += ["--ro-bind", str(path), str(path)]
    for name in ETC:
        cmd += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for path in [*_readable_roots(), *readable]:
        if path.exists() and not str(path).startswith("/usr/"):
            cmd += ["--ro-bind", str(path), str(path)]
    cmd += ["--size", str(limits.home_mb * 2**20), "--tmpfs", str(INSIDE_HOME)]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    cmd += ["--ro-bind", str(inbox), str(INSIDE_IN), "--bind", str(outbox), str(INSIDE_OUT),
            "--chdir", str(INSIDE_HOME), "--"]
    return cmd + argv


def available() -> str | None:
    """None when a sandbox can be had here, else what is wrong and how to fix it."""
    if not sys.platform.startswith("linux"):
        return f"the grading sandbox needs Linux (this is {sys.platform}): {FIX}"
    if shutil.which("bwrap") is None:
        return f"bwrap (bubblewrap) is not installed: {FIX}"
    probe = ["bwrap", "--unshare-all", "--die-with-parent", "--uid", "1000", "--gid", "1000",
             "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
             "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
             "--proc", "/proc", "--", "/bin/sh", "-c", "test $$ -lt 10"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap does not run ({exc}): {FIX}"
    if done.returncode != 0:
        return (f"bwrap cannot make a sandbox here ({done.stderr.strip()[:200] or 'exit code '}"
                f"{'' if done.stderr.strip() else done.returncode}): {FIX}")
    return None


def _processes() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, threads, resident bytes), for every process of the machine."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read().decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        found[int(entry.name)] = (int(fields[1]), int(fields[17]), int(fields[21]) * PAGE)
    return found


def usage(root: int, seen: set[int] | None = None) -> tuple[int, int]:
    """(threads, resident bytes) of ``root`` and all its descendants (added to ``seen``)."""
    table = _processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    tasks = memory = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            if seen is not None:
                seen.add(pid)
            tasks += table[pid][1]
            memory += table[pid][2]
        stack.extend(children.get(pid, []))
    return tasks, memory


def _folder_bytes(folder: Path, cap: int) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
            if total > cap:
                return total
    return total


def run(cmd: list[str], *, env: dict, limits: Limits, outbox: Path, log: Path,
        cwd: Path | None = None, sandboxed: bool = True) -> Outcome:
    """Run ``cmd`` (a sandbox), kill it when it runs over a limit; never raises on its fault.

    A sandbox's processes all die with it (its PID namespace); without one (``--unsafe``)
    every process ever seen below ``cmd`` is killed when it ends.
    """
    started = time.monotonic()
    with open(log, "wb") as handle:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=handle, stderr=handle,
                                env=env, start_new_session=True, cwd=cwd)
    killed: list[str] = []
    seen: set[int] = set()
    stop = threading.Event()

    def kill(reason: str) -> None:
        if not killed:
            killed.append(reason)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in () if sandboxed else seen:  # a kernel in a session of its own
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    def watch() -> None:
        tick = 0
        while not stop.wait(0.1):
            tick += 1
            tasks, memory = usage(proc.pid, seen)
            if memory > limits.memory_mb * 2**20:
                kill(f"it used more than {limits.memory_mb} MB of memory")
            elif tasks > limits.tasks:
                kill(f"it started more than {limits.tasks} processes or threads")
            elif time.monotonic() - started > limits.seconds:
                kill(f"the notebook ran over {limits.seconds:g} s in total")
            elif tick % 10 == 0 and _folder_bytes(outbox, limits.out_mb * 2**20) > \
                    limits.out_mb * 2**20:
                kill(f"it wrote more than {limits.out_mb} MB")

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        code = proc.wait()
    finally:
        stop.set()
        watcher.join()
        kill("")  # whatever is left of the sandbox goes with it
        proc.wait()
    return Outcome(code, killed[0] if killed and killed[0] else None,
                   round(time.monotonic() - started, 1))
