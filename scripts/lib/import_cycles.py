#!/usr/bin/env python3
"""Finds import cycles between the source files of each crate under a `src` directory.

A file's edges are the `crate::`, `super::` and `self::` paths in its code (comments and the
`#[cfg(test)]` module left out), each resolved to the deepest module file that exists. An edge
between a module's root file (`x.rs` or `x/mod.rs`) and a file below it does not count: a
folder's root and its children are one room. Any other strongly connected set of files is
reported. Exit status 1 when there is one.
"""

import re
import sys
from pathlib import Path

PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z_0-9]*)+|::\{[^}]*\})")


def module_files(root: Path, crate_root: Path) -> dict:
    """Module path (tuple) -> file, for one crate whose root file is crate_root."""
    base = crate_root.parent
    mods = {(): crate_root}
    for f in sorted(base.rglob("*.rs")):
        if f == crate_root:
            continue
        rel = f.relative_to(base).with_suffix("")
        parts = rel.parts
        if base == root and parts and parts[0] == "bin":
            continue
        if parts[-1] == "mod":
            parts = parts[:-1]
        mods[tuple(parts)] = f
    return mods


def code(text: str) -> str:
    out = []
    test = False
    for line in text.splitlines():
        # The test module (`#[cfg(test)]` then `mod …`) ends the code that counts.
        if test and line.startswith("mod "):
            break
        test = line.startswith("#[cfg(test)]")
        if line.lstrip().startswith("//"):
            continue
        out.append(line)
    return "\n".join(out)


def resolve(mods: dict, path: tuple):
    for n in range(len(path), -1, -1):
        if path[:n] in mods:
            return path[:n]
    return None


def aliases(crate_root: Path) -> dict:
    """`pub use a::{b, c};` at the crate root: b -> (a, b)."""
    out = {}
    for m in re.finditer(r"^pub use (\w+)::\{([^}]*)\};", crate_root.read_text(), re.M):
        for name in m.group(2).replace(" ", "").split(","):
            if name:
                out[name] = (m.group(1), name)
    return out


def cycles(mods: dict, alias: dict) -> list:
    by_file = {f: p for p, f in mods.items()}
    edges = {p: set() for p in mods}
    for f, me in by_file.items():
        here = me
        for m in PATH.finditer(code(f.read_text())):
            head, rest = m.group(1), m.group(2)
            if head == "crate":
                base = ()
            elif head == "super":
                base = here[:-1]
            else:
                base = here
            tails = []
            if rest.startswith("::{"):
                tails = [t.split("::") for t in rest[3:].replace(" ", "").split(",") if t]
            else:
                tails = [rest[2:].split("::")]
            for t in tails:
                t = [x for x in t if x and x != "self" and x != "*"]
                if head == "crate" and t and t[0] in alias:
                    t = list(alias[t[0]]) + t[1:]
                target = resolve(mods, base + tuple(t))
                if target is None or target == me:
                    continue
                # A root and the files below it are one room.
                if target == me[: len(target)] or me == target[: len(me)]:
                    continue
                edges[me].add(target)
    # Tarjan's strongly connected components.
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(str(mods[c]) for c in comp))

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    crates = [root / "lib.rs"] + sorted(root.glob("bin/*/main.rs"))
    bad = 0
    for crate_root in crates:
        mods = module_files(root, crate_root)
        for comp in cycles(mods, aliases(crate_root)):
            print("import cycle: " + " <-> ".join(comp), file=sys.stderr)
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
