//! `kubectl api-resources` and `kubectl api-versions`: what discovery reports on a
//! fresh kubeadm v1.34 cluster (every GA API group; the beta and alpha groups are
//! off by default), printed as kubectl/pkg/cmd/apiresources does: sorted by group,
//! then name; APIVERSION is `group/version`; `-o wide` adds VERBS and CATEGORIES.
//!
//! metrics-server's `metrics.k8s.io/v1beta1` is listed too: the default cluster
//! runs it (`kubectl top` works).
//!
//! This is the server's whole catalogue, larger than the kinds the simulation
//! stores (`resources::RESOURCE_TYPES`): `kubectl get` on the others answers
//! from an empty table.

use super::flags::{self, flag, FlagDef, FlagKind};
use super::{usage_error, Io};
use crate::output::Output;
use crate::printers::table::{get_table, row};

/// One resource as discovery describes it.
pub(super) struct ApiResource {
    pub name: &'static str,
    short_names: &'static str,
    pub group: &'static str,
    version: &'static str,
    namespaced: bool,
    kind: &'static str,
    verbs: &'static str,
    categories: &'static str,
}

impl ApiResource {
    /// `pods`, `deployments.apps`: how `api-resources -o name` prints it.
    fn qualified_name(&self) -> String {
        if self.group.is_empty() { self.name.to_string() } else { format!("{}.{}", self.name, self.group) }
    }
}

/// `kubectl api-resources -o name --verbs=VERB`: what `kubectl get <Tab>` offers
/// (completion.go `compGetResourceList`).
pub(crate) fn names_with_verb(verb: &str) -> Vec<String> {
    let mut chosen: Vec<&ApiResource> = API_RESOURCES.iter().filter(|r| r.verbs.split(',').any(|v| v == verb)).collect();
    crate::sorting::sort_by(&mut chosen, |a, b| a.group.cmp(b.group).then(a.name.cmp(b.name)));
    chosen.into_iter().map(ApiResource::qualified_name).collect()
}

const ALL_VERBS: &str = "create,delete,deletecollection,get,list,patch,update,watch";
/// Namespaces have no `deletecollection`.
const NO_COLLECTION_DELETE: &str = "create,delete,get,list,patch,update,watch";
/// Reviews are create-only virtual resources.
const CREATE_ONLY: &str = "create";

macro_rules! res {
    ($name:expr, $short:expr, $group:expr, $version:expr, $ns:expr, $kind:expr, $verbs:expr, $cat:expr) => {
        ApiResource { name: $name, short_names: $short, group: $group, version: $version, namespaced: $ns, kind: $kind, verbs: $verbs, categories: $cat }
    };
}

