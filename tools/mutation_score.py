"""Mutation score per module from ``mutmut results --all true`` (stdin).

    mutmut results --all true | python tools/mutation_score.py [PREFIX...]

Counts each module's mutants by outcome and prints the score
killed / (killed + survived), timeouts counted with the killed (a mutant
that never ends is caught) and shown apart.  Mutants listed in
tools/mutation-equivalent.txt (one name a line, "# why" after it) are left
out of the score and counted as "equivalent".  Mutants not run ("not
checked") and those no selected test reaches ("no tests") are shown, not
scored: the second is a gap in the test selection, not a score.  PREFIX
keeps only the modules whose dotted name starts with it.
"""
import collections
import pathlib
import re
import sys

EQUIVALENT = pathlib.Path(__file__).with_name("mutation-equivalent.txt")
COLUMNS = ("killed", "timeout", "survived", "equivalent", "no tests",
           "not checked", "other")


def equivalent_names(path=EQUIVALENT):
    if not path.exists():
        return set()
    return {line.split("#")[0].strip()
            for line in path.read_text().splitlines()
            if line.split("#")[0].strip()}


def outcome(status, name, equivalent):
    if name in equivalent:
        return "equivalent"
    if status in ("killed", "timeout", "survived", "no tests",
                  "not checked"):
        return status
    return "other"


def tally(lines, equivalent, prefixes=()):
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
        table[module][outcome(status, name, equivalent)] += 1
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
    print(render(tally(sys.stdin, equivalent_names(), argv[1:])))


if __name__ == "__main__":
    main(sys.argv)
