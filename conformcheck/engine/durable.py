"""The decision table as durable-rules inference, in the safe pattern measured in notes/perf-probe.md.

- a private synchronous host (the default host's dispatcher thread steals actions and loses results);
- facts, not events (an event is consumed by the first rule that matches);
- constraint facts asserted before the verdict facts (`none()` is not retroactive);
- actions with exactly one parameter (two make durable treat them as asynchronous);
- one state per document, deleted right after (1.5 MB native each, hard cap at 1,024 live states);
- results collected in a Python list, not in the state: durable serialises the whole state after every
  action, so a growing list of results made that quadratic (~5 ms for 100 rules);
- the ruleset registered once per engine and freed by `close()`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

import durable.engine as durable_engine
import durable.lang as durable_lang
import durable_rules_engine
from durable.lang import c, m, none, ruleset, when_all

from conformcheck.engine.base import PRECEDENCE, Assessment
from conformcheck.model import Status


class _SyncHost(durable_engine.Host):  # type: ignore[misc]
    def _run(self) -> None:  # no background dispatcher thread
        return None


def _collect(found: list[tuple[str, Status]], status: Status) -> Callable[[Any], None]:
    def action(ctx: Any) -> None:
        found.append((ctx.v.rule, status))

    return action


_names = itertools.count()


class DurableEngine:
    name = "durable"

    def __init__(self) -> None:
        self._ruleset = f"conformcheck_{next(_names)}"
        # Filled by the actions while `decide` asserts one document's facts (under `_lock`, synchronous host).
        self._found: list[tuple[str, Status]] = []
        with ruleset(self._ruleset):
            verdict = m.kind == "verdict"
            when_all(c.v << (verdict & (m.outcome == "none")))(_collect(self._found, Status.non_applicable))
            when_all(c.v << (verdict & (m.outcome != "none")),
                     c.k << ((m.kind == "constraint") & (m.rule == c.v.rule) & (m.result == "fail")))(
                _collect(self._found, Status.non_applicable))
            when_all(c.v << (verdict & (m.outcome != "none")),
                     none((m.kind == "constraint") & (m.rule == c.v.rule) & (m.result == "fail")),
                     c.k << ((m.kind == "constraint") & (m.rule == c.v.rule) & (m.result == "unknown")))(
                _collect(self._found, Status.a_verifier))
            for outcome, status in (("ok", Status.conforme), ("bad", Status.non_conforme),
                                    ("missing", Status.manquant), ("undecidable", Status.a_verifier)):
                when_all(c.v << (verdict & (m.outcome == outcome)),
                         none((m.kind == "constraint") & (m.rule == c.v.rule)))(_collect(self._found, status))
        definition = durable_lang._rulesets.pop(self._ruleset)  # keep it out of durable's global host
        self._host = _SyncHost()
        full_name, compiled = definition.define()
        self._host.register_rulesets({full_name: compiled})
        self._sids = itertools.count()
        self._lock = threading.Lock()

    def decide(self, assessments: list[Assessment]) -> dict[str, Status]:
        if not assessments:
            return {}
        sid = str(next(self._sids))
        facts: list[dict[str, Any]] = []
        for item in assessments:
            for index, constraint in enumerate(item.constraints):
                facts.append({"sid": sid, "kind": "constraint", "rule": item.rule_id, "key": constraint.key,
                              "result": constraint.result, "n": index})
        facts += [{"sid": sid, "kind": "verdict", "rule": item.rule_id, "outcome": item.outcome}
                  for item in assessments]  # verdicts last: none() only sees facts already there
        with self._lock:
            self._found.clear()
            try:
                state = self._host.assert_facts(self._ruleset, facts)
            finally:
                self._host.delete_state(self._ruleset, sid)
            found = list(self._found)
        if not state:
            raise RuntimeError("durable-rules n'a rendu aucun état pour ce document")
        if "exception" in state:
            raise RuntimeError(state["exception"])
        fired: dict[str, set[Status]] = {}
        for rule_id, status in found:
            fired.setdefault(rule_id, set()).add(status)
        return {rule_id: next(s for s in PRECEDENCE if s in statuses) for rule_id, statuses in fired.items()}

    def close(self) -> None:
        durable_rules_engine.delete_ruleset(self._host.get_ruleset(self._ruleset)._handle)
