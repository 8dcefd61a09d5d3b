"""Atomic writes: a file or a directory appears whole or not at all, and is never missing.

Every write of a corpus, data set or checkpoint goes through here:

- :func:`write_bytes` / :func:`write_text` write a temporary file beside the target and rename
  it over the target (``rename`` replaces a file atomically);
- :func:`staged_dir` yields a staging directory and, once it is complete, puts it in place of
  the target. Replacing a *directory* cannot be one ``rename``; on Linux it is one
  ``renameat2(RENAME_EXCHANGE)``, which swaps the two names atomically, so at every instant the
  target is either the old complete directory or the new one. Where the kernel or the file
  system cannot exchange, the old directory is first renamed aside (``.<name>.old.<pid>``);
  :func:`recover` puts it back if a crash left it there without a target;
- :func:`remove_dir` renames a directory aside (``.<name>.trash.<pid>``) before deleting it, so a
  half-deleted directory never sits under its real name;
- :func:`recover` (run when a command starts on a directory) removes what crashed processes
  left behind: staging and trash directories and temporary files whose process is gone.

Leftovers carry the writer's process id, so a live writer's work is never touched. For tests,
``TANGSHI_KILL_AT_RENAME=N`` (``N:after``) kills the process with SIGKILL just before (after)
its N-th rename here: a crash at every instant of a run can then be replayed.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import signal
import tempfile
from pathlib import Path
from typing import Iterator

_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>staging|old|trash|tmp)\.(?P<pid>\d+)(\..*)?$")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ----- the one place that renames, with the fault-injection hook ------------------------------

def _fault_plan() -> tuple[int, bool] | None:
    spec = os.environ.get("TANGSHI_KILL_AT_RENAME", "")
    if not spec:
        return None
    at, _, when = spec.partition(":")
    return int(at), when == "after"


_renames = 0


def _rename(src: Path, dst: Path, exchange: bool = False) -> bool:
    """``rename(src, dst)``, or the atomic swap of two existing names; False if a swap is unsupported."""
    global _renames
    plan = _fault_plan()
    _renames += 1
    if plan is not None and plan[0] == _renames and not plan[1]:
        os.kill(os.getpid(), signal.SIGKILL)
    if exchange:
        if not _exchange(src, dst):
            _renames -= 1  # nothing was renamed
            return False
    else:
        os.replace(src, dst)
    if plan is not None and plan[0] == _renames and plan[1]:
        os.kill(os.getpid(), signal.SIGKILL)
    return True


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names ``a`` and ``b`` atomically (Linux ``renameat2``); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False  # this kernel or file system cannot exchange: the caller falls back
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (where directories can be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ----- files ---------------------------------------------------------------------------------

def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp.{os.getpid()}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        _rename(Path(tmp), path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def write_text(path: Path, text: str) -> None:
    """Atomic UTF-8 text write."""
    write_bytes(path, text.encode("utf-8"))


# ----- directories -----------------------------------------------------------------------------

@contextlib.contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """Yield a fresh staging directory that takes the place of ``target`` on success.

    On an exception the staging directory is removed and ``target`` is untouched. See the
    module docstring for how the replacement keeps a complete ``target`` at every instant.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging.{os.getpid()}.", dir=target.parent))
    os.chmod(stage, 0o777 & ~_umask())
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _put_in_place(stage, target)


def _put_in_place(stage: Path, target: Path) -> None:
    if not target.exists():
        _rename(stage, target)
    elif _rename(stage, target, exchange=True):
        shutil.rmtree(stage, ignore_errors=True)  # the old directory, now under the staging name
    else:
        old = target.with_name(f".{target.name}.old.{os.getpid()}")
        _rename(target, old)
        _rename(stage, target)  # a crash between these two renames is undone by recover()
        shutil.rmtree(old, ignore_errors=True)
    _fsync_dir(target.parent)


def remove_dir(path: Path) -> None:
    """Delete a directory so that no half of it is ever left under its name."""
    path = Path(path)
    trash = path.with_name(f".{path.name}.trash.{os.getpid()}")
    _rename(path, trash)
    shutil.rmtree(trash, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def recover(directory: Path, only: str = "") -> list[str]:
    """Clean up after crashed writers in ``directory``; the names of what was removed or restored.

    A ``.<name>.old.<pid>`` without its ``<name>`` is the last complete version of ``<name>``,
    left by a crash in the middle of a fallback replacement: it is renamed back. Everything
    else left by a dead process (staging, trash, temporary files, and an ``old`` whose
    ``<name>`` exists) is deleted. ``only``: consider only names starting with it.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return []
    done = []
    for entry in sorted(directory.iterdir()):
        m = _LEFTOVER.match(entry.name)
        if m is None or not entry.name.startswith(only) or _alive(int(m["pid"])):
            continue
        original = directory / m["name"]
        if m["kind"] == "old" and not original.exists():
            os.replace(entry, original)
            done.append(f"restored {original.name}")
        elif entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            done.append(f"removed {entry.name}")
        else:
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
            done.append(f"removed {entry.name}")
    if done:
        _fsync_dir(directory)
    return done


def temp_dir(prefix: str) -> tempfile.TemporaryDirectory:
    """A temporary directory named ``.tangshi-<prefix>.tmp.<pid>.*`` in the system's temporary folder.

    It is removed on exit or error; a run that is killed leaves it behind, and the next
    ``recover(tempfile.gettempdir())`` (see :func:`recover_temp`) removes it.
    """
    return tempfile.TemporaryDirectory(prefix=f".tangshi-{prefix}.tmp.{os.getpid()}.")


def recover_temp() -> list[str]:
    """:func:`recover` on the system's temporary folder (leftovers of :func:`temp_dir`)."""
    return recover(Path(tempfile.gettempdir()), only=".tangshi-")
