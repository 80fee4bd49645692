"""JUnit XML report, so a CI or a document pipeline can gate on the results.

One test suite per document, one test case per applicable rule: « manquant » and « non conforme » are
failures, « à vérifier » is skipped (a person must decide), « conforme » passes. An unreadable document is a
suite with one test case in error. Non-applicable rules are left out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conformcheck.model import SEVERITY_LABELS_FR, DocumentReport, Finding, Report, Status
from conformcheck.report.labels import STATUS_LABELS_FR
from conformcheck.report.summary import policy_note, reference_items
from conformcheck.report.xml_text import xml_safe


# Characters XML 1.0 cannot carry (a document's text may contain them).
def _details(finding: Finding) -> str:
    lines = [f"{STATUS_LABELS_FR[finding.status]} ({SEVERITY_LABELS_FR[finding.severity]}) : {finding.message}"]
    if finding.reason and finding.status == Status.a_verifier:
        lines.append(f"Pourquoi : {finding.reason}")
    lines.extend(f"{'✓' if part.found else '✗'} {part.label}" for part in finding.parts)
    lines.extend(f"Extrait (p. {e.page}) : « {e.excerpt} »" for e in finding.evidence)
    refs = [f"{label} <{url}>" if url else label for label, url in reference_items(finding)]
    if refs:
        lines.append("Référence : " + " ; ".join(refs))
    lines.append(f"À faire : {finding.fix}")
    return xml_safe("\n".join(lines))


def _suite(doc: DocumentReport, parent: ET.Element) -> dict[str, int]:
    suite = ET.SubElement(parent, "testsuite", name=xml_safe(doc.path))
    counts = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
    if doc.status == "error":
        case = ET.SubElement(suite, "testcase", classname=xml_safe(doc.path), name="lecture du document")
        ET.SubElement(case, "error", message=xml_safe(doc.error or ""), type=doc.error_code or "error")
        counts.update(tests=1, errors=1)
    else:
        properties = ET.SubElement(suite, "properties")
        score = doc.score["document"]
        for name, value in (("type", doc.doc_type), ("taux_conformite", score.rate), ("pages", doc.pages)):
            ET.SubElement(properties, "property", name=name, value="" if value is None else str(value))
        for finding in doc.findings:
            if finding.status == Status.non_applicable:
                continue
            counts["tests"] += 1
            case = ET.SubElement(suite, "testcase", classname=finding.pack,
                                 name=xml_safe(f"{finding.title} ({finding.rule_id})"))
            note = policy_note(finding)
            if note:  # accepted or known: not a failure, as for the exit code
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=xml_safe(note))
            elif finding.status in (Status.manquant, Status.non_conforme):
                counts["failures"] += 1
                failure = ET.SubElement(case, "failure", message=xml_safe(finding.message),
                                        type=f"{finding.status.value}:{finding.severity.value}")
                failure.text = _details(finding)
            elif finding.status == Status.a_verifier:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=xml_safe(f"À vérifier : {finding.reason or finding.message}"))
    for key, value in counts.items():
        suite.set(key, str(value))
    return counts


def render(report: Report) -> str:
    root = ET.Element("testsuites", name="conformcheck")
    totals = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
    for doc in report.documents:
        for key, value in _suite(doc, root).items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
