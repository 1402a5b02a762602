//! A snapshot restores a session exactly: after the same further commands the saved
//! shell and the restored one print the same output and snapshot to the same text.
//! Broken snapshots are refused with an error, never a panic.

use kubeplay_core::snapshot::SnapshotError;
use kubeplay_core::{Cluster, ClusterConfig, Shell};

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
