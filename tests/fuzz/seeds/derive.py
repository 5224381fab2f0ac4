#!/usr/bin/env python3
"""Writes the seeds that are cut from the real captures (tests/fixtures), small enough for the
fuzz targets' max_len: run it again after re-capturing the fixtures.

- dumpheap_stat/<capture>-{head,tail}.txt: each capture's `dumpheap -stat` table cut to its
  first or last ten rows, with the Total line recomputed (in the capture's number format);
- report_merge/<scenario>-trimmed.json: each scenario of report/forms-pair.json alone, every
  array cut to its first element.
"""
import json
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent / "fixtures"


def number(n, grouped):
    return f"{n:,}" if grouped else str(n)


def dumpheap_heads():
    for capture in sorted((FIXTURES / "sos").glob("forms-*.txt")):
        lines = capture.read_text().splitlines()
        start = lines.index("Statistics:")
        end = next(i for i in range(start, len(lines)) if lines[i].startswith("Total "))
        grouped = "," in lines[end]
        all_rows = [row for row in lines[start + 2:end] if row.strip()]
        for part, rows in (("head", all_rows[:10]), ("tail", all_rows[-10:])):
            objects = sum(int(row.split()[1].replace(",", "")) for row in rows)
            size = sum(int(row.split()[2].replace(",", "")) for row in rows)
            table = lines[start:start + 2] + rows
            table.append(
                f"Total {number(objects, grouped)} objects, {number(size, grouped)} bytes")
            out = HERE / "dumpheap_stat" / f"{capture.stem}-{part}.txt"
            out.write_text("\n".join(table) + "\n")


def first_only(value):
    if isinstance(value, list):
        return [first_only(v) for v in value[:1]]
    if isinstance(value, dict):
        return {k: first_only(v) for k, v in value.items()}
    return value


def report_trims():
    report = json.loads((FIXTURES / "report" / "forms-pair.json").read_text())
    for scenario in report["scenarios"]:
        alone = dict(report, scenarios=[scenario])
        text = json.dumps(first_only(alone), separators=(",", ":"), sort_keys=True)
        name = re.sub(r"[^A-Za-z0-9-]", "_", scenario["name"])
        (HERE / "report_merge" / f"{name}-trimmed.json").write_text(text + "\n")


if __name__ == "__main__":
    dumpheap_heads()
    report_trims()
