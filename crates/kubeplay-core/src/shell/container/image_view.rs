//! What a container looks like from inside, derived from its pod and image: the
//! userland its image is built on (BusyBox applets, Debian's coreutils, or nothing
//! for a scratch image), the programs on its `PATH`, the environment the runtime
//! and kubelet give it (image `ENV`s, the container's `env`, Service links of the
//! Services that existed when it started) and its files (`/etc/resolv.conf`,
//! `/etc/hosts`, `/etc/hostname`, the ServiceAccount's namespace, ConfigMap and
//! Secret volumes, the image's own files).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Pod, Secret, Service};

use crate::cluster::Cluster;
use crate::images::ImageRef;
use crate::network::dns::pod_resolv_conf;
use crate::network::tools::Flavour;
use crate::time::SimTime;
use crate::vfs::Vfs;

use super::image_files::image_files;

/// Whose userland an image ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Userland {
    /// busybox, alpine and `*-alpine` images: one BusyBox binary, `ash` as `sh`.
    Busybox,
    /// Debian-based images (nginx, httpd, redis …): coreutils, `dash` as `sh`, bash.
    Debian,
    /// A scratch image: the server binary and nothing else.
    Scratch,
}

/// The BusyBox applets a learner reaches for (busybox:1.37 / alpine's busybox).
const BUSYBOX_APPLETS: &[&str] = &[
    "sh", "ash", "ls", "cat", "echo", "env", "hostname", "ps", "sleep", "wget", "nslookup", "head", "tail", "wc",
    "sort", "uniq", "cut", "tr", "base64", "grep", "awk", "mkdir", "rm", "rmdir", "touch", "cp", "mv", "tee", "date",
    "whoami", "pwd", "true", "false", "printf", "clear", "timeout", "tar", "test", "[",
];

/// Debian bookworm's essential packages (coreutils, grep, mawk, hostname, ncurses-bin).
const DEBIAN_PROGRAMS: &[&str] = &[
    "sh", "ls", "cat", "echo", "env", "hostname", "sleep", "head", "tail", "wc", "sort", "uniq", "cut", "tr", "base64",
    "grep", "awk", "mkdir", "rm", "rmdir", "touch", "cp", "mv", "tee", "date", "whoami", "pwd", "true", "false",
    "printf", "clear", "timeout", "tar", "test", "[",
];

/// The container's image and what its userland is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageView {
    pub image: String,
    pub userland: Userland,
    /// Every program on `PATH`, sorted.
    pub programs: Vec<&'static str>,
}

impl ImageView {
    pub fn of(image: &str) -> ImageView {
        let r = ImageRef::parse(image);
        let repo = r.resolve();
        let own: &[&'static str] = repo.map(|x| x.binaries).unwrap_or(&[]);
        let userland = if !own.contains(&"sh") {
            Userland::Scratch
        } else if matches!(r.repository.as_str(), "busybox" | "alpine" | "polinux/stress" | "subicura/whoami" | "registry.k8s.io/busybox" | "registry.k8s.io/e2e-test-images/agnhost") || r.tag.contains("alpine") {
            Userland::Busybox
        } else {
            Userland::Debian
        };
        let base: &[&'static str] = match userland {
            Userland::Busybox => BUSYBOX_APPLETS,
            Userland::Debian => DEBIAN_PROGRAMS,
            Userland::Scratch => &[],
        };
        let mut programs: Vec<&'static str> = base.iter().chain(own.iter()).copied().collect();
        // BusyBox's applets replace nothing the image adds; bash is only where the
        // image ships it (nginx:alpine has none).
        if userland == Userland::Busybox {
            programs.retain(|p| *p != "bash");
        }
        crate::sorting::sort(&mut programs);
        programs.dedup();
        ImageView { image: image.to_string(), userland, programs }
    }

    pub fn has(&self, program: &str) -> bool {
        self.programs.contains(&program)
    }

    /// Which wget/nslookup the container runs.
    pub fn flavour(&self) -> Flavour {
        if self.userland == Userland::Busybox { Flavour::Busybox } else { Flavour::Gnu }
    }

    /// The image's default command as `ps` shows PID 1 when the pod sets none.
    fn default_command(&self) -> &'static str {
        let r = ImageRef::parse(&self.image);
        match r.repository.as_str() {
            "nginx" | "registry.k8s.io/nginx-slim" => "nginx: master process nginx -g daemon off;",
            "httpd" => "httpd -DFOREGROUND",
            "redis" => "redis-server *:6379",
            // `CMD node server.js`, the shell form.
            "gcr.io/google-samples/kubernetes-bootcamp" | "jocatalin/kubernetes-bootcamp" => "/bin/sh -c node server.js",
            _ if self.userland == Userland::Busybox => "sh",
            _ => "sh",
        }
    }
}

