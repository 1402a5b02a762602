//! The image catalogue: which images exist in the simulated registries, with their real
//! tags, sizes, ports and binaries. The kubelet pulls from here; an image or tag that
//! is not listed fails to pull, as a typo'd image does on a real cluster.

/// One repository in the simulated registry.
#[derive(Debug)]
pub struct ImageRepo {
    /// Normalised name: `nginx`, `subicura/whoami`, `gcr.io/google-samples/kubernetes-bootcamp`.
    pub repository: &'static str,
    pub tags: &'static [&'static str],
    /// Compressed size in bytes, as the kubelet's `Pulled` event reports it.
    pub size_bytes: u64,
    /// The port its server listens on, if it serves anything.
    pub port: Option<u16>,
    /// Programs inside the image (`wget` but no `curl` in busybox).
    pub binaries: &'static [&'static str],
    /// Whether the default command keeps running (servers) or exits (busybox, alpine).
    pub long_running: bool,
}

const SHELL_TOOLS: &[&str] = &["sh", "ls", "cat", "echo", "env", "hostname", "ps", "sleep"];

pub static CATALOGUE: &[ImageRepo] = &[
    ImageRepo {
        repository: "nginx",
        // 1.14.2, 1.16.1 and 1.7.9: the tags of the Kubernetes docs' Deployment examples.
        tags: &["latest", "stable", "1.25", "1.26", "1.27", "1.28", "1.29", "alpine", "1.25-alpine", "1.27-alpine", "1.14.2", "1.16.1", "1.7.9"],
        size_bytes: 72_195_292,
        port: Some(80),
        binaries: &["sh", "bash", "curl", "ls", "cat", "echo", "env", "hostname", "nginx"],
        long_running: true,
    },
    ImageRepo {
        repository: "httpd",
        tags: &["latest", "2.4", "alpine", "2.4-alpine"],
        size_bytes: 58_321_480,
        port: Some(80),
        binaries: &["sh", "bash", "ls", "cat", "echo", "env", "hostname", "httpd"],
        long_running: true,
    },
    ImageRepo {
        repository: "busybox",
        tags: &["latest", "1.28", "1.36", "1.37", "stable"],
        size_bytes: 2_155_457,
        port: None,
        binaries: &["sh", "ls", "cat", "echo", "env", "hostname", "ps", "sleep", "wget", "nslookup", "ping"],
        long_running: false,
    },
    ImageRepo {
        repository: "alpine",
        tags: &["latest", "3.20", "3.21", "3.22"],
        size_bytes: 3_644_542,
        port: None,
        binaries: SHELL_TOOLS,
        long_running: false,
    },
    ImageRepo {
        repository: "redis",
        tags: &["latest", "7", "7.4", "8", "alpine"],
        size_bytes: 52_893_013,
        port: Some(6379),
        binaries: &["sh", "bash", "ls", "cat", "echo", "env", "hostname", "redis-cli", "redis-server"],
        long_running: true,
    },
    ImageRepo {
        repository: "subicura/whoami",
        tags: &["1", "2", "latest"],
        size_bytes: 105_683_212,
        port: Some(4567),
        binaries: &["sh", "ls", "cat", "echo", "env", "hostname", "ruby"],
        long_running: true,
    },
    ImageRepo {
        repository: "traefik/whoami",
        tags: &["latest", "v1.10", "v1.10.1", "v1.10.2", "v1.10.3", "v1.11", "v1.11.0"],
        size_bytes: 2_992_163,
        port: Some(80),
        // A scratch image: the server binary and nothing else.
        binaries: &["whoami"],
        long_running: true,
    },
    ImageRepo {
        repository: "gcr.io/google-samples/kubernetes-bootcamp",
        tags: &["v1"],
        size_bytes: 70_683_482,
        port: Some(8080),
        binaries: &["sh", "bash", "ls", "cat", "echo", "env", "hostname", "node", "curl"],
        long_running: true,
    },
    ImageRepo {
        repository: "jocatalin/kubernetes-bootcamp",
        tags: &["v1", "v2"],
        size_bytes: 70_693_226,
        port: Some(8080),
        binaries: &["sh", "bash", "ls", "cat", "echo", "env", "hostname", "node", "curl"],
        long_running: true,
    },
    // The official StatefulSet tutorial's image (nginx on a slim base, port 80).
    ImageRepo {
        repository: "registry.k8s.io/nginx-slim",
        tags: &["0.21", "0.22", "0.23", "0.24", "0.25", "0.26", "0.27"],
        size_bytes: 10_842_432,
        port: Some(80),
        binaries: &["sh", "ls", "cat", "echo", "env", "hostname", "nginx"],
        long_running: true,
    },
    // php-apache of the HorizontalPodAutoscaler walkthrough.
    ImageRepo {
        repository: "registry.k8s.io/hpa-example",
        tags: &["latest"],
        size_bytes: 175_323_110,
        port: Some(80),
        binaries: &["sh", "bash", "ls", "cat", "echo", "env", "hostname", "php", "apache2"],
        long_running: true,
    },
    // The Job example of the docs (`perl -Mbignum=bpi -wle 'print bpi(2000)'`).
    ImageRepo {
        repository: "perl",
        tags: &["latest", "5.34.0", "5.34", "5.40", "5.40.2"],
        size_bytes: 336_374_410,
        port: None,
        binaries: &["sh", "bash", "ls", "cat", "echo", "env", "hostname", "perl"],
        long_running: false,
    },
    // The DaemonSet example of the docs (fluentd-elasticsearch).
    ImageRepo {
        repository: "quay.io/fluentd_elasticsearch/fluentd",
        tags: &["v5.0.1", "v4.7.2"],
        size_bytes: 143_582_934,
        port: None,
        binaries: &["sh", "bash", "ls", "cat", "echo", "env", "hostname", "ruby", "fluentd"],
        long_running: true,
    },
    // The stress tools of the "Assign Memory/CPU Resources" tasks.
    ImageRepo {
        repository: "polinux/stress",
        tags: &["latest", "1.0.4"],
        size_bytes: 4_041_395,
        port: None,
        binaries: &["sh", "ls", "cat", "echo", "env", "hostname", "stress"],
        long_running: true,
    },
    ImageRepo {
        repository: "vish/stress",
        tags: &["latest"],
        size_bytes: 1_591_286,
        port: None,
        binaries: &["stress"],
        long_running: true,
    },
    // The images of the docs' "Configure Liveness, Readiness and Startup Probes" task:
    // busybox for `liveness-exec`, agnhost (whose `liveness` subcommand serves
    // /healthz) for `liveness-http`, goproxy for `tcp-liveness-readiness`.
    ImageRepo {
        repository: "registry.k8s.io/busybox",
        tags: &["1.27.2", "latest"],
        size_bytes: 1_144_547,
        port: None,
        binaries: &["sh", "ls", "cat", "echo", "env", "hostname", "ps", "sleep", "wget", "nslookup"],
        long_running: false,
    },
    ImageRepo {
        repository: "registry.k8s.io/e2e-test-images/agnhost",
        tags: &["2.40", "2.39", "2.45", "2.47", "2.52"],
        size_bytes: 51_155_161,
        // What it serves depends on its subcommand (`network::servers::server_of_container`).
        port: None,
        binaries: &["sh", "ls", "cat", "echo", "env", "hostname", "ps", "sleep", "agnhost"],
        long_running: false,
    },
    ImageRepo {
        repository: "registry.k8s.io/goproxy",
        tags: &["0.1"],
        size_bytes: 2_950_656,
        port: Some(8080),
        binaries: &["goproxy"],
        long_running: true,
    },
    // Images of the control plane and add-ons, pre-pulled on the nodes.
    ImageRepo { repository: "registry.k8s.io/kube-apiserver", tags: &["v1.34.5"], size_bytes: 30_114_327, port: None, binaries: &[], long_running: true },
    ImageRepo { repository: "registry.k8s.io/kube-controller-manager", tags: &["v1.34.5"], size_bytes: 27_646_507, port: None, binaries: &[], long_running: true },
    ImageRepo { repository: "registry.k8s.io/kube-scheduler", tags: &["v1.34.5"], size_bytes: 20_603_081, port: None, binaries: &[], long_running: true },
    ImageRepo { repository: "registry.k8s.io/kube-proxy", tags: &["v1.34.5"], size_bytes: 31_929_115, port: None, binaries: &[], long_running: true },
    ImageRepo { repository: "registry.k8s.io/etcd", tags: &["3.6.4-0"], size_bytes: 74_311_308, port: None, binaries: &[], long_running: true },
    ImageRepo { repository: "registry.k8s.io/coredns/coredns", tags: &["v1.12.1"], size_bytes: 22_384_805, port: Some(53), binaries: &[], long_running: true },
    ImageRepo { repository: "registry.k8s.io/metrics-server/metrics-server", tags: &["v0.8.0"], size_bytes: 19_480_357, port: Some(10250), binaries: &[], long_running: true },
    ImageRepo { repository: "registry.k8s.io/pause", tags: &["3.10.1"], size_bytes: 320_448, port: None, binaries: &[], long_running: true },
    ImageRepo { repository: "docker.io/calico/node", tags: &["v3.30.3"], size_bytes: 156_883_537, port: None, binaries: &[], long_running: true },
    ImageRepo { repository: "docker.io/calico/kube-controllers", tags: &["v3.30.3"], size_bytes: 35_785_283, port: None, binaries: &[], long_running: true },
    ImageRepo { repository: "docker.io/flannel/flannel", tags: &["v0.27.3"], size_bytes: 32_186_101, port: None, binaries: &[], long_running: true },
];

