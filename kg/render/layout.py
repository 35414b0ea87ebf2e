"""Node positions computed before the page is drawn, so the browser never runs a physics simulation.

vis-network's own physics takes about a minute to settle 1,000 nodes in a
headless browser, and with physics off every node sits on a ring. Here, in
Python and deterministic (seeded):

1. each connected component is laid out on its own, then the components are
   packed side by side, largest first;
2. trees hanging off a component (found by peeling degree-1 nodes: in these
   graphs most actors are leaves around a few hubs) are left out of the force
   simulation and placed afterwards around their parent, on a sunflower spiral;
3. the remaining core runs a multilevel Fruchterman–Reingold with numpy: the
   core is coarsened by merging neighbours down to a few dozen nodes, laid
   out, then refined level by level, each node weighted by the trees it
   carries so hubs get room for their leaves. Repulsion is exact on small
   levels and limited to near neighbours (a grid) on big ones, and the
   iterations per level shrink as the level grows, bounding the cost
   (about 1.5 s for 5,000 actors).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence

import numpy as np

# One unit is the distance between a leaf and its parent; positions are scaled to pixels at the end.
PIXELS_PER_UNIT = 110.0
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
_SPIRAL_STEP = 0.55  # sunflower spacing: neighbouring leaves about one unit apart
_SPIRAL_OFFSET = 4.0  # the first leaf sits one unit (0.55 * sqrt(4) ≈ 1.1) from its parent
# Force simulation: coarsen until this few nodes; iterations per level bounded by a budget of pair evaluations
# (iterations x nodes squared); exact repulsion up to _FULL_REPULSION nodes, grid-local beyond.
_COARSEST = 40
_PAIR_BUDGET = 4e7
_MIN_ITERATIONS, _MAX_ITERATIONS, _REFINE_ITERATIONS = 20, 300, 60
_FULL_REPULSION = 600
_CHUNK_CELLS = 1 << 20  # pairs per numpy block: bounds memory to a few tens of MB


def layout(count: int, links: Iterable[tuple[int, int]], seed: int = 7) -> list[tuple[float, float]]:
    """Positions (in pixels) of `count` nodes joined by undirected `links` (pairs of node indices)."""
    neighbours: list[set[int]] = [set() for _ in range(count)]
    for a, b in links:
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    if not count:
        return []
    rng = np.random.default_rng(seed)
    pieces = [(nodes, _component_layout(nodes, neighbours, rng)) for nodes in _components(neighbours)]
    positions = np.zeros((count, 2))
    for nodes, placed in _pack(pieces):
        positions[nodes] = placed
    positions *= PIXELS_PER_UNIT
    return [(round(float(x), 1), round(float(y), 1)) for x, y in positions]


def _components(neighbours: Sequence[set[int]]) -> list[list[int]]:
    """Connected components, each sorted, largest first (ties by smallest node)."""
    seen = [False] * len(neighbours)
    components = []
    for start in range(len(neighbours)):
        if seen[start]:
            continue
        seen[start] = True
        queue, members = deque([start]), [start]
        while queue:
            for other in sorted(neighbours[queue.popleft()]):
                if not seen[other]:
                    seen[other] = True
                    queue.append(other)
                    members.append(other)
        components.append(sorted(members))
    components.sort(key=lambda members: (-len(members), members[0]))
    return components


def _component_layout(nodes: list[int], neighbours: Sequence[set[int]], rng: np.random.Generator) -> np.ndarray:
    """Positions of one component's nodes (in `nodes` order), centred on the origin."""
    parent, order = _peel(nodes, neighbours)
    peeled = set(order)
    core = [n for n in nodes if n not in peeled] or [order[-1]]
    weight = dict.fromkeys(nodes, 1)
    for node in order:  # leaves come first, so a node's weight is complete when it is passed up
        if node in parent:
            weight[parent[node]] += weight[node]
    at: dict[int, np.ndarray] = {}
    core_positions = _forces(core, neighbours, np.array([weight[n] for n in core], dtype=float), rng)
    for node, position in zip(core, core_positions, strict=True):
        at[node] = position
    children: dict[int, list[int]] = {}
    for node in order:
        if node in parent:
            children.setdefault(parent[node], []).append(node)
    # Parents before children: core nodes (or a tree's root) first, then the reverse of the peeling order.
    for node in core + [n for n in reversed(order) if n in parent]:
        kids = sorted(children.get(node, ()), key=lambda k: (weight[k], k))
        if kids:
            away = at[node] - at[parent[node]] if node in parent else None
            _place_around(at, node, [(kid, weight[kid]) for kid in kids], away)
    result = np.array([at[n] for n in nodes])
    return result - result.mean(axis=0)


