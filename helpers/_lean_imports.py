"""Keep a slow, unused optional import out of every process that loads nbformat.

jsonschema (used by nbformat and Frictionless) imports ``rfc3987_syntax``
when it is installed, only to check the "iri" string formats, which no schema
used here asks for. That package builds a parser grammar on import: about
2.5 s in every process, the ``nato-iraq`` command and each test worker alike.
Marking it absent makes jsonschema skip it, as it does when it is not
installed. Imported first by :mod:`helpers` and, through ``-p`` in the pytest
options, before pytest's plugins load nbformat.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
