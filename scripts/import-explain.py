#!/usr/bin/env python3
"""Regenerates the field documentation `kubectl explain` shows in kubeplay.

    python3 scripts/import-explain.py

Reads the OpenAPI schemas of Kubernetes v1.34 that the k8s-openapi crate carries
(its `schemars` impls hold each schema's descriptions, types, references and
required fields exactly as the v1.34 OpenAPI has them) for the kinds and fields
learners explain most, and writes crates/kubeplay-core/src/kubectl/explain.json.

k8s-openapi drops enum values and the "Possible enum values:" paragraph kubectl
prints; those come from the OpenAPI v3 test documents of kubectl's release-1.34
branch (testdata/openapi/v3, given as SPEC_DIR; an older cut of the same API, so a
field added since then has no enum list).

A maintenance tool: nothing at build or test time runs it.
"""

import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates/kubeplay-core/src/kubectl/explain.json")
CARGO = os.path.expanduser("~/.cargo/registry/src")
SPEC_DIR = sys.argv[1] if len(sys.argv) > 1 else "/tmp/spec"

# The kinds `kubectl explain` documents here: resource, kind, group, version, schema.
KINDS = [
    ("pods", "Pod", "", "v1", "io.k8s.api.core.v1.Pod"),
    ("services", "Service", "", "v1", "io.k8s.api.core.v1.Service"),
    ("configmaps", "ConfigMap", "", "v1", "io.k8s.api.core.v1.ConfigMap"),
    ("secrets", "Secret", "", "v1", "io.k8s.api.core.v1.Secret"),
    ("namespaces", "Namespace", "", "v1", "io.k8s.api.core.v1.Namespace"),
    ("deployments", "Deployment", "apps", "v1", "io.k8s.api.apps.v1.Deployment"),
    ("replicasets", "ReplicaSet", "apps", "v1", "io.k8s.api.apps.v1.ReplicaSet"),
]

# Schemas whose fields are documented (the kinds and the paths below them that
# learners explain: pod.spec, pod.spec.containers, deployment.spec.template ...).
SCHEMAS = [
    "io.k8s.api.core.v1.Pod",
    "io.k8s.api.core.v1.PodSpec",
    "io.k8s.api.core.v1.Container",
    "io.k8s.api.core.v1.ContainerPort",
    "io.k8s.api.core.v1.EnvVar",
    "io.k8s.api.core.v1.ResourceRequirements",
    "io.k8s.api.core.v1.VolumeMount",
    "io.k8s.api.core.v1.PodTemplateSpec",
    "io.k8s.api.core.v1.Service",
    "io.k8s.api.core.v1.ServiceSpec",
    "io.k8s.api.core.v1.ServicePort",
    "io.k8s.api.core.v1.ConfigMap",
    "io.k8s.api.core.v1.Secret",
    "io.k8s.api.core.v1.Namespace",
    "io.k8s.api.core.v1.NamespaceSpec",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
    "io.k8s.api.apps.v1.Deployment",
    "io.k8s.api.apps.v1.DeploymentSpec",
    "io.k8s.api.apps.v1.DeploymentStrategy",
    "io.k8s.api.apps.v1.RollingUpdateDeployment",
    "io.k8s.api.apps.v1.ReplicaSet",
    "io.k8s.api.apps.v1.ReplicaSetSpec",
]

# Referenced schemas that are not objects: explain names them by their type.
PRIMITIVE_REFS = {
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "string",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "string",
}


def k8s_openapi_dir():
    dirs = sorted(glob.glob(os.path.join(CARGO, "*", "k8s-openapi-0.*")))
    if not dirs:
        sys.exit("k8s-openapi is not in ~/.cargo/registry: run cargo build first")
    return os.path.join(dirs[-1], "src", "v1_34")


def schema_source(src, name):
    """The json_schema!({...}) body of the type whose schema_name is `name`."""
    needle = f'"{name}".into()'
    for path in glob.glob(os.path.join(src, "**", "*.rs"), recursive=True):
        text = open(path).read()
        if needle in text:
            start = text.index("json_schema!(", text.index(needle)) + len("json_schema!(")
            depth = 0
            i = start
            while i < len(text):
                c = text[i]
                if c == '"':
                    # Skip a string literal (its parentheses do not count).
                    i += 1
                    while text[i] != '"':
                        i += 2 if text[i] == "\\" else 1
                elif c == "(":
                    depth += 1
                elif c == ")":
                    if depth == 0:
                        return text[start:i]
                    depth -= 1
                i += 1
            break
    sys.exit(f"schema {name} not found in k8s-openapi")