def _peel(nodes: list[int], neighbours: Sequence[set[int]]) -> tuple[dict[int, int], list[int]]:
    """Remove degree-1 nodes until none is left: each removed node's parent, and the removal order.

    What remains is the 2-core. A tree is peeled whole; its last node, a centre, is its root.
    """
    degree = {n: len(neighbours[n]) for n in nodes}
    queue = deque(n for n in nodes if degree[n] <= 1)
    removed: set[int] = set()
    parent: dict[int, int] = {}
    order: list[int] = []
    while queue:
        node = queue.popleft()
        if node in removed:
            continue
        removed.add(node)
        order.append(node)
        for other in sorted(neighbours[node]):
            if other not in removed:
                parent[node] = other
                degree[other] -= 1
                if degree[other] == 1:
                    queue.append(other)
    return parent, order


def _forces(
    core: list[int], neighbours: Sequence[set[int]], weight: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Multilevel Fruchterman–Reingold on the core: coarsen by matching neighbours, lay out, refine level by level.

    The coarsest graph (a few dozen nodes) gets a long simulation from random positions; each finer level
    starts from its parent's position and needs few iterations, so big cores untangle at a bounded cost.
    """
    if len(core) == 1:
        return np.zeros((1, 2))
    index = {node: i for i, node in enumerate(core)}
    pairs = np.array(
        sorted({(index[a], index[b]) for a in core for b in neighbours[a] if b in index and index[a] < index[b]}),
        dtype=np.int64,
    ).reshape(-1, 2)
    levels = [(pairs, weight)]
    groups: list[np.ndarray] = []
    while len(levels[-1][1]) > _COARSEST:
        group, count = _match(levels[-1][0], levels[-1][1], rng)
        if count > 0.9 * len(levels[-1][1]):
            break  # nothing left to merge (a star, a clique): stop coarsening
        coarse = np.unique(group[levels[-1][0]], axis=0)
        coarse = np.sort(coarse[coarse[:, 0] != coarse[:, 1]], axis=1)
        levels.append((np.unique(coarse, axis=0).reshape(-1, 2), np.bincount(group, weights=levels[-1][1])))
        groups.append(group)
    pairs, mass = levels[-1]
    ideal = _ideal_length(mass)
    spread = math.sqrt(float((ideal**2).sum()))
    positions = rng.uniform(-spread, spread, (len(mass), 2))
    positions = _simulate(positions, pairs, mass, _iterations(len(mass), _MAX_ITERATIONS), spread / 3)
    for level in range(len(groups) - 1, -1, -1):
        pairs, mass = levels[level]
        ideal = _ideal_length(mass)
        positions = _fit_edges(positions[groups[level]], pairs, ideal)
        positions += rng.normal(0.0, 0.3, (len(mass), 2)) * ideal[:, None]
        positions = _simulate(positions, pairs, mass, _iterations(len(mass), _REFINE_ITERATIONS), float(ideal.mean()))
    return positions


def _fit_edges(positions: np.ndarray, pairs: np.ndarray, ideal: np.ndarray) -> np.ndarray:
    """Scale a prolonged layout so its edges (those between different parents) have about their wanted length.

    Merged nodes shrink into lighter ones at each finer level: without this the layout stays as small as the
    coarse one while the nodes multiply.
    """
    delta = positions[pairs[:, 0]] - positions[pairs[:, 1]]
    distance = np.sqrt((delta**2).sum(axis=1))
    apart = distance > 1e-9
    if not apart.any():
        return positions
    wanted = (ideal[pairs[:, 0]] + ideal[pairs[:, 1]])[apart]
    centre = positions.mean(axis=0)
    return centre + (positions - centre) * float(np.median(wanted) / np.median(distance[apart]))


def _ideal_length(weight: np.ndarray) -> np.ndarray:
    """Half the length an edge wants at each end: room for a node's sunflower of leaves (or its merged nodes)."""
    return 1.0 + 0.6 * np.sqrt(weight)


def _iterations(size: int, most: int) -> int:
    return int(min(most, max(_MIN_ITERATIONS, _PAIR_BUDGET / (size * size))))


def _match(pairs: np.ndarray, weight: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Merge each node with its lightest unmatched neighbour (random order): the group of each node, and how many."""
    adjacent: list[list[int]] = [[] for _ in range(len(weight))]
    for a, b in pairs.tolist():
        adjacent[a].append(b)
        adjacent[b].append(a)
    group = np.full(len(weight), -1, dtype=np.int64)
    count = 0
    for node in rng.permutation(len(weight)).tolist():
        if group[node] >= 0:
            continue
        free = [other for other in adjacent[node] if group[other] < 0]
        group[node] = count
        if free:
            group[min(free, key=lambda other: (weight[other], other))] = count
        count += 1
    return group, count


def _simulate(positions: np.ndarray, pairs: np.ndarray, mass: np.ndarray, iterations: int, heat: float) -> np.ndarray:
    """Fruchterman–Reingold steps: repulsion k²·m_i·m_j/d between nodes, attraction d²/L along edges, cooling linearly.

    Repulsion is exact up to _FULL_REPULSION nodes; beyond, only between nodes closer than a few edge lengths
    (found with a grid), since the coarser levels already placed the far ones.
    """
    positions = positions.copy()
    ideal = _ideal_length(mass)
    length = ideal[pairs[:, 0]] + ideal[pairs[:, 1]]
    spacing = float(np.median(ideal))  # FR's k: about the distance two ordinary nodes settle at
    strength = np.sqrt(mass) * spacing
    radius = 3.0 * spacing
    for step in range(iterations):
        if len(mass) <= _FULL_REPULSION:
            moves = _repulsion_all(positions, strength)
        else:
            moves = _repulsion_near(positions, strength, radius)
        if len(pairs):
            delta = positions[pairs[:, 0]] - positions[pairs[:, 1]]
            distance = np.sqrt((delta**2).sum(axis=1)) + 1e-9
            pull = delta * (distance / length)[:, None]
            for axis in (0, 1):
                moves[:, axis] -= np.bincount(pairs[:, 0], weights=pull[:, axis], minlength=len(mass))
                moves[:, axis] += np.bincount(pairs[:, 1], weights=pull[:, axis], minlength=len(mass))
        norm = np.sqrt((moves**2).sum(axis=1)) + 1e-9
        cap = heat * (1.0 - step / iterations) + 1e-3
        positions += moves * (np.minimum(norm, cap) / norm)[:, None]
    return positions


def _repulsion_all(positions: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Every pair, in row blocks so memory stays bounded."""
    size = len(strength)
    x, y = positions[:, 0], positions[:, 1]
    moves = np.zeros((size, 2))
    chunk = max(1, _CHUNK_CELLS // size)
    for begin in range(0, size, chunk):
        end = min(size, begin + chunk)
        dx = x[begin:end, None] - x[None, :]
        dy = y[begin:end, None] - y[None, :]
        push = (strength[begin:end, None] * strength[None, :]) / (dx * dx + dy * dy + 1e-9)
        moves[begin:end, 0] = (push * dx).sum(axis=1)
        moves[begin:end, 1] = (push * dy).sum(axis=1)
    return moves


def _repulsion_near(positions: np.ndarray, strength: np.ndarray, radius: float) -> np.ndarray:
    """Pairs closer than `radius` only: nodes are binned in cells of that size, each meets its 3x3 cells."""
    size = len(strength)
    cells = np.floor((positions - positions.min(axis=0)) / radius).astype(np.int64) + 1
    width = int(cells[:, 1].max()) + 2
    key = cells[:, 0] * width + cells[:, 1]
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    firsts, seconds = [], []
    # Each pair once: a node's own cell (other > node), then four of its eight neighbours (all of them).
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        target = key + dx * width + dy
        low = np.searchsorted(ordered, target, side="left")
        counts = np.searchsorted(ordered, target, side="right") - low
        total = int(counts.sum())
        if not total:
            continue
        owner = np.repeat(np.arange(size), counts)
        other = order[np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(low, counts)]
        if dx == dy == 0:
            owner, other = owner[owner < other], other[owner < other]
        firsts.append(owner)
        seconds.append(other)
    moves = np.zeros((size, 2))
    if not firsts:
        return moves
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    delta = positions[first] - positions[second]
    squared = (delta**2).sum(axis=1) + 1e-9
    push = np.where(squared < radius * radius, strength[first] * strength[second] / squared, 0.0)
    for axis in (0, 1):
        force = push * delta[:, axis]
        moves[:, axis] += np.bincount(first, weights=force, minlength=size)
        moves[:, axis] -= np.bincount(second, weights=force, minlength=size)
    return moves


def _place_around(at: dict[int, np.ndarray], node: int, kids: list[tuple[int, int]], away: np.ndarray | None) -> None:
    """Children of `node` on a sunflower spiral around it; in a half-disc facing `away` from its own parent.

    A child carrying a tree of its own (weight > 1) is pushed out by the radius its tree will need.
    """
    centre = at[node]
    base = 0.0 if away is None else math.atan2(away[1], away[0])
    for k, (kid, weight) in enumerate(kids):
        radius = _disc_radius(k)
        if weight > 1:
            radius += _disc_radius(weight)
        turn = (k * _GOLDEN_ANGLE) % (2 * math.pi)
        angle = base + turn if away is None else base + (turn / (2 * math.pi) - 0.5) * math.pi
        at[kid] = centre + radius * np.array([math.cos(angle), math.sin(angle)])


def _disc_radius(count: float) -> float:
    """How far the `count`-th point of a sunflower spiral lies from its centre."""
    return _SPIRAL_STEP * math.sqrt(count + _SPIRAL_OFFSET)


def _pack(pieces: list[tuple[list[int], np.ndarray]]) -> list[tuple[list[int], np.ndarray]]:
    """Components side by side in rows (shelf packing), largest first, a margin of two units between them."""
    margin = 2.0
    boxes = []
    for nodes, local in pieces:
        low, high = local.min(axis=0), local.max(axis=0)
        boxes.append((nodes, local - low, high - low + margin))
    width = max(max(float(size[0]) for _, _, size in boxes), math.sqrt(sum(float(s[0] * s[1]) for _, _, s in boxes)))
    placed = []
    x = y = row_height = 0.0
    for nodes, local, size in boxes:
        if x > 0 and x + size[0] > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        placed.append((nodes, local + np.array([x, y])))
        x += float(size[0])
        row_height = max(row_height, float(size[1]))
    return placed
