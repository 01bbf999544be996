"""Checks on the drawn structure of the diagrams, before SpiffWorkflow parses them.

Sequence flows that name no element, gateways that cannot choose, call activities to processes
that are not there, recursion, loops that never wait, subprocesses nested too deep.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree

from app.core.errors import Problem
from app.engine.validation.documents import Document, display_name, is_bpmn, local

SCOPE_TAGS = {"process", "subProcess", "transaction", "adHocSubProcess"}
FLOW_NODE_TAGS = {
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
    "startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
    "subProcess", "callActivity", "transaction", "adHocSubProcess",
}
# Elements at which a case stops and waits for a person, a timer or a message.
WAITING_TAGS = {"userTask", "manualTask", "task", "receiveTask", "intermediateCatchEvent", "eventBasedGateway"}
HUMAN_TAGS = {"userTask", "manualTask", "task"}
CONDITIONAL_GATEWAYS = {"exclusiveGateway", "inclusiveGateway"}

# Subprocesses and call activities may nest this deep. SpiffWorkflow 3.2.0 keeps each level as a
# workflow of its own, and our serializer, projections and task searches walk them recursively;
# ten levels is far beyond any process drawn here and keeps that work bounded.
MAX_NESTING = 10

LOOP_MESSAGE = ("the flow runs in a circle through {names} without waiting for a person, a timer or a message: "
                "the engine would go round without pause and stop silently after some 250 rounds "
                "(SpiffWorkflow stops searching a case's tasks at depth 1000). Put a user task, a timer or a "
                "message event into the loop")


def scopes(doc: Document) -> Iterator[etree._Element]:
    for node in doc.root.iter():
        if is_bpmn(node) and local(node.tag) in SCOPE_TAGS:
            yield node


def flow_nodes(scope: etree._Element) -> list[etree._Element]:
    return [child for child in scope if is_bpmn(child) and local(child.tag) in FLOW_NODE_TAGS and child.get("id")]


def sequence_flows(scope: etree._Element) -> list[etree._Element]:
    return [child for child in scope if is_bpmn(child, "sequenceFlow")]


def _label(node: etree._Element | None, fallback: str = "?") -> str:
    if node is None:
        return f"'{fallback}'"
    return f"'{display_name(node) or node.get('id')}'"


def _scope_word(scope: etree._Element) -> str:
    return "process" if local(scope.tag) == "process" else "subprocess"


def flow_problems(doc: Document) -> list[Problem]:
    problems = []
    for scope in scopes(doc):
        ids = {node.get("id") for node in flow_nodes(scope)}
        for flow in sequence_flows(scope):
            for attr, word in (("sourceRef", "starts at"), ("targetRef", "ends at")):
                ref = (flow.get(attr) or "").strip()
                if not ref or ref in ids:
                    continue  # a missing attribute is the schema check's message
                elsewhere = doc.by_id.get(ref)
                if elsewhere is None:
                    message = f"the sequence flow {word} '{ref}', which is no element of the diagram"
                else:
                    message = (f"the sequence flow {word} {_label(elsewhere)}, which lies outside this "
                               f"{_scope_word(scope)}; a sequence flow cannot cross a subprocess border")
                problems.append(doc.problem(flow, message, "flow_dangling_ref"))
    return problems


def _has_condition(flow: etree._Element) -> bool:
    return any(is_bpmn(child, "conditionExpression") and (child.text or "").strip() for child in flow)


def gateway_problems(doc: Document) -> list[Problem]:
    problems = []
    for scope in scopes(doc):
        outgoing: dict[str, list[etree._Element]] = {}
        for flow in sequence_flows(scope):
            outgoing.setdefault(flow.get("sourceRef") or "", []).append(flow)
        for node in flow_nodes(scope):
            if local(node.tag) not in CONDITIONAL_GATEWAYS:
                continue
            flows = outgoing.get(node.get("id") or "", [])
            default = node.get("default")
            if default and default not in {f.get("id") for f in flows}:
                problems.append(doc.problem(node, f"the default flow '{default}' is not one of the gateway's "
                                                  "outgoing flows", "gateway_default"))
                continue
            if len(flows) < 2:
                continue
            open_flows = [f for f in flows if not _has_condition(f) and f.get("id") != default]
            if not open_flows:
                continue
            if len(open_flows) == len(flows):
                problems.append(doc.problem(node, f"the gateway has {len(flows)} outgoing flows but neither "
                                                  "conditions nor a default flow, so the engine cannot choose "
                                                  "a way: give the flows conditions and mark one as the default",
                                            "gateway_no_conditions"))
                continue
            for flow in open_flows:
                target = doc.by_id.get(flow.get("targetRef") or "")
                problems.append(doc.problem(flow, f"the flow from the gateway {_label(node)} to "
                                                  f"{_label(target, flow.get('targetRef') or '?')} has no "
                                                  "condition and is not the gateway's default flow: give it a "
                                                  "condition or make it the default", "gateway_flow_condition"))
    return problems


def process_ids(docs: Iterable[Document]) -> set[str]:
    return {node.get("id") for doc in docs for node in doc.root if is_bpmn(node, "process") and node.get("id")}


def call_activities(doc: Document) -> list[tuple[str, etree._Element]]:
    found = []
    for process in doc.root:
        if not is_bpmn(process, "process"):
            continue
        for node in process.iter():
            if is_bpmn(node, "callActivity"):
                found.append((process.get("id") or "", node))
    return found


def call_problems(docs: list[Document], deployed: Iterable[str] = ()) -> list[Problem]:
    known = process_ids(docs)
    deployed_ids = set(deployed)
    problems = []
    graph: dict[str, list[tuple[str, Document, etree._Element]]] = {}
    for doc in docs:
        for owner, node in call_activities(doc):
            called = (node.get("calledElement") or "").strip()
            if not called:
                problems.append(doc.problem(node, "the call activity does not say which process it calls "
                                                  "(the attribute calledElement)", "call_no_process"))
            elif called not in known:
                where = (f"'{called}' is deployed on its own, but a call activity can only call a process "
                         "deployed in the same bundle" if called in deployed_ids
                         else f"no process with the id '{called}' is in the bundle")
                problems.append(doc.problem(node, f"the call activity calls the process '{called}': {where}; "
                                                  "upload the called diagram together with this one",
                                            "call_unknown_process"))
            else:
                graph.setdefault(owner, []).append((called, doc, node))
    problems.extend(_recursion_problems(graph))
    return problems


def _recursion_problems(graph: dict[str, list[tuple[str, Document, etree._Element]]]) -> list[Problem]:
    problems = []
    reported: set[int] = set()
    for start in sorted(graph):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        seen: set[str] = set()
        while stack:
            current, path = stack.pop()
            for called, doc, node in graph.get(current, []):
                if called == start and id(node) not in reported:
                    reported.add(id(node))
                    chain = " → ".join([*path, called])
                    problems.append(doc.problem(node, f"the call activity calls '{called}', which leads back to "
                                                      f"itself ({chain}): the calls would never end",
                                                "call_recursive"))
                elif called not in seen:
                    seen.add(called)
                    stack.append((called, [*path, called]))
    return problems


def nesting_problems(docs: list[Document]) -> list[Problem]:
    """Subprocesses and call chains nested deeper than MAX_NESTING levels."""
    by_process = {node.get("id"): (doc, node) for doc in docs for node in doc.root if is_bpmn(node, "process")}
    memo: dict[str, int] = {}

    def depth(process_id: str, visiting: frozenset[str]) -> int:
        if process_id in memo:
            return memo[process_id]
        if process_id in visiting or process_id not in by_process:
            return 0  # recursion is reported on its own
        _, process = by_process[process_id]
        deepest = 0
        for node in process.iter():
            if not is_bpmn(node, "subProcess", "transaction", "adHocSubProcess", "callActivity"):
                continue
            level = sum(1 for a in node.iterancestors() if is_bpmn(a, "subProcess", "transaction",
                                                                    "adHocSubProcess")) + 1
            if is_bpmn(node, "callActivity"):
                level += depth((node.get("calledElement") or "").strip(), visiting | {process_id})
            deepest = max(deepest, level)
        memo[process_id] = deepest
        return deepest

    problems = []
    for process_id, (doc, process) in by_process.items():
        if not process_id:
            continue
        levels = depth(process_id, frozenset())
        if levels > MAX_NESTING:
            problems.append(doc.problem(process, f"subprocesses and call activities are nested {levels} levels "
                                                 f"deep in this process; the engine allows at most {MAX_NESTING}",
                                        "nesting_too_deep"))
    return problems


def _waits(node: etree._Element, docs_by_process: dict[str, etree._Element], visiting: set[str]) -> bool:
    tag = local(node.tag)
    if tag in WAITING_TAGS:
        return True
    if tag in ("subProcess", "transaction", "adHocSubProcess"):
        return any(_waits(child, docs_by_process, visiting) for child in flow_nodes(node))
    if tag == "callActivity":
        called = (node.get("calledElement") or "").strip()
        if called in visiting or called not in docs_by_process:
            return False
        visiting.add(called)
        return any(_waits(child, docs_by_process, visiting) for child in flow_nodes(docs_by_process[called]))
    return False


def loop_problems(docs: list[Document]) -> list[Problem]:
    processes = {node.get("id"): node for doc in docs for node in doc.root if is_bpmn(node, "process")}
    problems = []
    for doc in docs:
        for scope in scopes(doc):
            nodes = {node.get("id"): node for node in flow_nodes(scope)}
            edges: dict[str, list[str]] = {key: [] for key in nodes}
            for flow in sequence_flows(scope):
                source, target = flow.get("sourceRef"), flow.get("targetRef")
                if source in nodes and target in nodes:
                    edges[source].append(target)
            for node in nodes.values():
                host = node.get("attachedToRef")
                if local(node.tag) == "boundaryEvent" and host in nodes:
                    edges[host].append(node.get("id"))
            order = list(nodes)
            for component in strongly_connected(order, edges):
                if len(component) == 1 and component[0] not in edges[component[0]]:
                    continue
                members = [nodes[key] for key in order if key in component]
                if any(_waits(member, processes, set()) for member in members):
                    continue
                names = ", ".join(_label(member) for member in members)
                problems.append(doc.problem(members[0], LOOP_MESSAGE.format(names=names), "loop_without_wait"))
    return problems


MAX_LOOP_ROUNDS = 200


def standard_loop_problems(docs: list[Document]) -> list[Problem]:
    """A task that repeats itself (standardLoopCharacteristics) without waiting must be bounded."""
    processes = {node.get("id"): node for doc in docs for node in doc.root if is_bpmn(node, "process")}
    problems = []
    for doc in docs:
        for node in doc.root.iter():
            if not is_bpmn(node, "standardLoopCharacteristics"):
                continue
            task = node.getparent()
            if task is None or _waits(task, processes, set()):
                continue
            maximum = (node.get("loopMaximum") or "").strip()
            if maximum.isdigit() and int(maximum) <= MAX_LOOP_ROUNDS:
                continue
            problems.append(doc.problem(task, "the task repeats itself without waiting for a person, a timer or a "
                                              f"message; give the loop a loopMaximum of at most {MAX_LOOP_ROUNDS} "
                                              "rounds (the engine stalls silently after some 250)",
                                        "loop_without_wait"))
    return problems


def strongly_connected(order: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm without recursion: the strongly connected components of the graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in order:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = edges.get(node, [])
            if position < len(successors):
                work.append((node, position + 1))
                nxt = successors[position]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result
