"""Session set-up shared by every test, including nbval's notebook runs."""

from __future__ import annotations

from helpers import kernel_env

# Before any kernel starts: the same reproducible environment and warm font
# cache that `nato-iraq build` uses, so a rerun compares equal to the stored run.
kernel_env.prepare()
