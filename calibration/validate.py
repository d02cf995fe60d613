"""Check the calibration set and print its composition.

Usage: python calibration/validate.py [DIR]   (DIR defaults to this file's folder)

Exits non-zero if any hard check fails:
  * every line of answers.jsonl and holdout.jsonl parses as a JSON object with the expected keys
  * ids are unique across both files
  * area, topic and kind are known values
  * every criterion of the item's topic is labelled with an integer 1-4, and no other criterion is
  * the overall label is an integer 1-4 within 0.5 of the weighted criterion mean
  * no holdout question text also appears in the development set
Soft findings (printed, not fatal): honest answers outside 40-350 words, and jargon found in
plain-paraphrase answers.
"""
import json
import os
import re
import sys
from collections import Counter, defaultdict

AREAS = ["api-products", "internal-dev-platforms", "data-platforms", "ml-ai-platforms",
         "identity-auth"]
CRITERIA = {
    "api-design": ["api-contract", "developer-experience", "structure", "trade-offs"],
    "versioning": ["compatibility", "migration-plan", "structure", "trade-offs"],
    "rate-limiting": ["limit-design", "fairness-and-feedback", "structure", "trade-offs"],
    "observability": ["telemetry-signals", "actionable-operations", "structure", "trade-offs"],
    "system-architecture": ["components-and-data-flow", "reliability-and-scale", "structure",
                            "trade-offs"],
    "developers-as-customers": ["customer-insight", "self-serve-adoption", "structure",
                                "trade-offs"],
    "trade-offs": ["options-framing", "decision-and-reversibility", "structure"],
    "success-metrics": ["metric-choice", "measurement-plan", "structure", "trade-offs"],
    "platform-strategy": ["vision-and-sequencing", "adoption-and-ecosystem", "structure",
                          "trade-offs"],
}
KINDS = ["honest", "keyword-list", "off-topic-padding", "injection", "long-shallow",
         "plain-paraphrase"]
KEYS = {"id", "area", "topic", "question", "answer", "kind", "label", "justification"}

# Terms a plain-paraphrase answer is meant to avoid, matched case-insensitively as whole words
# (a trailing "s" allowed); a term ending in "*" matches as a word prefix.
JARGON = {
    "rate-limiting": ["rate limit*", "rate-limit*", "429", "retry-after", "token bucket",
                      "leaky bucket",
                      "quota", "throttl*", "burst*", "noisy neighbo*", "tier"],
    "versioning": ["backward* compatib*", "breaking change", "deprecat*", "semver", "sunset*",
                   "major version", "versioning", "codemod", "shim"],
    "observability": ["slo", "sli", "sla", "error budget", "telemetry", "observability", "alert*",
                      "dashboard", "lineage", "freshness", "p95", "p99"],
    "success-metrics": ["adoption", "baseline", "leading indicator", "lagging", "guardrail",
                        "north star",
                        "nps", "regression", "kpi", "okr"],
    "system-architecture": ["sso", "oauth", "oidc", "saml", "jwt", "token", "idp", "session", "mfa",
                            "failover", "cach*", "redis", "kafka", "online store", "offline store",
                            "point-in-time", "skew", "latency", "ttl", "replica*"],
    "api-design": ["endpoint", "rbac", "abac", "latency", "cach*", "idempoten*", "paginat*", "rest",
                   "grpc", "sdk", "p99"],
    "trade-offs": ["sdk", "openapi", "codegen", "idiomatic", "two-way door", "one-way door",
                   "long tail", "dx"],
}


def weighted_mean(topic, crits):
    names = CRITERIA[topic]
    if topic == "trade-offs":
        weights = {names[0]: 0.4, names[1]: 0.4, "structure": 0.2}
    else:
        weights = {names[0]: 0.3, names[1]: 0.3, "structure": 0.2, "trade-offs": 0.2}
    return sum(weights[k] * crits[k] for k in names)


def has_term(text, term):
    if term.endswith("*"):
        pattern = r"(?<![a-z0-9])" + re.escape(term[:-1]).replace(r"\*", r"[a-z]*")
    else:
        pattern = r"(?<![a-z0-9])" + re.escape(term).replace(r"\*", r"[a-z]*") + r"s?(?![a-z0-9])"
    return re.search(pattern, text.lower()) is not None


