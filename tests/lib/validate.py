#!/usr/bin/env python3
"""validate.py FILE... - check hvscope result files against
results-schema/result.schema.json (JSON Schema 2020-12), with the
fingerprint it embeds checked against results-schema/fingerprint.schema.json.
Exit 0 when all files are valid, 1 otherwise."""
import json
import os
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

src = os.environ.get("HVS_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
schema_dir = os.path.join(src, "results-schema")
with open(os.path.join(schema_dir, "result.schema.json")) as f:
    result_schema = json.load(f)
with open(os.path.join(schema_dir, "fingerprint.schema.json")) as f:
    fp_schema = json.load(f)
base = result_schema["$id"].rsplit("/", 1)[0] + "/"
registry = Registry().with_resources([
    (result_schema["$id"], Resource.from_contents(result_schema)),
    (base + "fingerprint.schema.json", Resource.from_contents(fp_schema)),
    (fp_schema.get("$id", base + "fingerprint.schema.json"), Resource.from_contents(fp_schema)),
])
v = Draft202012Validator(result_schema, registry=registry)
bad = 0
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errs[:5]:
        print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
    bad += bool(errs)
sys.exit(1 if bad else 0)
