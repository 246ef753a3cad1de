#!/usr/bin/env python3
"""Splits the Kubernetes 1.32 API definitions into one minified JSON file per Go package.

Input: `kubernetes_validate/kubernetes-json-schema/v1.32.0-local/_definitions.json` from the
PyPI package kubernetes-validate 1.37.0 (Apache-2.0), obtained with
`pip download --no-deps kubernetes-validate==1.37.0` and unzipped. That file is the
`definitions` section of Kubernetes v1.32.0's `api/openapi-spec/swagger.json`, rewritten by
openapi2jsonschema (JSON Schema 2020-12: `$ref`s point at `#/$defs/NAME`, every `type` also
admits `null`, IntOrString and Quantity are `oneOf`s). Descriptions and `x-kubernetes-*`
extensions are kept as upstream wrote them.

Output: `<package>.json` (e.g. `io.k8s.api.core.v1.json`), each an object NAME -> schema,
keys sorted, no whitespace. Run from this directory: `python3 split.py PATH/_definitions.json`.
"""
import collections
import json
import sys

defs = json.load(open(sys.argv[1]))["$defs"]
packages = collections.defaultdict(dict)
for name, schema in defs.items():
    packages[name.rsplit(".", 1)[0]][name] = schema
for package, schemas in sorted(packages.items()):
    with open(f"{package}.json", "w") as f:
        json.dump(schemas, f, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        f.write("\n")
