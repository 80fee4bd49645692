"""Text an XML 1.0 document can hold (JUnit reports, Excel sheets)."""

from __future__ import annotations

import re

# Control characters XML 1.0 forbids; a PDF's text layer can carry them.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str, replacement: str = "\ufffd") -> str:
    """`text` with every character XML 1.0 forbids replaced (by « � » unless told otherwise)."""
    return _NOT_IN_XML.sub(replacement, text)