/// The container's main process as `ps` prints it: command and args, or the image's.
pub fn main_process(pod: &Pod, container: &str, view: &ImageView) -> String {
    let ctr = pod.spec.as_ref().and_then(|s| s.containers.iter().find(|c| c.name == container));
    let mut words = ctr.and_then(|c| c.command.clone()).unwrap_or_default();
    words.extend(ctr.and_then(|c| c.args.clone()).unwrap_or_default());
    if words.is_empty() { view.default_command().to_string() } else { words.join(" ") }
}

/// When the container's current instance started (the kubelet computes the
/// Service link variables then).
pub fn started_at(pod: &Pod, container: &str) -> Option<SimTime> {
    let st = pod.status.as_ref()?.container_statuses.as_ref()?.iter().find(|s| s.name == container)?;
    st.state.as_ref()?.running.as_ref()?.started_at.as_ref().map(SimTime::from_k8s)
}

/// `<NAME>_SERVICE_HOST`, `<NAME>_PORT_80_TCP` ...: the docker-links variables of the
/// namespace's Services (kubelet `getServiceEnvVarMap`), sorted. `started`: only the
/// Services that existed when the container started, as the kubelet saw them.
pub fn service_link_env(c: &Cluster, namespace: &str, started: Option<SimTime>) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    let mut services: Vec<&Service> = c.store.services.list(Some(namespace)).collect();
    if namespace != "default" {
        services.extend(c.store.get::<Service>("default", "kubernetes"));
    }
    let existed = |s: &Service| match (started, s.metadata.creation_timestamp.as_ref()) {
        (Some(t), Some(created)) => SimTime::from_k8s(created) <= t,
        _ => true,
    };
    for s in services.into_iter().filter(|s| existed(s)) {
        let spec = s.spec.clone().unwrap_or_default();
        let Some(ip) = spec.cluster_ip.clone().filter(|ip| !ip.is_empty() && ip != "None") else { continue };
        let name = s.metadata.name.clone().unwrap_or_default().to_uppercase().replace('-', "_");
        let ports = spec.ports.unwrap_or_default();
        let Some(first) = ports.first() else { continue };
        env.insert(format!("{name}_SERVICE_HOST"), ip.clone());
        env.insert(format!("{name}_SERVICE_PORT"), first.port.to_string());
        for p in &ports {
            if let Some(pn) = p.name.as_ref().filter(|n| !n.is_empty()) {
                env.insert(format!("{name}_SERVICE_PORT_{}", pn.to_uppercase().replace('-', "_")), p.port.to_string());
            }
        }
        let proto = first.protocol.clone().unwrap_or_else(|| "TCP".into());
        env.insert(format!("{name}_PORT"), format!("{}://{ip}:{}", proto.to_lowercase(), first.port));
        for p in &ports {
            let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
            let base = format!("{name}_PORT_{}_{}", p.port, proto.to_uppercase());
            env.insert(base.clone(), format!("{}://{ip}:{}", proto.to_lowercase(), p.port));
            env.insert(format!("{base}_PROTO"), proto.to_lowercase());
            env.insert(format!("{base}_PORT"), p.port.to_string());
            env.insert(format!("{base}_ADDR"), ip.clone());
        }
    }
    env
}

/// The `ENV` lines of the images' Dockerfiles.
fn image_env(repo: &str, tag: &str) -> Vec<(String, String)> {
    match repo {
        "nginx" => {
            let v = crate::network::servers::server_of(&format!("nginx:{tag}")).map(|(s, _)| match s {
                crate::network::servers::Server::Nginx { version, .. } => version,
                _ => "1.29.3",
            });
            vec![("NGINX_VERSION".into(), v.unwrap_or("1.29.3").into()), ("NJS_VERSION".into(), "0.9.1".into()), ("PKG_RELEASE".into(), "1~bookworm".into())]
        }
        "httpd" => vec![("HTTPD_PREFIX".into(), "/usr/local/apache2".into()), ("HTTPD_VERSION".into(), "2.4.65".into())],
        _ => super::image_files::bootcamp_env(repo, tag).unwrap_or_default(),
    }
}

/// The pod's hostname (`spec.hostname`, else its name).
pub fn pod_hostname(pod: &Pod) -> String {
    pod.spec.as_ref().and_then(|s| s.hostname.clone()).unwrap_or_else(|| pod.metadata.name.clone().unwrap_or_default())
}

