"""The index as the regulation defines it, as pure functions over plain data.

PermenPANRB 59/2020: an aspect's index is the weighted mean of its indicators' levels, a
domain's the weighted mean of its aspects' indices, and the SPBE index the weighted mean of
the domains' indices (weights in %; with weights that add up this equals
Σ(wᵢ·levelᵢ)/Σwᵢ over all indicators). A framework without domains (Pemdi 2026) is loaded
under one implicit domain, so the same computation gives Σ(aspect weight × aspect index)/100.
An indicator without a level counts as 0 (no evidence of any capability) and is reported as
unanswered, so a draft's index never looks better than what has been shown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Structure:
    """domains: [(code, name, weight, [(code, name, weight, [(indicator_id, code, weight)])])]"""

    domains: tuple
    predicates: tuple  # ((name, min), ...) high to low


def _mean(pairs) -> float:
    total = sum(w for w, _ in pairs)
    return sum(w * v for w, v in pairs) / total if total else 0.0


def predicate_of(structure: Structure, value: float) -> str:
    for name, minimum in structure.predicates:
        if value >= minimum - 1e-9:
            return name
    return structure.predicates[-1][0] if structure.predicates else ""


def compute(structure: Structure, levels: dict[int, int | None]) -> dict:
    domains = []
    domain_pairs = []
    unanswered = 0
    for d_code, d_name, d_weight, aspects in structure.domains:
        aspect_rows = []
        aspect_pairs = []
        for a_code, a_name, a_weight, indicators in aspects:
            pairs = []
            for indicator_id, _code, weight in indicators:
                level = levels.get(indicator_id)
                if level is None:
                    unanswered += 1
                pairs.append((weight, level or 0))
            value = _mean(pairs)
            aspect_pairs.append((a_weight, value))
            aspect_rows.append({"code": a_code, "name": a_name, "weight": a_weight, "index": value})
        value = _mean(aspect_pairs)
        domain_pairs.append((d_weight, value))
        domains.append(
            {
                "code": d_code,
                "name": d_name,
                "weight": d_weight,
                "index": value,
                "aspects": aspect_rows,
            }
        )
    index = _mean(domain_pairs)
    return {
        "index": round(index, 4),
        "predicate": predicate_of(structure, index),
        "domains": domains,
        "unanswered": unanswered,
    }


def raise_candidates(structure: Structure, levels: dict[int, int | None]) -> list[dict]:
    """Each indicator below 5 with the gain in the index if it rose one level, best first."""
    base = compute(structure, levels)["index"]
    rows = []
    for _d, _dn, _dw, aspects in structure.domains:
        for _a, _an, _aw, indicators in aspects:
            for indicator_id, code, _w in indicators:
                level = levels.get(indicator_id) or 0
                if level >= 5:
                    continue
                trial = dict(levels)
                trial[indicator_id] = level + 1
                gain = compute(structure, trial)["index"] - base
                rows.append(
                    {
                        "indicator_id": indicator_id,
                        "code": code,
                        "from": level,
                        "to": level + 1,
                        "gain": round(gain, 4),
                    }
                )
    rows.sort(key=lambda r: (-r["gain"], r["code"]))
    return rows
