//! A snapshot restores a session exactly: after the same further commands the saved
//! shell and the restored one print the same output and snapshot to the same text.
//! Broken snapshots are refused with an error, never a panic.

use kubeplay_core::snapshot::SnapshotError;
use kubeplay_core::{Cluster, ClusterConfig, Shell};

mod common;

/// Runs `commands`, sleeping in between so timers (pulls, back-offs, node faults,
/// HPA syncs) are pending at the moment of the snapshot.
fn run(shell: &mut Shell, commands: &[&str]) -> Vec<String> {
    let mut printed = Vec::new();
    for cmd in commands {
        let out = shell.execute(cmd);
        printed.extend(out.lines.iter().map(|l| l.text.clone()));
        if let Some(kubeplay_core::Effect::Sleep(ms)) = out.effect {
            shell.cluster.advance_by(ms);
            printed.extend(shell.resume().lines.iter().map(|l| l.text.clone()));
        }
    }
    printed
}

const BEFORE: &[&str] = &[
    "kubectl create deployment web --image=nginx:1.25 --replicas=3",
    "kubectl expose deployment web --port=80",
    "kubectl run crash --image=busybox -- /bin/sh -c 'exit 1'",
    "kubectl create job pi --image=perl:5.34.0 -- perl -Mbignum=bpi -wle 'print bpi(20)'",
    "echo 'hello' > notes.txt",
    "export GREETING=hi",
    "sleep 7",
    "kubeplay node stop node01",
    "curl -s web.default.svc.cluster.local | head -1",
    "kubeplay traffic --rate 5 http://web.default.svc.cluster.local",
    "sleep 12",
];

const AFTER: &[&str] = &[
    "kubectl get pods -o wide",
    "cat notes.txt; echo $GREETING",
    "sleep 70",
    "kubectl get nodes",
    "kubectl set image deployment/web nginx=nginx:1.26",
    "kubectl create deployment more --image=nginx --replicas=2",
    "sleep 400",
    "kubectl get pods -o wide",
    "kubectl get events -A",
    "kubectl get jobs",
    "kubectl describe pod crash",
    "kubectl logs deploy/web",
];

#[test]
fn restore_continues_exactly() {
    let mut original = Shell::new(ClusterConfig::default());
    run(&mut original, BEFORE);
    let saved = original.snapshot();
    assert!(saved.starts_with("{\"kubeplay_snapshot\":1,"), "{}", &saved[..40]);
    let mut restored = Shell::restore(&saved).expect("restores");
    assert_eq!(restored.snapshot(), saved, "a restored session snapshots to the same text");
    let a = run(&mut original, AFTER);
    let b = run(&mut restored, AFTER);
    assert_eq!(a, b);
    assert!(a.iter().any(|l| l.contains("NotReady")), "the node fault carried over: {a:?}");
    assert!(a.iter().any(|l| l == "hello") && a.iter().any(|l| l == "hi"), "files and variables carried over");
    assert_eq!(original.snapshot(), restored.snapshot());
}

#[test]
fn cluster_snapshot_round_trips() {
    let mut cluster = Cluster::new(ClusterConfig { seed: 7, ..Default::default() });
    cluster.advance_by(3_000);
    let text = cluster.snapshot();
    let mut back = Cluster::restore(&text).unwrap();
    assert_eq!(back.snapshot(), text);
    cluster.advance_by(60_000);
    back.advance_by(60_000);
    assert_eq!(back.snapshot(), cluster.snapshot());
    // A shell snapshot restores as a cluster too, and a cluster snapshot as a shell.
    assert!(Shell::restore(&text).is_ok());
    assert!(Cluster::restore(&Shell::new(ClusterConfig::default()).snapshot()).is_ok());
}

#[test]
fn broken_snapshots_are_refused() {
    let good = Cluster::new(ClusterConfig::default()).snapshot();
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "not a kubeplay snapshot"),
        ("garbage".into(), "not a kubeplay snapshot"),
        ("{\"hello\":1}".into(), "not a kubeplay snapshot"),
        (good[..good.len() / 2].to_string(), "not a kubeplay snapshot"),
        (good.replacen("\"kubeplay_snapshot\":1", "\"kubeplay_snapshot\":2", 1), "unsupported snapshot version 2 (this kubeplay reads version 1)"),
        (good.replacen("\"kubeplay_snapshot\":1", "\"kubeplay_snapshot\":\"1\"", 1), "unsupported snapshot version \"1\""),
        ("{\"kubeplay_snapshot\":1}".into(), "corrupt snapshot: missing field `cluster`"),
        (good.replacen("\"now\":", "\"now\":\"soon\",\"x\":", 1), "corrupt snapshot: invalid type"),
        (good.replacen("\"now\":", "\"now\":-5,\"x\":", 1), "corrupt snapshot:"),
        (good.replacen("\"seed\":\"", "\"seed\":\"zz", 1), "corrupt snapshot: rng seed"),
        (good.replacen("\"apiVersion\":\"v1\"", "\"apiVersion\":\"v2\"", 1), "corrupt snapshot:"),
    ];
    for (text, expected) in cases {
        let err = Cluster::restore(&text).map(|_| ()).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{err} (expected {expected})");
        assert!(Shell::restore(&text).is_err());
    }
    assert_eq!(Cluster::restore("[]").map(|_| ()).unwrap_err(), SnapshotError::NotASnapshot);
}

