"""The engine interface: from verdicts and applicability constraints to a status per rule.

Both engines implement the same decision table; the plain-Python one is the reference (and the
default: about 60× faster), the durable-rules one runs it as Rete inference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from conformcheck.engine.applicability import Constraint
from conformcheck.model import Status


@dataclass(frozen=True)
class Assessment:
    """What the engine decides on for one rule: the verdict's outcome and the applicability constraints."""

    rule_id: str
    outcome: str  # see verdicts.OUTCOMES
    constraints: tuple[Constraint, ...]


class RuleEngine(Protocol):
    name: str

    def decide(self, assessments: list[Assessment]) -> dict[str, Status]: ...

    def close(self) -> None: ...


OUTCOME_STATUS = {"ok": Status.conforme, "bad": Status.non_conforme, "missing": Status.manquant,
                  "undecidable": Status.a_verifier, "none": Status.non_applicable}
# When several engine rules fire for one rule id, the most decisive wins.
PRECEDENCE = (Status.non_applicable, Status.a_verifier, Status.non_conforme, Status.manquant, Status.conforme)


class PythonEngine:
    """Reference evaluator of the decision table."""

    name = "python"

    def decide(self, assessments: list[Assessment]) -> dict[str, Status]:
        decided: dict[str, Status] = {}
        for item in assessments:
            results = {c.result for c in item.constraints}
            if item.outcome == "none" or "fail" in results:
                decided[item.rule_id] = Status.non_applicable
            elif "unknown" in results:
                decided[item.rule_id] = Status.a_verifier
            else:
                decided[item.rule_id] = OUTCOME_STATUS[item.outcome]
        return decided

    def close(self) -> None:
        return None


def make_engine(name: str) -> RuleEngine:
    if name == "durable":
        from conformcheck.engine.durable import DurableEngine

        return DurableEngine()
    return PythonEngine()
