#!/usr/bin/python3
"""python3-jsonschema on NDJSON: the Python peer of `bitter validate`.

    /usr/bin/python3 py_validate.py SCHEMA.json DATA.ndjson [--limit N]

Builds a Draft7Validator with the draft-7 FormatChecker for the schema
(`bitter schema` output), then runs json.loads and the validator on every
non-empty line (the first N with --limit). Prints one JSON line:
{"records":N,"valid":N,"seconds":S,"compile_seconds":C}; `seconds` covers
reading, parsing and validating. Exit 0 if every record is valid, 1 if not.
Meant for Debian's python3-jsonschema, hence /usr/bin/python3 (a pyenv or
venv python3 on PATH may carry a different jsonschema).
"""

import argparse
import json
import sys
import time

import jsonschema


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("schema")
    ap.add_argument("data")
    ap.add_argument("--limit", type=int, default=0, help="validate only the first N records")
    a = ap.parse_args()

    c0 = time.perf_counter()
    with open(a.schema, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    # 4.10 (Debian 12) has draft7_format_checker; newer releases FORMAT_CHECKER.
    checker = getattr(jsonschema.Draft7Validator, "FORMAT_CHECKER", None) or jsonschema.draft7_format_checker
    validator = jsonschema.Draft7Validator(schema, format_checker=checker)
    c1 = time.perf_counter()

    records = valid = 0
    first_error = None
    loads, is_valid = json.loads, validator.is_valid
    t0 = time.perf_counter()
    with open(a.data, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            if a.limit and records >= a.limit:
                break
            records += 1
            try:
                doc = loads(line)
            except ValueError as e:
                first_error = first_error or "record %d: not JSON: %s" % (records, e)
                continue
            # is_valid stops at the first error, like ajv without allErrors.
            if is_valid(doc):
                valid += 1
            elif first_error is None:
                err = jsonschema.exceptions.best_match(validator.iter_errors(doc))
                first_error = "record %d: %s at %s" % (records, err.message, list(err.absolute_path))
    t1 = time.perf_counter()

    if first_error:
        print("first invalid record: " + first_error, file=sys.stderr)
    print(json.dumps({"records": records, "valid": valid, "seconds": t1 - t0, "compile_seconds": c1 - c0}))
    return 0 if valid == records else 1


if __name__ == "__main__":
    sys.exit(main())
