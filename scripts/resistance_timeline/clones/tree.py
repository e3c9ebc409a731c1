"""The clone tree of a patient (results/clones/{patient}.tree.tsv): each cluster's parent,
from the clusters table (cancer cell fraction, CCF, with its 95% interval per sample).

A tree fits when, as in the clone-tree methods of the field (the sum rule of LICHeE, Popic et
al. 2015 Genome Biol 16:91; CITUP, Malikic et al. 2015; ClonEvol, Dang et al. 2017):

- **sum rule**: in every sample, a cluster's children fit in it within their intervals: the sum
  of the children's ``ccf_low`` is at most the parent's ``ccf_high``. The truncal cluster is
  the tumour itself (CCF 1). A sample where a cluster's CCF is not measured (tumour not
  detected, nothing covered) says nothing about it;
- **time**: a clone is not first detected before its parent (first day with status
  ``detected``; a cluster never detected may sit under any cluster but parent only such).

Of the trees that fit, the one drawn and written is the most parsimonious: the fewest clones
nested in a subclone (a clone sits beside the others in the tumour unless the fractions force
it inside another — the pigeonhole principle), then the smallest excess of the children's point
CCFs over their parent's, then cluster order. ``trees_fitting`` counts the trees that fit;
more than one is ``tree_ambiguous`` (each cluster's ``possible_parents`` lists its parent in
any of them), and none is ``sum_rule`` ``violated`` (the tree with the smallest excess is
written). Parents are enumerated exhaustively (at most ``MAX_TREES`` assignments are visited;
the default 6 clusters give at most 5^5).

Written for the project: the published tree builders (LICHeE in Java, CITUP with a commercial
solver, ClonEvol in R) are not installable here, and this one needs only the clusters table.
"""

from dataclasses import dataclass

from resistance_timeline.timeline.therapy import number

TREE_COLUMNS = [
    *["patient_id", "cluster", "parent", "depth", "truncal", "variants", "first_detected_day"],
    *["possible_parents", "trees_fitting", "tree_ambiguous", "sum_rule"],
]
MAX_TREES = 200_000
ROOT_CCF = (1.0, 1.0, 1.0)  # the truncal cluster: the tumour itself


@dataclass
class Cluster:
    name: str
    truncal: bool
    variants: int
    members: str
    ccf: dict  # sample id -> (ccf, low, high), measured samples only
    first_day: float  # first day detected; inf if never


@dataclass
class Tree:
    parent: dict  # cluster -> parent cluster (None for the root)
    fitting: int
    possible: dict  # cluster -> set of parents in any fitting tree
    holds: bool
    capped: bool = False


def clusters_of(cluster_rows):
    """Cluster records, in table order, from results/clones/{patient}.clusters.tsv rows."""
    out = {}
    for r in cluster_rows:
        c = out.setdefault(
            r["cluster"],
            Cluster(
                r["cluster"],
                r["truncal"] == "true",
                int(r["variants"]),
                r["members"],
                {},
                float("inf"),
            ),
        )
        ccf = number(r["ccf"])
        if ccf is not None:
            low, high = number(r["ccf_low"]), number(r["ccf_high"])
            c.ccf[r["sample_id"]] = (
                ccf,
                ccf if low is None else low,
                ccf if high is None else high,
            )
        day = number(r["day"])
        if r["status"] == "detected" and day is not None:
            c.first_day = min(c.first_day, day)
    return list(out.values())


def _values(cluster, sample):
    return ROOT_CCF if cluster.truncal else cluster.ccf.get(sample)


def _sum_rule(parent, children):
    """(holds within intervals, excess of the children's point CCFs over the parent's)."""
    holds, excess = True, 0.0
    samples = set(parent.ccf) if not parent.truncal else set().union(*(c.ccf for c in children))
    for s in samples:
        p = _values(parent, s)
        if p is None:
            continue
        kids = [c.ccf[s] for c in children if s in c.ccf]
        holds &= sum(k[1] for k in kids) <= p[2] + 1e-9
        excess += max(0.0, sum(k[0] for k in kids) - p[0])
    return holds, excess


def _may_parent(p, c):
    """The pairwise conditions: time, and the child fitting in the parent in every sample."""
    if p.first_day > c.first_day:
        return False
    return p.truncal or all(c.ccf[s][1] <= p.ccf[s][2] + 1e-9 for s in c.ccf if s in p.ccf)


def _acyclic(parent, root):
    for node in parent:
        seen = set()
        while node != root:
            if node in seen:
                return False
            seen.add(node)
            node = parent[node]
    return True


def _score(parent, by_name, root):
    """(fits, nested clones, excess) of a parent assignment."""
    holds, excess = True, 0.0
    for p in by_name.values():
        kids = [by_name[c] for c, q in parent.items() if q == p.name]
        if kids:
            ok, more = _sum_rule(p, kids)
            holds, excess = holds and ok, excess + more
    nested = sum(1 for q in parent.values() if q != root)
    return holds, nested, excess


def build_tree(clusters):
    """The Tree of ``clusters`` (clusters_of), as the module docstring says."""
    if not clusters:
        return Tree({}, 0, {}, True)
    root = next((c for c in clusters if c.truncal), clusters[0])
    by_name = {c.name: c for c in clusters}
    subclones = [c for c in clusters if c is not root]
    options = [
        [root.name] + [p.name for p in subclones if p is not c and _may_parent(p, c)]
        for c in subclones
    ]
    best, best_key, fitting, visited = None, None, 0, 0
    possible = {c.name: set() for c in subclones}
    assignment = {}

    def visit(i):
        nonlocal best, best_key, fitting, visited
        if visited >= MAX_TREES:
            return
        if i == len(subclones):
            visited += 1
            if not _acyclic(assignment, root.name):
                return
            holds, nested, excess = _score(assignment, by_name, root.name)
            fitting += holds
            if holds:
                for c, p in assignment.items():
                    possible[c].add(p)
            key = (not holds, nested, round(excess, 9))
            if best_key is None or key < best_key:
                best, best_key = dict(assignment), key
            return
        for p in options[i]:
            assignment[subclones[i].name] = p
            visit(i + 1)
        assignment.pop(subclones[i].name, None)

    visit(0)
    parent = {root.name: None, **(best or {})}
    return Tree(
        parent, fitting, possible, best_key is None or not best_key[0], visited >= MAX_TREES
    )


def _depth(parent, name):
    depth = 0
    while parent[name] is not None:
        name, depth = parent[name], depth + 1
    return depth


def tree_rows(patient_id, cluster_rows):
    """(rows of results/clones/{patient}.tree.tsv, Tree) from the clusters table's rows."""
    clusters = clusters_of(cluster_rows)
    tree = build_tree(clusters)
    ambiguous = tree.fitting > 1 or tree.capped
    rows = []
    for c in clusters:
        rows.append(
            {
                "patient_id": patient_id,
                "cluster": c.name,
                "parent": tree.parent.get(c.name) or "",
                "depth": _depth(tree.parent, c.name),
                "truncal": "true" if c.truncal else "false",
                "variants": c.variants,
                "first_detected_day": "" if c.first_day == float("inf") else f"{c.first_day:g}",
                "possible_parents": ";".join(sorted(tree.possible.get(c.name, ()))),
                "trees_fitting": f"{tree.fitting}{'+' if tree.capped else ''}",
                "tree_ambiguous": "true" if ambiguous else "false",
                "sum_rule": "holds" if tree.holds else "violated",
            }
        )
    return rows, tree