/// An image reference split the way containerd resolves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// Repository with Docker Hub defaults stripped: `nginx`, `subicura/whoami`.
    pub repository: String,
    pub tag: String,
    /// True when the user named no tag (so `latest` is implied).
    pub implicit_tag: bool,
}

impl ImageRef {
    pub fn parse(image: &str) -> ImageRef {
        let (name, tag, implicit) = match image.rfind(':') {
            Some(i) if !image[i + 1..].contains('/') => (&image[..i], &image[i + 1..], false),
            _ => (image, "latest", true),
        };
        let name = name.split('@').next().unwrap_or(name);
        let repository = name
            .strip_prefix("docker.io/library/")
            .or_else(|| name.strip_prefix("library/"))
            .or_else(|| name.strip_prefix("docker.io/").filter(|n| n.contains('/')))
            .unwrap_or(name)
            .to_string();
        ImageRef { repository, tag: tag.to_string(), implicit_tag: implicit }
    }

    /// The fully qualified reference containerd reports: `docker.io/library/nginx:latest`.
    pub fn canonical(&self) -> String {
        let host_path = if self.repository.contains('.') && self.repository.contains('/') {
            self.repository.clone()
        } else if self.repository.contains('/') {
            format!("docker.io/{}", self.repository)
        } else {
            format!("docker.io/library/{}", self.repository)
        };
        format!("{host_path}:{}", self.tag)
    }