/// Discovery of a kubeadm v1.34 cluster, already in api-resources' default order.
static API_RESOURCES: &[ApiResource] = &[
    res!("bindings", "", "", "v1", true, "Binding", CREATE_ONLY, ""),
    res!("componentstatuses", "cs", "", "v1", false, "ComponentStatus", "get,list", ""),
    res!("configmaps", "cm", "", "v1", true, "ConfigMap", ALL_VERBS, ""),
    res!("endpoints", "ep", "", "v1", true, "Endpoints", ALL_VERBS, ""),
    res!("events", "ev", "", "v1", true, "Event", ALL_VERBS, ""),
    res!("limitranges", "limits", "", "v1", true, "LimitRange", ALL_VERBS, ""),
    res!("namespaces", "ns", "", "v1", false, "Namespace", NO_COLLECTION_DELETE, ""),
    res!("nodes", "no", "", "v1", false, "Node", ALL_VERBS, ""),
    res!("persistentvolumeclaims", "pvc", "", "v1", true, "PersistentVolumeClaim", ALL_VERBS, ""),
    res!("persistentvolumes", "pv", "", "v1", false, "PersistentVolume", ALL_VERBS, ""),
    res!("pods", "po", "", "v1", true, "Pod", ALL_VERBS, "all"),
    res!("podtemplates", "", "", "v1", true, "PodTemplate", ALL_VERBS, ""),
    res!("replicationcontrollers", "rc", "", "v1", true, "ReplicationController", ALL_VERBS, "all"),
    res!("resourcequotas", "quota", "", "v1", true, "ResourceQuota", ALL_VERBS, ""),
    res!("secrets", "", "", "v1", true, "Secret", ALL_VERBS, ""),
    res!("serviceaccounts", "sa", "", "v1", true, "ServiceAccount", ALL_VERBS, ""),
    res!("services", "svc", "", "v1", true, "Service", ALL_VERBS, "all"),
    res!("mutatingwebhookconfigurations", "", "admissionregistration.k8s.io", "v1", false, "MutatingWebhookConfiguration", ALL_VERBS, "api-extensions"),
    res!("validatingadmissionpolicies", "", "admissionregistration.k8s.io", "v1", false, "ValidatingAdmissionPolicy", ALL_VERBS, "api-extensions"),
    res!("validatingadmissionpolicybindings", "", "admissionregistration.k8s.io", "v1", false, "ValidatingAdmissionPolicyBinding", ALL_VERBS, "api-extensions"),
    res!("validatingwebhookconfigurations", "", "admissionregistration.k8s.io", "v1", false, "ValidatingWebhookConfiguration", ALL_VERBS, "api-extensions"),
    res!("customresourcedefinitions", "crd,crds", "apiextensions.k8s.io", "v1", false, "CustomResourceDefinition", ALL_VERBS, "api-extensions"),
    res!("apiservices", "", "apiregistration.k8s.io", "v1", false, "APIService", ALL_VERBS, "api-extensions"),
    res!("controllerrevisions", "", "apps", "v1", true, "ControllerRevision", ALL_VERBS, ""),
    res!("daemonsets", "ds", "apps", "v1", true, "DaemonSet", ALL_VERBS, "all"),
    res!("deployments", "deploy", "apps", "v1", true, "Deployment", ALL_VERBS, "all"),
    res!("replicasets", "rs", "apps", "v1", true, "ReplicaSet", ALL_VERBS, "all"),
    res!("statefulsets", "sts", "apps", "v1", true, "StatefulSet", ALL_VERBS, "all"),
    res!("selfsubjectreviews", "", "authentication.k8s.io", "v1", false, "SelfSubjectReview", CREATE_ONLY, ""),
    res!("tokenreviews", "", "authentication.k8s.io", "v1", false, "TokenReview", CREATE_ONLY, ""),
    res!("localsubjectaccessreviews", "", "authorization.k8s.io", "v1", true, "LocalSubjectAccessReview", CREATE_ONLY, ""),
    res!("selfsubjectaccessreviews", "", "authorization.k8s.io", "v1", false, "SelfSubjectAccessReview", CREATE_ONLY, ""),
    res!("selfsubjectrulesreviews", "", "authorization.k8s.io", "v1", false, "SelfSubjectRulesReview", CREATE_ONLY, ""),
    res!("subjectaccessreviews", "", "authorization.k8s.io", "v1", false, "SubjectAccessReview", CREATE_ONLY, ""),
    res!("horizontalpodautoscalers", "hpa", "autoscaling", "v2", true, "HorizontalPodAutoscaler", ALL_VERBS, "all"),
    res!("cronjobs", "cj", "batch", "v1", true, "CronJob", ALL_VERBS, "all"),
    res!("jobs", "", "batch", "v1", true, "Job", ALL_VERBS, "all"),
    res!("certificatesigningrequests", "csr", "certificates.k8s.io", "v1", false, "CertificateSigningRequest", ALL_VERBS, ""),
    res!("leases", "", "coordination.k8s.io", "v1", true, "Lease", ALL_VERBS, ""),
    res!("endpointslices", "", "discovery.k8s.io", "v1", true, "EndpointSlice", ALL_VERBS, ""),
    res!("events", "ev", "events.k8s.io", "v1", true, "Event", ALL_VERBS, ""),
    res!("flowschemas", "", "flowcontrol.apiserver.k8s.io", "v1", false, "FlowSchema", ALL_VERBS, ""),
    res!("prioritylevelconfigurations", "", "flowcontrol.apiserver.k8s.io", "v1", false, "PriorityLevelConfiguration", ALL_VERBS, ""),
    // Served by metrics-server (installed in the default cluster) through its APIService.
    res!("nodes", "", "metrics.k8s.io", "v1beta1", false, "NodeMetrics", "get,list", ""),
    res!("pods", "", "metrics.k8s.io", "v1beta1", true, "PodMetrics", "get,list", ""),
    res!("ingressclasses", "", "networking.k8s.io", "v1", false, "IngressClass", ALL_VERBS, ""),
    res!("ingresses", "ing", "networking.k8s.io", "v1", true, "Ingress", ALL_VERBS, ""),
    res!("ipaddresses", "ip", "networking.k8s.io", "v1", false, "IPAddress", ALL_VERBS, ""),
    res!("networkpolicies", "netpol", "networking.k8s.io", "v1", true, "NetworkPolicy", ALL_VERBS, ""),
    res!("servicecidrs", "", "networking.k8s.io", "v1", false, "ServiceCIDR", ALL_VERBS, ""),
    res!("runtimeclasses", "", "node.k8s.io", "v1", false, "RuntimeClass", ALL_VERBS, ""),
    res!("poddisruptionbudgets", "pdb", "policy", "v1", true, "PodDisruptionBudget", ALL_VERBS, ""),
    res!("clusterrolebindings", "", "rbac.authorization.k8s.io", "v1", false, "ClusterRoleBinding", ALL_VERBS, ""),
    res!("clusterroles", "", "rbac.authorization.k8s.io", "v1", false, "ClusterRole", ALL_VERBS, ""),
    res!("rolebindings", "", "rbac.authorization.k8s.io", "v1", true, "RoleBinding", ALL_VERBS, ""),
    res!("roles", "", "rbac.authorization.k8s.io", "v1", true, "Role", ALL_VERBS, ""),
    res!("deviceclasses", "", "resource.k8s.io", "v1", false, "DeviceClass", ALL_VERBS, ""),
    res!("resourceclaims", "", "resource.k8s.io", "v1", true, "ResourceClaim", ALL_VERBS, ""),
    res!("resourceclaimtemplates", "", "resource.k8s.io", "v1", true, "ResourceClaimTemplate", ALL_VERBS, ""),
    res!("resourceslices", "", "resource.k8s.io", "v1", false, "ResourceSlice", ALL_VERBS, ""),
    res!("priorityclasses", "pc", "scheduling.k8s.io", "v1", false, "PriorityClass", ALL_VERBS, ""),
    res!("csidrivers", "", "storage.k8s.io", "v1", false, "CSIDriver", ALL_VERBS, ""),
    res!("csinodes", "", "storage.k8s.io", "v1", false, "CSINode", ALL_VERBS, ""),
    res!("csistoragecapacities", "", "storage.k8s.io", "v1", true, "CSIStorageCapacity", ALL_VERBS, ""),
    res!("storageclasses", "sc", "storage.k8s.io", "v1", false, "StorageClass", ALL_VERBS, ""),
    res!("volumeattachments", "", "storage.k8s.io", "v1", false, "VolumeAttachment", ALL_VERBS, ""),
    res!("volumeattributesclasses", "vac", "storage.k8s.io", "v1", false, "VolumeAttributesClass", ALL_VERBS, ""),
];

