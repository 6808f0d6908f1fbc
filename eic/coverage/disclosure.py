"""Complementary suppression: which published counts to hide so that no small count can be worked out.

A count from 1 to 4 is hidden (primary suppression). Published tables add up, though (a region is the sum of its
centers, "declined" the sum of its reasons, a quarter the sum of its months), so one hidden cell in a sum could be
found by subtraction. ``protect`` therefore hides more cells (complementary suppression) until no hidden cell can
be computed from what is shown:

1. while some sum has exactly one hidden cell, hide one more of its cells: the smallest non-zero part, else the
   total;
2. then audit the whole system exactly: a hidden cell is derivable when it is fixed by the sums together (linear
   algebra, ``derivable``); for each such cell hide the cheapest shown cell its derivation uses, and go back to 1.

Cells only ever get hidden, so this ends. The published mark of every hidden cell is the same (``HIDDEN``), so a
reader cannot tell a small count from one hidden to protect it. Keys are any hashable; the order of work is the
sorted order of keys, so the same figures always give the same hidden cells on every page, file and API answer.
"""
from collections import defaultdict

SMALL = 5
HIDDEN = "x"
# Exact rank over a prime field: the sums have coefficients 0 and ±1, and a prime this large does not divide the
# minors that would make the field's answer differ from the rationals' in any table the platform publishes.
_PRIME = (1 << 61) - 1


def protect(values: dict, equations: list[tuple], *, small: int = SMALL, cost=None) -> set:
    """The keys to hide. ``values`` maps a key to its count; ``equations`` are ``(total, (part, ...))`` with
    total = the sum of the parts, over keys of ``values``. ``cost(key)`` orders the cells a sum may lose
    (cheapest first; by default a non-zero part before a zero one, a small one before a large one, the total
    last)."""
    hidden = {k for k, v in values.items() if 0 < v < small}
    cost = cost or (lambda key: (values[key] == 0, values[key]))
    # One order of work whatever order the caller listed the sums in: the same figures, the same hidden cells.
    equations = sorted(((t, tuple(sorted(parts, key=repr))) for t, parts in equations), key=repr)
    while True:
        _avoid_singletons(cost, equations, hidden)
        found = _derivations(equations, hidden)
        if not found:
            return hidden
        for key in sorted(found, key=repr):
            if found[key] & hidden:
                continue  # an earlier choice in this round already broke this derivation
            if not found[key]:
                raise RuntimeError(f"{key!r} is fixed by the sums alone")
            hidden.add(min(found[key], key=lambda c: (cost(c), repr(c))))


def _avoid_singletons(cost, equations, hidden):
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            cells = (total, *parts)
            if sum(1 for c in cells if c in hidden) == 1:
                choice = _complement(cost, total, parts, hidden)
                if choice is not None:
                    hidden.add(choice)
                    changed = True


def _complement(cost, total, parts, hidden):
    """The cheapest shown cell of a sum, parts before the total at equal cost."""
    shown = [(cost(c), i > 0, repr(c), c) for i, c in enumerate((total, *parts)) if c not in hidden]
    return min(shown, key=lambda t: (t[0], not t[1], t[2]))[3] if shown else None


def derivable(values: dict, equations: list[tuple], hidden: set) -> set:
    """The hidden keys a reader could compute exactly from the shown values and the sums: those whose unit
    vector lies in the row space of the sums restricted to the hidden cells (reduced row echelon form)."""
    return set(_derivations(equations, hidden))


def _derivations(equations, hidden) -> dict:
    """For each derivable hidden key, the shown keys its derivation uses: hiding any of them breaks it."""
    rows = []
    for index, (total, parts) in enumerate(equations):
        row = _signed(total, parts, lambda c: c in hidden)
        if row:
            rows.append((row, {index: 1}))
    order = {k: i for i, k in enumerate(sorted(hidden, key=repr))}
    found = {}
    for component in _components(rows):
        for key, combination in _fixed_columns(component, order).items():
            used = defaultdict(int)
            for index, factor in combination.items():
                total, parts = equations[index]
                for cell, v in _signed(total, parts, lambda c: c not in hidden).items():
                    used[cell] = (used[cell] + factor * v) % _PRIME
            found[key] = {cell for cell, v in used.items() if v}
    return found


def _signed(total, parts, keep) -> dict:
    """total - sum(parts) as {key: coefficient} over the keys ``keep`` accepts."""
    row = defaultdict(int)
    if keep(total):
        row[total] += 1
    for p in parts:
        if keep(p):
            row[p] -= 1
    return {k: v % _PRIME for k, v in row.items() if v % _PRIME}


def _components(rows):
    """Group rows that share hidden cells: each group is solved on its own."""
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row, _origin in rows:
        keys = list(row)
        for k in keys[1:]:
            parent[find(k)] = find(keys[0])
        find(keys[0])
    groups = defaultdict(list)
    for row in rows:
        groups[find(next(iter(row[0])))].append(row)
    return groups.values()


def _fixed_columns(rows, order) -> dict:
    """Gauss-Jordan elimination over the prime field, keeping each row's combination of the original sums. A
    column is fixed when its pivot row has nothing else; the answer maps it to that combination."""
    pivots = {}  # column -> (row, combination), the row fully reduced against the other pivots
    for row, origin in rows:
        row, origin = dict(row), dict(origin)
        for col in list(row):
            if col in pivots and col in row:
                factor = row[col]
                _subtract(row, pivots[col][0], factor)
                _subtract(origin, pivots[col][1], factor)
        if not row:
            continue
        col = min(row, key=order.__getitem__)
        inverse = pow(row[col], _PRIME - 2, _PRIME)
        row = {k: v * inverse % _PRIME for k, v in row.items()}
        origin = {k: v * inverse % _PRIME for k, v in origin.items()}
        for other_row, other_origin in pivots.values():
            if col in other_row:
                factor = other_row[col]
                _subtract(other_row, row, factor)
                _subtract(other_origin, origin, factor)
        pivots[col] = (row, origin)
    return {col: origin for col, (row, origin) in pivots.items() if len(row) == 1}


def _subtract(row, pivot_row, factor):
    """row -= factor * pivot_row, in place, dropping zeros."""
    for k, v in pivot_row.items():
        value = (row.get(k, 0) - factor * v) % _PRIME
        if value:
            row[k] = value
        else:
            row.pop(k, None)
