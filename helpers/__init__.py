"""Shared helpers for the NATO and Iraq notebook collection.

Modules have one job each; import the one you need (``helpers.paths``,
``helpers.publish.build``, ...). Nothing heavy is imported here, so that
``import helpers`` stays cheap inside every notebook kernel.
"""

from helpers import _lean_imports  # noqa: F401  (before anything imports nbformat)