/// The resource a user's word names as the REST mapper finds it: plural, short
/// name or kind, any case (`po`, `pods`, `Pod`); core before other groups.
pub(super) fn resolve(word: &str) -> Option<&'static ApiResource> {
    let word = word.to_lowercase();
    API_RESOURCES
        .iter()
        .find(|r| r.name == word || r.kind.to_lowercase() == word || r.short_names.split(',').any(|s| s == word))
}

/// Every served group/version (`autoscaling/v1` is served beside the preferred v2).
const API_VERSIONS: &[&str] = &[
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
    "apiregistration.k8s.io/v1",
    "apps/v1",
    "authentication.k8s.io/v1",
    "authorization.k8s.io/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "certificates.k8s.io/v1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "events.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1",
    "metrics.k8s.io/v1beta1",
    "networking.k8s.io/v1",
    "node.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "resource.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1",
    "v1",
];

const FLAGS: &[FlagDef] = &[
    flag("output", Some('o'), FlagKind::Value),
    flag("no-headers", None, FlagKind::Bool),
    flag("api-group", None, FlagKind::Value),
    flag("namespaced", None, FlagKind::Bool),
    flag("verbs", None, FlagKind::Value),
    flag("sort-by", None, FlagKind::Value),
    flag("cached", None, FlagKind::Bool),
    flag("categories", None, FlagKind::Value),
];

/// `usage error` form of cmdutil.UsageErrorf: the message, then where the examples are.
fn unexpected_args(verb: &str, args: &[String], out: &mut Output) -> i32 {
    out.err(&format!("error: unexpected arguments: [{}]", args.join(" ")));
    out.err(&format!("See 'kubectl {verb} -h' for help and examples"));
    1
}

