"""CSV report: one row per finding (every status), for spreadsheets and data tools.

Columns have stable English names, the keys of the JSON report (see COLUMNS); values are the JSON values
(status and severity codes), UTF-8, comma-separated, quoted where needed. An unreadable document gets one row
with status `error`. A text from a document that a spreadsheet would read as a formula (=, +, -, @) is
prefixed with an apostrophe (documents are untrusted input).
"""

from __future__ import annotations

import csv
import io

from conformcheck.model import Finding, Report
from conformcheck.report.summary import policy_note, reference_items

COLUMNS = ("document", "doc_type", "rule_id", "pack", "theme", "title", "status", "severity", "pages", "excerpt",
           "message", "reason", "fix", "references", "reference_urls", "severity_origin", "accepted")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(path: str, doc_type: str, finding: Finding) -> dict[str, str]:
    references = reference_items(finding)
    row = {
        "document": path, "doc_type": doc_type, "rule_id": finding.rule_id, "pack": finding.pack,
        "theme": finding.theme or "", "title": finding.title, "status": finding.status.value,
        "severity": finding.severity.value,
        "pages": ", ".join(str(page) for page in sorted({e.page for e in finding.evidence})),
        "excerpt": "\n".join(e.excerpt for e in finding.evidence), "message": finding.message,
        "reason": finding.reason or "", "fix": finding.fix,
        "references": " ; ".join(label for label, _ in references),
        "reference_urls": " ".join(url for _, url in references if url),
        "severity_origin": finding.severity_origin.value if finding.severity_origin else "",
        "accepted": policy_note(finding) or "",
    }
    return {key: _cell(value) for key, value in row.items()}


def render(report: Report) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for doc in report.documents:
        if doc.status == "error":
            writer.writerow({**dict.fromkeys(COLUMNS, ""), "document": _cell(doc.path), "status": "error",
                             "message": _cell(doc.error or ""), "reason": doc.error_code or ""})
            continue
        for finding in doc.findings:
            writer.writerow(_row(doc.path, doc.doc_type or "", finding))
    return out.getvalue()
