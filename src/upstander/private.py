"""Everything Upstander keeps is private to the account that runs it: 0600 files, 0700 directories.

The home holds password hashes and second-factor secrets (web.sqlite3), intelligence and case notes
(alerts.duckdb), the force's data (the lake) and the access log. Two mechanisms share the work: a process umask
of 077, set where Upstander starts (the `upstander` command, the web application's settings), so that every
file and directory made afterwards by Python, DuckDB or SQLite is private; and `tighten`, run at the same
places, which takes group and other permissions off whatever an older version left readable.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077


def make_private(home: Path) -> int:
    """Set the process umask to 077 and tighten `home` if it exists; the number of entries tightened."""
    os.umask(PRIVATE_UMASK)
    return tighten(home) if home.is_dir() else 0


def tighten(root: Path) -> int:
    """Remove group and other permissions from `root` and everything under it. Symbolic links are neither
    changed nor followed (a test home may link a shared lake; the target is not ours to change here)."""
    changed = _tighten_one(root)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            changed += _tighten_one(Path(dirpath) / name)
    return changed


def _tighten_one(path: Path) -> int:
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode) or not stat.S_IMODE(st.st_mode) & 0o077 or st.st_uid != os.getuid():
            return 0
        os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077)
        return 1
    except (FileNotFoundError, PermissionError):  # gone meanwhile (a load's temporary file), or not ours
        return 0
