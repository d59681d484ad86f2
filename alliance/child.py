"""What every child process that reads export files shares: its protocol, its limits and how it is stopped.

The upload sandbox (alliance/sandbox.py) and the screening of files before a build
(alliance/screening.py) each run `python -m <module>` as a child that limits its own memory and CPU
time before it touches a file, and speaks one JSON object per line on its standard output, behind
PROTOCOL. Its messages carry no value from a file (comments never reach a log). This module imports
nothing heavy, so a child starts quickly.
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

PROTOCOL = "@@alliance-sandbox "  # prefix of a child's protocol lines on its standard output
ROOT = Path(__file__).resolve().parent.parent


def limited_env() -> dict:
    # glibc's per-thread arenas and Arrow's allocator reserve address space they never use;
    # without these a limit on address space would refuse even an empty file.
    return {"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system"}


def child_env(extra: dict | None = None) -> dict:
    """The environment of a child: this one, `extra`, and the project on its import path."""
    return {**os.environ, **(extra or {}),
            "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}


def protocol(line: bytes) -> dict | None:
    text = line.decode("utf-8", errors="replace")
    if not text.startswith(PROTOCOL):
        return None
    try:
        return json.loads(text[len(PROTOCOL):])
    except ValueError:
        return None


def send(message: dict) -> None:
    sys.stdout.write(PROTOCOL + json.dumps(message, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    for stream in (process.stdin, process.stdout):
        try:
            if stream and not stream.closed:
                stream.close()
        except OSError:
            pass


def apply_limits(memory_bytes: int | None, cpu_seconds: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash never writes health data to a core file
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def exchange(process: subprocess.Popen, request: dict, on_message: Callable[[dict], float | None],
             deadline: float) -> bool:
    """Send the request to a started child and hand each protocol message to `on_message`, until the
    child closes its output (True) or the monotonic `deadline` passes (False; the child is then
    still running). `on_message` may return a new deadline."""
    process.stdin.write(json.dumps(request).encode() + b"\n")
    process.stdin.close()
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        buffer = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if not selector.select(timeout=min(left, 0.5)):
                continue
            chunk = os.read(process.stdout.fileno(), 1 << 16)
            if not chunk:
                return True
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                message = protocol(line)
                if message is not None:
                    deadline = on_message(message) or deadline


def death_cause(code: int, memory_limited: bool) -> str:
    """Why a child ended without its answer, from its exit status: 'time' (its CPU limit), 'memory' (a
    C++ allocation that fails under the address-space limit ends in an abort; the kernel's
    out-of-memory killer sends SIGKILL), else 'crash' (a segmentation fault or any other death:
    the reader touched memory it should not have, whatever led it there)."""
    if code == -signal.SIGXCPU:
        return "time"
    if memory_limited and code in (-signal.SIGABRT, -signal.SIGKILL):
        return "memory"
    return "crash"


def is_memory_error(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    text = f"{type(exc).__name__} {exc}".lower()
    return any(word in text for word in ("outofmemory", "out of memory", "bad_alloc", "could not allocate",
                                         "failed to allocate", "cannot allocate"))