def load(path, errors):
    items = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                errors.append(f"{path}:{n}: blank line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{path}:{n}: not JSON ({e})")
                continue
            if not isinstance(obj, dict) or set(obj) != KEYS:
                keys = sorted(obj) if isinstance(obj, dict) else type(obj)
                errors.append(f"{path}:{n}: keys are {keys}")
                continue
            items.append(obj)
    return items


def check(items, name, errors, warnings):
    for it in items:
        where = f"{name} {it['id']}"
        if it["area"] not in AREAS:
            errors.append(f"{where}: unknown area {it['area']}")
        if it["topic"] not in CRITERIA:
            errors.append(f"{where}: unknown topic {it['topic']}")
            continue
        if it["kind"] not in KINDS:
            errors.append(f"{where}: unknown kind {it['kind']}")
        for field in ("question", "answer", "justification"):
            if not isinstance(it[field], str) or not it[field].strip():
                errors.append(f"{where}: empty {field}")
        label = it["label"]
        if not isinstance(label, dict) or set(label) != {"overall", "criteria"}:
            errors.append(f"{where}: label must have overall and criteria")
            continue
        crits = label["criteria"]
        if set(crits) != set(CRITERIA[it["topic"]]):
            errors.append(f"{where}: criteria {sorted(crits)} != {CRITERIA[it['topic']]}")
            continue
        values = list(crits.values()) + [label["overall"]]
        if any(type(v) is not int or not 1 <= v <= 4 for v in values):
            errors.append(f"{where}: labels must be integers 1-4")
            continue
        wm = weighted_mean(it["topic"], crits)
        if abs(label["overall"] - wm) > 0.5 + 1e-9:
            errors.append(f"{where}: overall {label['overall']} far from weighted mean {wm:.2f}")
        words = len(it["answer"].split())
        if it["kind"] == "honest" and not 40 <= words <= 350:
            warnings.append(f"{where}: honest answer has {words} words")
        if it["kind"] == "plain-paraphrase":
            if label["overall"] < 3:
                errors.append(f"{where}: plain-paraphrase answers are strong (3 or 4)")
            found = [t for t in JARGON.get(it["topic"], []) if has_term(it["answer"], t)]
            if found:
                warnings.append(f"{where}: plain-paraphrase uses {found}")
        if it["kind"] in ("keyword-list", "off-topic-padding") and label["overall"] > 2:
            errors.append(f"{where}: {it['kind']} labelled above 2")
        if it["kind"] == "long-shallow" and label["overall"] != 2:
            warnings.append(f"{where}: long-shallow labelled {label['overall']}")


def table(title, counter, order=None):
    keys = order if order else sorted(counter)
    print(f"  {title}: " + ", ".join(f"{k}={counter.get(k, 0)}" for k in keys))


def report(items, name):
    print(f"{name}: {len(items)} items, {len({i['question'] for i in items})} questions")
    table("topic", Counter(i["topic"] for i in items), list(CRITERIA))
    table("area", Counter(i["area"] for i in items), AREAS)
    table("kind", Counter(i["kind"] for i in items), KINDS)
    table("overall label", Counter(i["label"]["overall"] for i in items), [1, 2, 3, 4])
    by_kind = defaultdict(Counter)
    for i in items:
        by_kind[i["kind"]][i["label"]["overall"]] += 1
    for k in KINDS:
        table(f"labels of {k}", by_kind[k], [1, 2, 3, 4])
    per_q = defaultdict(list)
    for i in items:
        per_q[i["question"]].append(i["label"]["overall"])
    full = sum(1 for v in per_q.values() if sorted(v) == [1, 2, 3, 4])
    print(f"  questions with one answer at each level 1-4: {full}/{len(per_q)}")


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    errors, warnings = [], []
    dev = load(os.path.join(folder, "answers.jsonl"), errors)
    hold = load(os.path.join(folder, "holdout.jsonl"), errors)
    ids = Counter(i["id"] for i in dev + hold)
    errors += [f"duplicate id {k}" for k, v in ids.items() if v > 1]
    check(dev, "answers", errors, warnings)
    check(hold, "holdout", errors, warnings)
    shared = {i["question"] for i in dev} & {i["question"] for i in hold}
    errors += [f"holdout question also in development set: {q[:60]}" for q in shared]
    report(dev, "development set (answers.jsonl)")
    report(hold, "holdout set (holdout.jsonl)")
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
