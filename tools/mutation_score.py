"""Mutation score per module from ``mutmut results --all true`` (stdin).

    mutmut results --all true | python tools/mutation_score.py [PREFIX...]

Counts each module's mutants by outcome and prints the score
killed / (killed + survived), timeouts counted with the killed (a mutant
that never ends is caught) and shown apart.  Survivors listed in
tools/mutation-excluded.txt are left out of the score, each line
"<mutant name> <equivalent|import-time>  # why": equivalent (no caller
can tell), or import-time (the code runs when the module is imported,
before mutmut switches the mutant on: no test can kill it; the tests that
pin it are named in the why, each checked by planting the bug by hand).
Mutants not run ("not checked") and those no selected test reaches ("no
tests") are shown, not scored: the second is a gap in the test selection.
PREFIX keeps only the modules whose dotted name starts with it.
"""
import collections
import pathlib
import re
import sys

EXCLUDED = pathlib.Path(__file__).with_name("mutation-excluded.txt")
COLUMNS = ("killed", "timeout", "survived", "equivalent", "import-time",
           "no tests", "not checked", "other")


def excluded_names(path=EXCLUDED):
    """{mutant name: "equivalent" or "import-time"}."""
    excluded = {}
    if path.exists():
        for line in path.read_text().splitlines():
            fields = line.split("#")[0].split()
            if fields:
                name, kind = fields
                assert kind in ("equivalent", "import-time"), line
                excluded[name] = kind
    return excluded


def outcome(status, name, excluded):
    if status == "survived" and name in excluded:
        return excluded[name]
    if status in ("killed", "timeout", "survived", "no tests",
                  "not checked"):
        return status
    return "other"


def tally(lines, excluded, prefixes=()):
    table = collections.defaultdict(collections.Counter)
    for line in lines:
        match = re.match(r"\s*(\S+): (.+?)\s*$", line)
        if not match:
            continue
        name, status = match.groups()
        # migration_dashboard.api.nova.x_service_list__mutmut_3: its module.
        module = re.sub(r"\.x[_ǁ].*$", "", name)
        if prefixes and not module.startswith(tuple(prefixes)):
            continue
        table[module][outcome(status, name, excluded)] += 1
    return table


def score(counts):
    caught = counts["killed"] + counts["timeout"]
    scored = caught + counts["survived"]
    return (100.0 * caught / scored) if scored else None


def render(table):
    rows = ["| module | " + " | ".join(COLUMNS) + " | score |",
            "|---" * (len(COLUMNS) + 2) + "|"]
    total = collections.Counter()
    for module in sorted(table):
        total.update(table[module])
        rows.append(_row(module, table[module]))
    rows.append(_row("**total**", total))
    return "\n".join(rows)


def _row(label, counts):
    value = score(counts)
    return "| %s | %s | %s |" % (
        label, " | ".join(str(counts[c]) for c in COLUMNS),
        "-" if value is None else "%.1f %%" % value)


def main(argv):
    print(render(tally(sys.stdin, excluded_names(), argv[1:])))


if __name__ == "__main__":
    main(sys.argv)
