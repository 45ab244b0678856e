#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""validate-json.py SCHEMA [FILE] - validate a JSON document (FILE or stdin)
against a JSON Schema 2020-12 with python3-jsonschema. Exit 0 valid,
1 invalid (first error on stderr), 2 usage, 77 jsonschema missing."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate-json: python3 jsonschema module missing", file=sys.stderr)
    sys.exit(77)

if len(sys.argv) not in (2, 3):
    print(__doc__, file=sys.stderr)
    sys.exit(2)
with open(sys.argv[1]) as f:
    schema = json.load(f)
doc = json.load(open(sys.argv[2]) if len(sys.argv) == 3 else sys.stdin)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)

# Every schema of results-schema/ by its $id, so $refs between them resolve
# locally; any other reference is an error, never a network fetch.
import glob
import os
store = {}
for path in glob.glob(os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "*.schema.json")):
    with open(path) as f:
        s = json.load(f)
    if "$id" in s:
        store[s["$id"]] = s


def refuse(uri):
    raise ValueError("validate-json: refusing to fetch %s (not in results-schema/)" % uri)


try:
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource

    def retrieve(uri):
        raise NoSuchResource(ref=uri)

    registry = Registry(retrieve=retrieve).with_resources(
        [(k, Resource.from_contents(v)) for k, v in store.items()])
    validator = cls(schema, registry=registry)
except ImportError:
    from jsonschema import RefResolver
    validator = cls(schema, resolver=RefResolver(schema.get("$id", ""), schema, store=store,
                                                 handlers={"http": refuse, "https": refuse}))
errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
if errs:
    e = errs[0]
    print("invalid at /%s: %s" % ("/".join(str(p) for p in e.path), e.message), file=sys.stderr)
    sys.exit(1)
sys.exit(0)