/// Background jobs and an open container shell are the terminal's processes, not
/// state: a snapshot taken in a container shell holds the node's files and
/// variables, and the restored session is at the node's prompt without jobs.
#[test]
fn jobs_and_container_shells_are_not_state() {
    let mut shell = Shell::new(ClusterConfig::default());
    run(&mut shell, &["echo node > mine.txt", "export WHERE=node", "kubectl run box --image=busybox -- sleep 3600", "sleep 10", "kubectl proxy &"]);
    run(&mut shell, &["kubectl exec -it box -- sh", "export WHERE=container", "echo inside > /tmp/x"]);
    assert!(shell.container().is_some());
    let mut restored = Shell::restore(&shell.snapshot()).expect("restores");
    assert!(restored.container().is_none());
    let printed = run(&mut restored, &["jobs", "cat mine.txt; echo $WHERE", "pwd"]);
    assert_eq!(printed, ["node", "node", "/root"]);
}

/// A saved state that parses but no longer adds up (edited by hand, or written by a
/// kubeplay with other bugs) must restore or be refused; a restored one must run on
/// and answer. Every value of a busy cluster's snapshot is damaged in turn (numbers
/// negative and huge, strings emptied, lists emptied, fields dropped).
#[test]
fn damaged_snapshot_values_never_panic() {
    use serde_json::Value;
    let mut shell = Shell::new(ClusterConfig::default());
    run(&mut shell, BEFORE);
    run(&mut shell, &[MORE_KINDS, "kubectl autoscale deployment web --max=5 --cpu-percent=50", "sleep 3"]);
    let good: Value = serde_json::from_str(&shell.snapshot()).expect("a snapshot is JSON");
    let mut paths = Vec::new();
    leaf_paths(&good, String::new(), &mut paths);
    assert!(paths.len() > 1_000, "only {} values", paths.len());
    std::panic::set_hook(Box::new(|_| {}));
    let watchdog = common::Watchdog::start();
    let mut panics = Vec::new();
    let mut restored = 0;
    // Every 29th of the ~5,000 values keeps the run short; the stride is prime, so
    // the values damaged fall on every kind of field, not one column of a list.
    for (i, path) in paths.iter().enumerate().filter(|(i, _)| i % 29 == 0) {
        let original = good.pointer(path).cloned().unwrap_or(Value::Null);
        let damage = match (&original, i % 3) {
            (Value::Number(_), 0) => Value::from(-1),
            (Value::Number(_), 1) => Value::from(u64::MAX),
            (Value::String(_), 0) => Value::from(""),
            (Value::String(s), 1) => Value::from(format!("{s}x")),
            (Value::Bool(b), _) => Value::from(!b),
            (Value::Array(_), _) => Value::Array(Vec::new()),
            _ => Value::Null,
        };
        let mut bad = good.clone();
        *bad.pointer_mut(path).expect("the path exists") = damage;
        let text = bad.to_string();
        watchdog.input(path);
        let result = std::panic::catch_unwind(|| match Shell::restore(&text) {
            Ok(mut sh) => {
                sh.cluster.advance_by(30_000);
                let out = sh.execute("kubectl get all -A -o wide; kubectl describe nodes; kubectl get events -A");
                assert!(!out.lines.is_empty());
                true
            }
            Err(e) => {
                assert!(!e.to_string().is_empty());
                false
            }
        });
        match result {
            Ok(true) => restored += 1,
            Ok(false) => {}
            Err(_) => panics.push(path.clone()),
        }
    }
    let _ = std::panic::take_hook();
    assert!(restored > 40, "most damaged values still restore ({restored} did)");
    assert!(panics.is_empty(), "{} damaged snapshots panicked:\n{}", panics.len(), panics.join("\n"));
}

const MORE_KINDS: &str = "cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: db
        image: nginx
        readinessProbe:
          httpGet: {path: /, port: 80}
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
EOF";

fn leaf_paths(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| leaf_paths(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
        Value::Array(a) if !a.is_empty() => {
            out.push(at.clone());
            a.iter().enumerate().for_each(|(i, v)| leaf_paths(v, format!("{at}/{i}"), out));
        }
        _ => out.push(at),
    }
}
