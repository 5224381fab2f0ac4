#!/usr/bin/python3
"""Validates JSON files against a JSON Schema with Debian's python3-jsonschema (an independent
validator: not leakgate's own loader). Usage: validate.py SCHEMA FILE... Prints one line per file
("ok FILE" or "invalid FILE: /pointer: message" for each error) and exits 0 when every file is
valid, 1 when one is not, 2 when a file cannot be read as JSON."""
import json
import sys

import jsonschema


def pointer(path):
    return "/" + "/".join(str(p) for p in path)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    worst = 0
    for name in argv[2:]:
        try:
            with open(name, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"unreadable {name}: {e}")
            worst = 2
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if not errors:
            print(f"ok {name}")
            continue
        worst = max(worst, 1)
        for e in errors:
            print(f"invalid {name}: {pointer(e.absolute_path)}: {e.message}")
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv))
