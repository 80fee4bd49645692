"""SARIF 2.1.0 report, for the tools that read static-analysis results (code-scanning dashboards, viewers).

One run; every rule met in the report is a `reportingDescriptor` (title, requirement, fix and references as
help, the first reference address as helpUri); every finding a `result` whose `kind` says pass / fail /
review / notApplicable. Only failures carry a level (from the rule's severity): SARIF gives the others
« none ». Documents are the artifacts; an excerpt is a region whose `charOffset`/`charLength` index the text
extracted from the document (as `start`/`end` in the JSON report) and whose properties give the page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformcheck.model import SEVERITY_LABELS_FR, DocumentReport, Finding, Report, Severity, Status
from conformcheck.report.labels import STATUS_LABELS_FR
from conformcheck.report.summary import policy_note, reference_items

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
KINDS = {Status.conforme: "pass", Status.manquant: "fail", Status.non_conforme: "fail", Status.a_verifier: "review",
         Status.non_applicable: "notApplicable"}
LEVELS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}


def _uri(path: str) -> str:
    """A relative path stays relative (SARIF resolves it against the run's directory); an absolute one is a
    file URI."""
    candidate = Path(path)
    return candidate.as_uri() if candidate.is_absolute() else candidate.as_posix()


def _rule(finding: Finding) -> dict[str, Any]:
    references = reference_items(finding)
    help_text = f"{finding.fix}\n\nRéférences : " + " ; ".join(label for label, _ in references)
    help_markdown = f"{finding.fix}\n\n**Références** :\n" + "\n".join(
        f"- [{label}]({url})" if url else f"- {label}" for label, url in references)
    descriptor: dict[str, Any] = {
        "id": finding.rule_id, "name": finding.rule_id.rsplit(".", 1)[-1],
        "shortDescription": {"text": finding.title},
        "fullDescription": {"text": finding.message if finding.status != Status.non_conforme else finding.title},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {"pack": finding.pack, "severity": finding.severity.value,
                       "severityLabel": SEVERITY_LABELS_FR[finding.severity], "theme": finding.theme,
                       "references": [{"label": label, "url": url} for label, url in references],
                       "tags": [finding.pack, *([finding.theme] if finding.theme else [])]},
    }
    first_url = next((url for _, url in references if url), None)
    if first_url:
        descriptor["helpUri"] = first_url
    return descriptor


def _result(finding: Finding, doc: DocumentReport, artifact: int, rule_index: int) -> dict[str, Any]:
    status = finding.status
    text = finding.reason if status in (Status.a_verifier, Status.non_applicable) and finding.reason else \
        finding.message
    artifact_location = {"uri": _uri(doc.path), "index": artifact}
    locations = [{"physicalLocation": {
        "artifactLocation": artifact_location,
        "region": {"charOffset": e.start, "charLength": max(0, e.end - e.start), "snippet": {"text": e.excerpt},
                   "properties": {"page": e.page, "block": e.block}}}} for e in finding.evidence]
    result: dict[str, Any] = {
        "ruleId": finding.rule_id, "ruleIndex": rule_index, "kind": KINDS[status],
        "level": LEVELS[finding.severity] if KINDS[status] == "fail" else "none",
        "message": {"text": f"{STATUS_LABELS_FR[status]} — {text}"},
        "locations": locations or [{"physicalLocation": {"artifactLocation": artifact_location}}],
        "properties": {"status": status.value, "severity": finding.severity.value, "fix": finding.fix,
                       "pages": sorted({e.page for e in finding.evidence})},
    }
    if finding.waiver:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": policy_note(finding)}]
    if finding.baseline:
        result["baselineState"] = "unchanged"
    if finding.severity_origin:
        result["properties"]["severity_origin"] = finding.severity_origin.value
    if finding.parts:
        result["properties"]["parts"] = [{"label": p.label, "found": p.found} for p in finding.parts]
    return result


def sarif_log(report: Report) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    artifacts: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for doc in report.documents:
        artifact = len(artifacts)
        properties: dict[str, Any] = {"status": doc.status}
        if doc.status == "ok":
            score = doc.score["document"]
            properties.update(docType=doc.doc_type, pages=doc.pages, applicable=score.applicable, met=score.met,
                              rate=score.rate)
        artifacts.append({"location": {"uri": _uri(doc.path)}, "properties": properties})
        if doc.status == "error":
            notifications.append({"level": "error", "message": {"text": f"{doc.path} : {doc.error}"},
                                  "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(doc.path),
                                                                                           "index": artifact}}}],
                                  "properties": {"code": doc.error_code}})
            continue
        for finding in doc.findings:
            if finding.rule_id not in rule_index:
                rule_index[finding.rule_id] = len(rules)
                rules.append(_rule(finding))
            results.append(_result(finding, doc, artifact, rule_index[finding.rule_id]))
    run = {
        "tool": {"driver": {"name": "conformcheck", "version": report.tool_version, "semanticVersion":
                            report.tool_version, "language": "fr-FR", "rules": rules}},
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "language": "fr-FR",
        "artifacts": artifacts,
        "results": results,
        "properties": {"scanDate": report.scan_date},
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(sarif_log(report), ensure_ascii=False, indent=2) + "\n"
