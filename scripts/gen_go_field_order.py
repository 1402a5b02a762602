#!/usr/bin/env python3
"""Writes crates/kubeplay-core/src/printers/go_field_order.txt: the JSON field order of
the Go API types (encoding/json writes struct fields in declaration order), read
from a checkout of kubernetes/api (k8s.io/api). One line per struct:

    PKG.Type field[:PKG.Type] ...

where the type after a field is the struct its value (or its list items / map
values) decodes to; scalars carry none. Embedded structs without a JSON name are
spliced in place, as encoding/json inlines them. k8s.io/apimachinery's meta/v1
types are appended by hand at the end (they live in another repository).

usage: gen_go_field_order.py /path/to/kubernetes-api-checkout > go_field_order.txt
"""
import re
import sys

PACKAGES = {
    "core": "core/v1/types.go",
    "apps": "apps/v1/types.go",
    "batch": "batch/v1/types.go",
    "autoscaling": "autoscaling/v2/types.go",
    "networking": "networking/v1/types.go",
    "discovery": "discovery/v1/types.go",
    "storage": "storage/v1/types.go",
}
IMPORTS = {
    "k8s.io/api/core/v1": "core",
    "k8s.io/apimachinery/pkg/apis/meta/v1": "meta",
}
META = """meta.ObjectMeta name generateName namespace selfLink uid resourceVersion generation creationTimestamp deletionTimestamp deletionGracePeriodSeconds labels annotations ownerReferences:meta.OwnerReference finalizers managedFields:meta.ManagedFieldsEntry
meta.ListMeta selfLink resourceVersion continue remainingItemCount
meta.OwnerReference apiVersion kind name uid controller blockOwnerDeletion
meta.ManagedFieldsEntry manager operation apiVersion time fieldsType fieldsV1 subresource
meta.LabelSelector matchLabels matchExpressions:meta.LabelSelectorRequirement
meta.LabelSelectorRequirement key operator values
meta.Condition type status observedGeneration lastTransitionTime reason message
meta.Status kind apiVersion metadata:meta.ListMeta status message reason details:meta.StatusDetails code
meta.StatusDetails name group kind uid causes:meta.StatusCause retryAfterSeconds
meta.StatusCause reason message field
meta.APIVersions kind apiVersion versions serverAddressByClientCIDRs:meta.ServerAddressByClientCIDR
meta.ServerAddressByClientCIDR clientCIDR serverAddress
meta.APIGroupList kind apiVersion groups:meta.APIGroup
meta.APIGroup kind apiVersion name versions:meta.GroupVersionForDiscovery preferredVersion:meta.GroupVersionForDiscovery serverAddressByClientCIDRs:meta.ServerAddressByClientCIDR
meta.GroupVersionForDiscovery groupVersion version
meta.RootPaths paths
version.Info major minor emulationMajor emulationMinor minCompatibilityMajor minCompatibilityMinor gitVersion gitCommit gitTreeState buildDate goVersion compiler platform"""

ROOTS = """core.Pod core.Node core.Namespace core.Service core.Event core.ConfigMap core.ServiceAccount
core.Secret core.Endpoints discovery.EndpointSlice core.PersistentVolume core.PersistentVolumeClaim
storage.StorageClass apps.Deployment apps.ReplicaSet apps.DaemonSet apps.StatefulSet
apps.ControllerRevision batch.Job batch.CronJob autoscaling.HorizontalPodAutoscaler
networking.Ingress networking.IngressClass"""

FIELD = re.compile(r'^\t(?:(\w+)\s+)?([\w\.\*\[\]]+(?:\[[\w\.]+\][\w\.\*\[\]]+)?)\s+`json:"([^"]*)"')


def parse(pkg, text):
    aliases = {}
    for alias, path in re.findall(r'^\s*(\w+)?\s*"([^"]+)"', text.split("\n)\n", 1)[0], re.M):
        if path in IMPORTS:
            aliases[alias or path.rsplit("/", 1)[-1]] = IMPORTS[path]
    structs = {}
    for name, body in re.findall(r"^type (\w+) struct \{\n(.*?)^\}", text, re.M | re.S):
        fields = []
        for line in body.split("\n"):
            m = FIELD.match(line)
            if not m:
                continue
            fname, ftype, tag = m.groups()
            json_name = tag.split(",")[0]
            if json_name == "-":
                continue
            base = re.sub(r"^(?:\*|\[\]|map\[[\w\.]+\])+", "", ftype)
            if "." in base:
                alias, tname = base.split(".", 1)
                qualified = f"{aliases[alias]}.{tname}" if alias in aliases else None
            else:
                qualified = f"{pkg}.{base}"
            inline = fname is None and json_name == ""
            fields.append((json_name, qualified, inline))
        structs[f"{pkg}.{name}"] = fields
    return structs


def main():
    root = sys.argv[1]
    structs = {}
    for pkg, path in PACKAGES.items():
        with open(f"{root}/{path}") as f:
            structs.update(parse(pkg, f.read()))
    meta = {l.split()[0]: l for l in META.splitlines()}
    known = set(structs) | set(meta)

    def flat(name, seen=()):
        out = []
        for json_name, t, inline in structs.get(name, []):
            if inline:
                if t in structs and t not in seen:
                    out.extend(flat(t, seen + (name,)))
                elif t == "meta.TypeMeta":
                    out.extend([("kind", None), ("apiVersion", None)])
                continue
            out.append((json_name, t if t in known else None))
        return out

    # Only what the stored kinds reach (api/kinds.rs), lists included.
    todo = [r for r in ROOTS.split()] + [r + "List" for r in ROOTS.split()]
    reached = set()
    while todo:
        name = todo.pop()
        if name in reached or name not in structs:
            continue
        reached.add(name)
        todo.extend(t for _, t in flat(name) if t)
    for name in sorted(reached):
        fields = flat(name)
        if fields:
            print(name + " " + " ".join(f + (":" + t if t else "") for f, t in fields))
    for line in META.splitlines():
        print(line)


main()
