//! `kubectl apply|create|replace|delete -f` against manifests in the virtual file
//! system: created / unchanged / configured, the last-applied annotation, strict
//! decoding, and the client-side manifest errors.

use kubeplay_core::{ClusterConfig, Shell};

fn run(sh: &mut Shell, line: &str) -> String {
    sh.execute(line).lines.iter().map(|l| format!("{}\n", l.text)).collect()
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  color: blue\n";

#[test]
fn apply_creates_then_reports_unchanged_and_configured() {
    let mut sh = Shell::new(ClusterConfig::default());
    sh.fs.write("/root/cm.yaml", CM.into()).unwrap();
    assert_eq!(run(&mut sh, "kubectl apply -f cm.yaml"), "configmap/app created\n");
    assert_eq!(run(&mut sh, "kubectl apply -f cm.yaml"), "configmap/app unchanged\n");
    let yaml = run(&mut sh, "kubectl get cm app -o yaml");
    assert!(yaml.contains("kubectl.kubernetes.io/last-applied-configuration: |\n      {\"apiVersion\":\"v1\",\"data\":{\"color\":\"blue\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"app\",\"namespace\":\"default\"}}\n"), "{yaml}");
    sh.fs.write("/root/cm.yaml", CM.replace("blue", "green")).unwrap();
    assert_eq!(run(&mut sh, "kubectl apply -f cm.yaml"), "configmap/app configured\n");
    assert!(run(&mut sh, "kubectl get cm app -o yaml").contains("color: green"));
    assert_eq!(run(&mut sh, "kubectl delete -f cm.yaml"), "configmap \"app\" deleted from default namespace\n");
    assert_eq!(run(&mut sh, "kubectl get cm app"), "Error from server (NotFound): configmaps \"app\" not found\n");
}

#[test]
fn create_replace_and_errors() {
    let mut sh = Shell::new(ClusterConfig::default());
    sh.fs.write("/root/cm.yaml", CM.into()).unwrap();
    assert_eq!(run(&mut sh, "kubectl create -f cm.yaml"), "configmap/app created\n");
    assert_eq!(
        run(&mut sh, "kubectl create -f cm.yaml"),
        "Error from server (AlreadyExists): error when creating \"cm.yaml\": configmaps \"app\" already exists\n"
    );
    // Created without apply: the first apply warns and adds the annotation.
    assert_eq!(
        run(&mut sh, "kubectl apply -f cm.yaml"),
        "Warning: resource configmaps/app is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\nconfigmap/app configured\n"
    );
    assert_eq!(run(&mut sh, "kubectl replace -f cm.yaml"), "configmap/app replaced\n");
    assert_eq!(run(&mut sh, "kubectl apply -f nope.yaml"), "error: the path \"nope.yaml\" does not exist\n");
    sh.fs.write("/root/bad.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replica: 3\n".into()).unwrap();
    assert_eq!(
        run(&mut sh, "kubectl apply -f bad.yaml"),
        "Error from server (BadRequest): error when creating \"bad.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"\n"
    );
    sh.fs.write("/root/nokind.yaml", "apiVersion: v1\nmetadata:\n  name: x\n".into()).unwrap();
    assert_eq!(
        run(&mut sh, "kubectl apply -f nokind.yaml"),
        "error: error validating \"nokind.yaml\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false\n"
    );
    assert_eq!(run(&mut sh, "kubectl apply"), "error: must specify one of -f and -k\n");
}

#[test]
fn a_directory_applies_every_manifest_in_order() {
    let mut sh = Shell::new(ClusterConfig::default());
    sh.fs.mkdir("/root/app").unwrap();
    sh.fs.write("/root/app/a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n".into()).unwrap();
    sh.fs.write("/root/app/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: shop\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: shop\nstringData:\n  k: v\n".into()).unwrap();
    assert_eq!(run(&mut sh, "kubectl apply -f app/"), "namespace/shop created\nconfigmap/cfg created\nsecret/s created\n");
    assert_eq!(
        run(&mut sh, "kubectl apply -f app/b.yaml -n default"),
        "error: the namespace from the provided object \"shop\" does not match the namespace \"default\". You must pass '--namespace=shop' to perform this operation.\nerror: the namespace from the provided object \"shop\" does not match the namespace \"default\". You must pass '--namespace=shop' to perform this operation.\n"
    );
}