def rust_path_to_name(path):
    """crate::api::core::v1::PodSpec -> io.k8s.api.core.v1.PodSpec"""
    parts = path.replace("crate::", "").split("::")
    return "io.k8s." + ".".join(parts)


def to_json(body):
    """The json_schema! macro body as JSON: references become {"$ref": name}."""
    # A reference with its own description.
    body = re.sub(
        r'\(\{\s*let mut schema_obj = __gen\.subschema_for::<([\w:]+)>\(\);\s*'
        r'schema_obj\.ensure_object\(\)\.insert\("description"\.into\(\), ("(?:[^"\\]|\\.)*")\.into\(\)\);\s*schema_obj\s*\}\)',
        lambda m: '{"$ref": "%s", "description": %s}' % (rust_path_to_name(m.group(1)), m.group(2)),
        body,
    )
    body = re.sub(r"\(__gen\.subschema_for::<([\w:]+)>\(\)\)", lambda m: '{"$ref": "%s"}' % rust_path_to_name(m.group(1)), body)
    # Rust allows trailing commas; JSON does not.
    body = re.sub(r",(\s*[}\]])", r"\1", body)
    return json.loads(body)


def type_guess(schema):
    """kubectl's plaintext template `typeGuess`."""
    if "items" in schema:
        return "[]" + type_guess(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        return "map[string]" + type_guess(schema["additionalProperties"])
    if "$ref" in schema:
        ref = schema["$ref"]
        return PRIMITIVE_REFS.get(ref, ref.split(".")[-1])
    t = schema.get("type")
    return "Object" if t in (None, "object") else t


def target(schema):
    """The schema explain descends into for a property (through arrays and maps)."""
    if "items" in schema:
        return target(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        return target(schema["additionalProperties"])
    return schema.get("$ref", "")


# Enum fields the test documents lack (apps/v1 there carries no enums); the text is
# the v1.34 OpenAPI's, from the Go constants' comments (k8s.io/api apps/v1 types.go).
EXTRA_ENUMS = {
    ("io.k8s.api.apps.v1.DeploymentStrategy", "type"): (
        ["Recreate", "RollingUpdate"],
        "\n\nPossible enum values:\n - `\"Recreate\"` Kill all existing pods before creating new ones.\n"
        " - `\"RollingUpdate\"` Replace the old ReplicaSets by new one using rolling update i.e gradually scale down"
        " the old ReplicaSets and scale up the new one.",
    ),
}


def load_enums():
    enums = dict(EXTRA_ENUMS)
    for path in glob.glob(os.path.join(SPEC_DIR, "*.json")):
        for name, s in json.load(open(path))["components"]["schemas"].items():
            for prop, ps in s.get("properties", {}).items():
                if "enum" in ps:
                    desc = ps.get("description", "")
                    at = desc.find("\n\nPossible enum values:")
                    enums[(name, prop)] = (ps["enum"], desc[at:] if at >= 0 else "")
    return enums


def main():
    src = k8s_openapi_dir()
    enums = load_enums()
    schemas = {}
    for name in SCHEMAS:
        s = to_json(schema_source(src, name))
        props = []
        for prop, ps in sorted(s.get("properties", {}).items()):
            desc = ps.get("description", "")
            entry = {"n": prop, "t": type_guess(ps), "d": desc}
            if prop in s.get("required", []):
                entry["r"] = True
            if (name, prop) in enums:
                values, tail = enums[(name, prop)]
                entry["e"] = values
                entry["d"] = desc + tail
            if target(ps) and target(ps) not in PRIMITIVE_REFS:
                entry["s"] = target(ps)
            props.append(entry)
        schemas[name] = {"d": s.get("description", ""), "p": props}
    # Descriptions of referenced schemas that are not documented here, for the
    # DESCRIPTION of a field whose type they are.
    for s in list(schemas.values()):
        for p in s["p"]:
            ref = p.get("s")
            if ref and ref not in schemas:
                schemas[ref] = {"d": to_json(schema_source(src, ref)).get("description", ""), "p": None}
    doc = {"kinds": KINDS, "schemas": schemas}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=0, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    print(f"{len(schemas)} schemas, {os.path.getsize(OUT)} bytes in {OUT}")


if __name__ == "__main__":
    main()