/// The process environment in the order the runtime builds it: PATH, HOSTNAME, the
/// image's, the container's own, the Service links, HOME.
pub fn container_env(c: &Cluster, pod: &Pod, name: &str, image: &str) -> Vec<(String, String)> {
    let r = ImageRef::parse(image);
    let mut env = vec![("PATH".to_string(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()), ("HOSTNAME".to_string(), pod_hostname(pod))];
    env.extend(image_env(&r.repository, &r.tag));
    // What the kubelet resolved when it created the container (ConfigMap and Secret
    // values as they were then, `$(VAR)` expanded), not the sources' current data.
    match c.container_env.of(pod, name) {
        Some(resolved) => env.extend(resolved.iter().cloned()),
        None => {
            let ctr = pod.spec.as_ref().and_then(|s| s.containers.iter().find(|c| c.name == name));
            for e in ctr.and_then(|c| c.env.clone()).unwrap_or_default() {
                env.push((e.name, e.value.unwrap_or_default()));
            }
        }
    }
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let links = service_link_env(c, ns, started_at(pod, name));
    if pod.spec.as_ref().and_then(|s| s.enable_service_links) != Some(false) {
        env.extend(links);
    } else {
        env.extend(links.into_iter().filter(|(k, _)| k.starts_with("KUBERNETES_")));
    }
    env.push(("HOME".into(), "/root".into()));
    env
}

/// The kubelet-managed `/etc/hosts`.
pub fn hosts_file(pod: &Pod) -> String {
    let ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default();
    let name = pod_hostname(pod);
    format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{ip}\t{name}\n")
}

/// The top-level directories of the image's root file system.
fn root_dirs(userland: Userland) -> &'static [&'static str] {
    match userland {
        Userland::Busybox => &["bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "tmp", "usr", "var"],
        Userland::Debian => &["bin", "boot", "dev", "etc", "home", "lib", "lib64", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var"],
        Userland::Scratch => &["dev", "etc", "proc", "sys"],
    }
}

/// Creates `abs` and its missing parents.
pub(crate) fn mkdir_p(fs: &mut Vfs, abs: &str) {
    let mut path = String::new();
    for part in abs.split('/').filter(|p| !p.is_empty()) {
        path.push('/');
        path.push_str(part);
        if !fs.is_dir(&path) {
            let _ = fs.mkdir(&path);
        }
    }
}

fn put(fs: &mut Vfs, abs: &str, content: String) {
    if let Some((dir, _)) = abs.rsplit_once('/') {
        mkdir_p(fs, dir);
    }
    let _ = fs.write(abs, content);
}

/// The container's file system as a shell in it sees it.
pub fn container_fs(c: &Cluster, pod: &Pod, container: &str, view: &ImageView) -> Vfs {
    let now = started_at(pod, container).unwrap_or_else(|| c.now());
    let mut fs = Vfs::default();
    fs.now = now;
    for d in root_dirs(view.userland) {
        mkdir_p(&mut fs, &format!("/{d}"));
    }
    let ns = pod.metadata.namespace.clone().unwrap_or_else(|| "default".into());
    put(&mut fs, "/etc/resolv.conf", format!("{}\n", pod_resolv_conf(&ns)));
    put(&mut fs, "/etc/hosts", hosts_file(pod));
    put(&mut fs, "/etc/hostname", format!("{}\n", pod_hostname(pod)));
    put(&mut fs, "/var/run/secrets/kubernetes.io/serviceaccount/namespace", ns.clone());
    for (path, content) in image_files(&view.image, view.userland) {
        put(&mut fs, path, content);
    }
    mount_volumes(c, pod, container, &mut fs);
    fs
}

/// ConfigMap and Secret volumes as files (one per key), emptyDirs as directories.
fn mount_volumes(c: &Cluster, pod: &Pod, container: &str, fs: &mut Vfs) {
    let Some(spec) = pod.spec.as_ref() else { return };
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let Some(ctr) = spec.containers.iter().find(|x| x.name == container) else { return };
    for m in ctr.volume_mounts.iter().flatten() {
        let Some(vol) = spec.volumes.iter().flatten().find(|v| v.name == m.name) else { continue };
        mkdir_p(fs, &m.mount_path);
        let files: BTreeMap<String, String> = if let Some(cm) = &vol.config_map {
            c.store.get::<ConfigMap>(&ns, &cm.name).and_then(|x| x.data.clone()).map(|d| d.into_iter().collect()).unwrap_or_default()
        } else if let Some(s) = &vol.secret {
            let secret = c.store.get::<Secret>(&ns, s.secret_name.as_deref().unwrap_or_default());
            let data = secret.and_then(|x| x.data.clone()).unwrap_or_default();
            data.into_iter().map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned())).collect()
        } else {
            BTreeMap::new()
        };
        for (k, v) in files {
            put(fs, &format!("{}/{k}", m.mount_path.trim_end_matches('/')), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userlands_follow_the_image() {
        let busybox = ImageView::of("busybox");
        assert_eq!(busybox.userland, Userland::Busybox);
        assert!(busybox.has("wget") && busybox.has("nslookup") && !busybox.has("curl") && !busybox.has("bash"));
        let nginx = ImageView::of("nginx:1.27");
        assert_eq!(nginx.userland, Userland::Debian);
        assert!(nginx.has("curl") && nginx.has("bash") && !nginx.has("wget") && !nginx.has("ps"));
        assert_eq!(ImageView::of("nginx:alpine").userland, Userland::Busybox);
        assert_eq!(ImageView::of("traefik/whoami").userland, Userland::Scratch);
    }
}
