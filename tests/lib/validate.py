#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""validate.py FILE... - check hvscope result files against
results-schema/result.schema.json (JSON Schema 2020-12), with the
fingerprint it embeds checked against results-schema/fingerprint.schema.json.
Exit 0 when all files are valid, 1 otherwise."""
import json
import os
import sys

from jsonschema import Draft202012Validator

src = os.environ.get("HVS_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
schema_dir = os.path.join(src, "results-schema")
with open(os.path.join(schema_dir, "result.schema.json")) as f:
    result_schema = json.load(f)
with open(os.path.join(schema_dir, "fingerprint.schema.json")) as f:
    fp_schema = json.load(f)
base = result_schema["$id"].rsplit("/", 1)[0] + "/"
store = {result_schema["$id"]: result_schema, base + "fingerprint.schema.json": fp_schema}
try:
    # jsonschema >= 4.18 (pip): the referencing registry.
    from referencing import Registry, Resource
    registry = Registry().with_resources([(k, Resource.from_contents(v)) for k, v in store.items()])
    v = Draft202012Validator(result_schema, registry=registry)
except ImportError:
    # Debian 12's python3-jsonschema 4.10: RefResolver with a store.
    from jsonschema import RefResolver
    v = Draft202012Validator(result_schema,
                             resolver=RefResolver(result_schema["$id"], result_schema, store=store))
bad = 0
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errs[:5]:
        print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
    bad += bool(errs)
sys.exit(1 if bad else 0)