    /// The repository part of [`canonical`](Self::canonical): `docker.io/library/nginx`.
    pub fn canonical_repository(&self) -> String {
        let c = self.canonical();
        c.rsplit_once(':').map(|(repo, _)| repo.to_string()).unwrap_or(c)
    }

    /// The digest reference a runtime reports as `imageID` and in a node's image
    /// list: `docker.io/library/nginx@sha256:...` — the registry's own digest where
    /// one has been seen on a real cluster ([`KNOWN_DIGESTS`]), else a stable,
    /// made-up one.
    pub fn repo_digest(&self) -> String {
        let canonical = self.canonical();
        let digest = KNOWN_DIGESTS.iter().find(|(image, _)| *image == canonical).map_or_else(|| made_up_sha256(&canonical), |(_, d)| d.to_string());
        format!("{}@sha256:{digest}", self.canonical_repository())
    }

    /// The catalogue entry, if this repository and tag exist.
    pub fn resolve(&self) -> Option<&'static ImageRepo> {
        let canonical_repo = self.canonical();
        CATALOGUE.iter().find(|r| {
            let candidate = ImageRef { repository: r.repository.to_string(), tag: self.tag.clone(), implicit_tag: false };
            candidate.canonical() == canonical_repo && r.tags.contains(&self.tag.as_str())
        })
    }
}

/// Digests of images as real clusters report them (`Image ID` of a running pod):
/// the Kubernetes Basics tutorial's image, an immutable old tag.
const KNOWN_DIGESTS: &[(&str, &str)] = &[("gcr.io/google-samples/kubernetes-bootcamp:v1", "0d6b8ee63bb57c5f5b6156f446b3bc3b3c143d233037f3a2f00e279c8fcc64af")];

/// A stable, made-up sha256 for a name (FNV-1a expanded to 64 hex digits): image
/// digests, container IDs of the default pods, machine IDs.
pub fn made_up_sha256(name: &str) -> String {
    let mut out = String::with_capacity(64);
    let mut h: u64 = 0xcbf29ce484222325;
    for round in 0..4u8 {
        for b in name.bytes().chain([round]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// The kubelet's default pull policy: `Always` for `:latest` or no tag, else `IfNotPresent`.
pub fn default_pull_policy(image: &str) -> &'static str {
    let r = ImageRef::parse(image);
    if r.implicit_tag || r.tag == "latest" {
        "Always"
    } else {
        "IfNotPresent"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_resolves_references() {
        let r = ImageRef::parse("nginx");
        assert_eq!(r.canonical(), "docker.io/library/nginx:latest");
        assert!(r.resolve().is_some());
        assert!(ImageRef::parse("docker.io/library/nginx:1.25").resolve().is_some());
        assert!(ImageRef::parse("subicura/whoami:1").resolve().is_some());
        assert!(ImageRef::parse("nginx:doesnotexist").resolve().is_none());
        assert!(ImageRef::parse("jocatalin/kubernetes-bootcamp:v10").resolve().is_none());
        assert!(ImageRef::parse("gcr.io/google-samples/kubernetes-bootcamp:v1").resolve().is_some());
        assert_eq!(
            ImageRef::parse("gcr.io/google-samples/kubernetes-bootcamp:v1").repo_digest(),
            "gcr.io/google-samples/kubernetes-bootcamp@sha256:0d6b8ee63bb57c5f5b6156f446b3bc3b3c143d233037f3a2f00e279c8fcc64af"
        );
        assert!(ImageRef::parse("localhost:5000/app").resolve().is_none());
    }

    #[test]
    fn pull_policy_defaults() {
        assert_eq!(default_pull_policy("nginx"), "Always");
        assert_eq!(default_pull_policy("nginx:latest"), "Always");
        assert_eq!(default_pull_policy("nginx:1.25"), "IfNotPresent");
    }
}
