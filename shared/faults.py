"""Named crash points for fault-injection tests (relay killed between commit and publish...).

A point fires only when its name is listed in AFTERCARE_FAULTS of the process; it then kills
the process at once, as SIGKILL would, so nothing after it (a confirm, a commit) happens.
"""

from __future__ import annotations

import os


def crash_point(name: str) -> None:
    """Die here if this process was started with ``AFTERCARE_FAULTS`` naming this point."""
    armed = os.environ.get("AFTERCARE_FAULTS", "")
    if armed and name in {n.strip() for n in armed.split(",")}:
        os._exit(137)