/// `--verbs a,b --verbs c`: string slices as pflag collects them.
fn list_values(p: &flags::Parsed, name: &str) -> Vec<String> {
    p.values(name).iter().flat_map(|v| v.split(',')).filter(|s| !s.is_empty()).map(String::from).collect()
}

pub fn run(args: &[String], io: &Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, FLAGS, io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("api-resources", e.message(), out),
    };
    if !p.args.is_empty() {
        return unexpected_args("api-resources", &p.args, out);
    }
    let output = p.value("output").unwrap_or("");
    if !matches!(output, "" | "wide" | "name" | "json" | "yaml") {
        out.err(&format!("error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,name,wide,yaml"));
        return 1;
    }
    let sort_by = p.value("sort-by").unwrap_or("");
    if !matches!(sort_by, "" | "name" | "kind") {
        out.err("error: --sort-by accepts only name or kind");
        return 1;
    }
    if matches!(output, "json" | "yaml") {
        out.err(&format!("kubeplay: \"kubectl api-resources -o {output}\" is not simulated; try -o wide or -o name"));
        return 1;
    }
    let verbs = list_values(&p, "verbs");
    let categories = list_values(&p, "categories");
    let mut chosen: Vec<&ApiResource> = API_RESOURCES
        .iter()
        .filter(|r| p.value("api-group").is_none_or(|g| g == r.group))
        .filter(|r| !p.is_set("namespaced") || p.bool("namespaced") == r.namespaced)
        .filter(|r| verbs.iter().all(|v| r.verbs.split(',').any(|x| x == v)))
        .filter(|r| categories.iter().all(|c| r.categories.split(',').any(|x| x == c)))
        .collect();
    // A stable sort by the chosen key, ties by name (sortableResource.Less).
    match sort_by {
        "name" => crate::sorting::sort_by(&mut chosen, |a, b| a.name.cmp(b.name)),
        "kind" => crate::sorting::sort_by(&mut chosen, |a, b| a.kind.cmp(b.kind).then(a.name.cmp(b.name))),
        _ => crate::sorting::sort_by(&mut chosen, |a, b| a.group.cmp(b.group).then(a.name.cmp(b.name))),
    }
    if output == "name" {
        for r in chosen {
            out.out(&r.qualified_name());
        }
        return 0;
    }
    let wide = output == "wide";
    let mut lines = Vec::new();
    if !p.bool("no-headers") {
        let mut header = vec!["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
        if wide {
            header.extend(["VERBS", "CATEGORIES"]);
        }
        lines.push(row(&header));
    }
    for r in chosen {
        let api_version = if r.group.is_empty() { r.version.to_string() } else { format!("{}/{}", r.group, r.version) };
        let namespaced = r.namespaced.to_string();
        let mut cells = vec![r.name, r.short_names, &api_version, &namespaced, r.kind];
        if wide {
            cells.extend([r.verbs, r.categories]);
        }
        lines.push(row(&cells));
    }
    out.out(&get_table(&lines));
    0
}

pub fn api_versions(args: &[String], io: &Io, out: &mut Output) -> i32 {
    let p = match flags::parse(args, &[], io.kubeconfig) {
        Ok(p) => p,
        Err(e) => return usage_error("api-versions", e.message(), out),
    };
    if !p.args.is_empty() {
        return unexpected_args("api-versions", &p.args, out);
    }
    out.out(&API_VERSIONS.join("\n"));
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_default_order() {
        let mut sorted: Vec<&ApiResource> = API_RESOURCES.iter().collect();
        crate::sorting::sort_by(&mut sorted, |a, b| a.group.cmp(b.group).then(a.name.cmp(b.name)));
        assert!(sorted.iter().zip(API_RESOURCES).all(|(a, b)| a.name == b.name && a.group == b.group));
    }

    #[test]
    fn every_stored_kind_is_discovered() {
        for t in super::super::resources::RESOURCE_TYPES {
            let found = API_RESOURCES.iter().find(|r| r.name == t.plural && r.group == t.group);
            let r = found.unwrap_or_else(|| panic!("{} missing from api-resources", t.plural));
            assert_eq!((r.kind, r.namespaced, r.version), (t.kind, t.namespaced, t.version), "{}", t.plural);
            assert_eq!(r.short_names.split(',').filter(|s| !s.is_empty()).collect::<Vec<_>>(), t.short_names, "{}", t.plural);
        }
    }
}
