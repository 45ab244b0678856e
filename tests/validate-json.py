#!/usr/bin/env python3
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
errs = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
if errs:
    e = errs[0]
    print("invalid at /%s: %s" % ("/".join(str(p) for p in e.path), e.message), file=sys.stderr)
    sys.exit(1)
sys.exit(0)
