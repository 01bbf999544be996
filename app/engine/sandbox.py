"""A worker process for trying untrusted expressions: OS limits on memory and CPU, killed when late.

The in-process limits (`script_limits`, `sandbox_builtins`) bound every operation we know of, but
they are a list, and a list can miss one. Validation and deployment evaluate whatever a caller
uploads, so there they run in a separate process as well, where a missed case costs that process
only:

* the worker is started once (`python -m app.engine.sandbox`) and kept; it answers one job at a
  time over a pipe (length-prefixed JSON);
* after its imports it limits its own address space (RLIMIT_AS: what it uses then plus
  `memory_mb`) and, before each job, its CPU time (RLIMIT_CPU: used so far plus `cpu_seconds`,
  after which the kernel kills it);
* the caller waits for the answer in `select()`, which does not hold the interpreter lock, so other
  requests and the scheduler run meanwhile; after `wall_seconds` it kills the worker. A killed or
  crashed worker is started again for the next job.

Jobs are named functions in JOBS, taking and returning JSON values; nothing else can be run.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import resource
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.errors import ScriptFailure
from app.engine.sample_trials import sample_evaluate, timer_trial

log = logging.getLogger(__name__)

MEMORY_MB = 200
CPU_SECONDS = 3
WALL_SECONDS = 3.0
START_SECONDS = 60.0
_HEADER = struct.Struct(">I")


def _timer_trial(kind: str, expression: str) -> str | None:
    return timer_trial(kind, expression)


def _evaluate(expression: str) -> str:
    """Evaluate an expression with sample data and describe its value (used by the tests)."""
    return repr(sample_evaluate(expression))[:200]


JOBS: dict[str, Callable[..., Any]] = {"timer_trial": _timer_trial, "evaluate": _evaluate}


class SandboxUnavailable(Exception):
    """The worker could not be started (the caller may evaluate in-process instead)."""


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes | None:
    chunks = b""
    while len(chunks) < size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return None
        chunk = os.read(fd, size - len(chunks))
        if not chunk:
            raise EOFError
        chunks += chunk
    return chunks


class Sandbox:
    """One worker process and the lock that gives it to one caller at a time."""

    def __init__(self, memory_mb: int = MEMORY_MB, cpu_seconds: int = CPU_SECONDS,
                 wall_seconds: float = WALL_SECONDS) -> None:
        self.memory_mb = memory_mb
        self.cpu_seconds = cpu_seconds
        self.wall_seconds = wall_seconds
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self.started = 0  # how many workers were started (a killed one is replaced)

    # ------------------------------------------------------------------------------ the caller side
    def _spawn(self) -> subprocess.Popen[bytes]:
        root = str(Path(__file__).resolve().parents[2])
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": root, "LANG": "C.UTF-8",
               "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
                [sys.executable, "-m", "app.engine.sandbox", str(self.memory_mb), str(self.cpu_seconds)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=root)
        except OSError as exc:
            raise SandboxUnavailable(str(exc)) from exc
        assert process.stdout is not None
        try:
            ready = _read_exact(process.stdout.fileno(), 1, time.monotonic() + START_SECONDS)
        except EOFError:
            ready = None
        if ready != b"R":
            self._kill(process)
            raise SandboxUnavailable("the expression worker did not start")
        self.started += 1
        return process

    @staticmethod
    def _kill(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()

    def call(self, job: str, *args: Any) -> Any:
        """Run JOBS[job](*args) in the worker; ScriptFailure if it is killed, too slow or out of memory."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._spawn()
            process = self._process
            assert process.stdin is not None and process.stdout is not None
            body = json.dumps([job, list(args)]).encode()
            try:
                process.stdin.write(_HEADER.pack(len(body)) + body)
                process.stdin.flush()
                deadline = time.monotonic() + self.wall_seconds
                header = _read_exact(process.stdout.fileno(), _HEADER.size, deadline)
                answer = None if header is None else _read_exact(
                    process.stdout.fileno(), _HEADER.unpack(header)[0], deadline)
            except (EOFError, BrokenPipeError):
                self._process = None
                self._kill(process)
                raise ScriptFailure("the expression was stopped: it needed more memory or processor time than "
                                    "a diagram expression may use") from None
            if answer is None:
                self._process = None
                self._kill(process)
                raise ScriptFailure(f"the expression was stopped after {self.wall_seconds:g} seconds")
        status, value = json.loads(answer)
        if status == "failure":
            raise ScriptFailure(value)
        return value

    def close(self) -> None:
        with self._lock:
            if self._process is not None:
                self._kill(self._process)
                self._process = None


_SHARED: Sandbox | None = None
_SHARED_LOCK = threading.Lock()


def shared_sandbox() -> Sandbox:
    """The process's worker, started on first use and stopped at exit."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Sandbox()
            atexit.register(_SHARED.close)
        return _SHARED


# ------------------------------------------------------------------------------------ the worker side
def _limit_memory(extra_mb: int) -> None:
    with open("/proc/self/status", encoding="ascii") as status:
        size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    limit = (size_kb + extra_mb * 1024) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _limit_cpu(seconds: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    resource.setrlimit(resource.RLIMIT_CPU, (used + seconds, hard))


def _serve(memory_mb: int, cpu_seconds: int) -> None:
    for name in ("app.engine.sample_trials", "app.engine.safe_expressions"):
        __import__(name)  # everything a job needs, before the memory limit
    _limit_memory(memory_mb)
    stdin, stdout = sys.stdin.buffer.fileno(), sys.stdout.buffer.fileno()
    os.write(stdout, b"R")
    while True:
        try:
            header = _read_exact(stdin, _HEADER.size, None)
            assert header is not None
            request = _read_exact(stdin, _HEADER.unpack(header)[0], None)
        except EOFError:
            return  # the caller has gone
        assert request is not None
        job, args = json.loads(request)
        _limit_cpu(cpu_seconds)
        try:
            answer: list[Any] = ["ok", JOBS[job](*args)]
        except ScriptFailure as exc:
            answer = ["failure", str(exc)]
        except MemoryError:
            answer = ["failure", f"the expression needs more than {memory_mb} MB of memory"]
        except Exception as exc:  # noqa: BLE001 - the job's own error is its answer
            answer = ["failure", f"{type(exc).__name__}: {exc}"]
        body = json.dumps(answer).encode()
        message = _HEADER.pack(len(body)) + body
        while message:
            message = message[os.write(stdout, message):]


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
