//! The page's own words in English and Korean: one catalogue, one struct per
//! language, so a missing translation is a compile error. kubectl's output is never
//! translated (it is what a real cluster prints); only the page around it is.

mod editor;
mod traffic;

pub use editor::EditorTexts;
pub use traffic::TrafficTexts;

/// A UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    /// The language a BCP 47 tag (`navigator.language`, `ko-KR`) asks for; English
    /// unless it is Korean.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("ko") { Lang::Ko } else { Lang::En }
    }

    /// The tag stored in localStorage and set as `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Ko => &KO,
        }
    }
}

/// Every string the page shows or announces. `{n}`-style placeholders are filled
/// with [`fill`].
pub struct Texts {
    pub tagline: &'static str,
    // Time controls.
    pub time_controls: &'static str,
    pub pause: &'static str,
    pub resume: &'static str,
    pub step: &'static str,
    pub step_hint: &'static str,
    pub speed: &'static str,
    /// `{n}` is the multiplier.
    pub speed_n: &'static str,
    pub simulated_time: &'static str,
    pub elapsed: &'static str,
    pub paused_badge: &'static str,
    // Preferences.
    pub language: &'static str,
    pub theme: &'static str,
    pub theme_system: &'static str,
    pub theme_light: &'static str,
    pub theme_dark: &'static str,
    // Panels.
    pub console: &'static str,
    pub cluster_views: &'static str,
    pub view_physical: &'static str,
    pub view_logical: &'static str,
    pub view_traffic: &'static str,
    // Physical view.
    pub physical_title: &'static str,
    pub physical_svg_label: &'static str,
    pub waiting_for_scheduler: &'static str,
    pub control_plane_agents: &'static str,
    pub control_plane_agents_short: &'static str,
    pub worker_agents: &'static str,
    pub cpu: &'static str,
    pub memory: &'static str,
    /// `{what}` cpu/memory, `{req}` requested, `{alloc}` allocatable, `{pct}` percent.
    pub requests_of: &'static str,
    pub legend: &'static str,
    pub legend_ready: &'static str,
    pub legend_not_ready: &'static str,
    pub legend_starting: &'static str,
    pub legend_failing: &'static str,
    pub legend_terminating: &'static str,
    pub legend_completed: &'static str,
    /// `{name}`, `{status}`.
    pub pod_label: &'static str,
    /// `{name}`, `{status}`.
    pub node_label: &'static str,
    /// One word per pod health, in `layout::HEALTH_ORDER` (ready, starting, failing,
    /// terminating, completed): the counts of an owner box.
    pub health_words: [&'static str; 6],
    /// `{n}`.
    pub pods_n: &'static str,
    pub pod_one: &'static str,
    /// `{ns}`: the box of pods without an owner.
    pub standalone_in: &'static str,
    pub aggregated_note: &'static str,
    pub aggregated_note_logical: &'static str,
    // Logical view.
    pub logical_title: &'static str,
    pub namespace: &'static str,
    pub system_namespace: &'static str,
    pub empty_namespace: &'static str,
    pub standalone_pods: &'static str,
    pub services: &'static str,
    pub selector: &'static str,
    pub no_selector: &'static str,
    pub selects_no_pods: &'static str,
    pub endpoints: &'static str,
    /// `{n}`.
    pub revision: &'static str,
    /// `{ready}`, `{desired}`.
    pub ready_of: &'static str,
    pub ingresses: &'static str,
    pub config_storage: &'static str,
    pub used_by: &'static str,
    pub not_used: &'static str,
    pub default_backend: &'static str,
    // Traffic view.
    pub traffic: &'static TrafficTexts,
    pub editor: &'static EditorTexts,
    // Events.
    pub events: &'static str,
    // Port-forward preview.
    pub preview: &'static str,
    pub preview_forwarded: &'static str,
    pub preview_hint: &'static str,
    pub preview_frame: &'static str,
    pub events_filter: &'static str,
    pub events_filter_placeholder: &'static str,
    pub events_none: &'static str,
    /// `{n}`, `{total}`.
    pub events_showing: &'static str,
    /// `{object}`.
    pub open_in_inspector: &'static str,
    // Inspector.
    pub inspector: &'static str,
    pub close: &'static str,
    pub tab_describe: &'static str,
    pub tab_yaml: &'static str,
    pub tab_events: &'static str,
    pub describe_not_yet: &'static str,
    pub object_gone: &'static str,
    pub no_events: &'static str,
    pub actions: &'static str,
    pub action_delete_pod: &'static str,
    pub action_cordon: &'static str,
    pub action_uncordon: &'static str,
    pub action_stop_node: &'static str,
    pub action_start_node: &'static str,
    pub actions_hint: &'static str,
    // Console.
    pub console_output: &'static str,
    pub command_line: &'static str,
}

pub static EN: Texts = Texts {
    tagline: "a Kubernetes v1.34 cluster in your browser",
    time_controls: "Simulated time",
    pause: "Pause",
    resume: "Resume",
    step: "Step",
    step_hint: "Step: run until the next scheduled change (or one second)",
    speed: "Speed",
    speed_n: "{n}×",
    simulated_time: "Simulated time (UTC)",
    elapsed: "Elapsed",
    paused_badge: "paused",
    language: "Language",
    theme: "Theme",
    theme_system: "System",
    theme_light: "Light",
    theme_dark: "Dark",
    console: "Console",
    cluster_views: "Cluster views",
    view_physical: "Physical",
    view_logical: "Logical",
    view_traffic: "Traffic",
    physical_title: "Nodes and pods",
    physical_svg_label: "Nodes of the cluster and the pods running on each",
    waiting_for_scheduler: "Waiting for the scheduler",
    control_plane_agents: "kubelet · containerd · static pods: API server, etcd, scheduler, controller manager",
    control_plane_agents_short: "kubelet · containerd · control plane",
    worker_agents: "kubelet · kube-proxy · containerd",
    cpu: "CPU",
    memory: "Memory",
    requests_of: "{what} requests {req} of {alloc} allocatable ({pct}%)",
    legend: "Pod colours",
    legend_ready: "Running and ready",
    legend_not_ready: "Running, not ready",
    legend_starting: "Starting",
    legend_failing: "Failing",
    legend_terminating: "Terminating",
    legend_completed: "Completed",
    pod_label: "Pod {name}: {status}",
    node_label: "Node {name}: {status}",
    health_words: ["ready", "not ready", "starting", "failing", "terminating", "completed"],
    pods_n: "{n} pods",
    pod_one: "1 pod",
    standalone_in: "no owner ({ns})",
    aggregated_note: "More than 300 pods: each box counts the pods one owner runs on that node.",
    aggregated_note_logical: "More than 300 pods: each owner shows how many of its pods are in each state.",
    logical_title: "Namespaces, owners and services",
    namespace: "Namespace",
    system_namespace: "cluster's own",
    empty_namespace: "No pods or services",
    standalone_pods: "Pods without an owner",
    services: "Services",
    selector: "selector",
    no_selector: "no selector",
    selects_no_pods: "selects no pods",
    endpoints: "Endpoints",
    revision: "revision {n}",
    ready_of: "{ready}/{desired} ready",
    ingresses: "Ingresses",
    config_storage: "Config and storage",
    used_by: "used by",
    not_used: "not used by any pod",
    default_backend: "default backend",
    traffic: &traffic::EN,
    editor: &editor::EN,
    events: "Events",
    preview: "Port-forward preview",
    preview_forwarded: "Forwarded:",
    preview_hint: "Open a forwarded port to see what it answers (a GET / from this page's browser, through kubectl port-forward).",
    preview_frame: "Page served on the forwarded port",
    events_filter: "Filter events by object name",
    events_filter_placeholder: "filter by name…",
    events_none: "No events yet.",
    events_showing: "newest {n} of {total}",
    open_in_inspector: "Inspect {object}",
    inspector: "Inspector",
    close: "Close inspector",
    tab_describe: "Describe",
    tab_yaml: "YAML",
    tab_events: "Events",
    describe_not_yet: "kubectl describe is not simulated yet; the YAML and events tabs show this object.",
    object_gone: "This object no longer exists.",
    no_events: "No events for this object.",
    actions: "Actions",
    action_delete_pod: "Delete pod",
    action_cordon: "Cordon node",
    action_uncordon: "Uncordon node",
    action_stop_node: "Stop kubelet",
    action_start_node: "Start kubelet",
    actions_hint: "Each button types its command into the console.",
    console_output: "Console output",
    command_line: "Command line: type kubectl commands and press Enter",
};

pub static KO: Texts = Texts {
    tagline: "브라우저 안의 쿠버네티스 v1.34 클러스터",
    time_controls: "시뮬레이션 시간",
    pause: "일시정지",
    resume: "재개",
    step: "한 단계",
    step_hint: "한 단계: 다음 예정된 변화까지 (없으면 1초) 진행",
    speed: "속도",
    speed_n: "{n}×",
    simulated_time: "시뮬레이션 시각 (UTC)",
    elapsed: "경과",
    paused_badge: "일시정지됨",
    language: "언어",
    theme: "테마",
    theme_system: "시스템",
    theme_light: "밝게",
    theme_dark: "어둡게",
    console: "콘솔",
    cluster_views: "클러스터 보기",
    view_physical: "물리",
    view_logical: "논리",
    view_traffic: "트래픽",
    physical_title: "노드와 파드",
    physical_svg_label: "클러스터의 노드와 각 노드에서 실행 중인 파드",
    waiting_for_scheduler: "스케줄러를 기다리는 중",
    control_plane_agents: "kubelet · containerd · 스태틱 파드: API 서버, etcd, 스케줄러, 컨트롤러 매니저",
    control_plane_agents_short: "kubelet · containerd · 컨트롤 플레인",
    worker_agents: "kubelet · kube-proxy · containerd",
    cpu: "CPU",
    memory: "메모리",
    requests_of: "{what} 요청 {req} / 할당 가능 {alloc} ({pct}%)",
    legend: "파드 색상",
    legend_ready: "실행 중, 준비됨",
    legend_not_ready: "실행 중, 준비 안 됨",
    legend_starting: "시작 중",
    legend_failing: "실패",
    legend_terminating: "종료 중",
    legend_completed: "완료",
    pod_label: "파드 {name}: {status}",
    node_label: "노드 {name}: {status}",
    health_words: ["준비됨", "준비 안 됨", "시작 중", "실패", "종료 중", "완료"],
    pods_n: "파드 {n}개",
    pod_one: "파드 1개",
    standalone_in: "소유자 없음 ({ns})",
    aggregated_note: "파드가 300개를 넘어 상자마다 한 소유자가 그 노드에서 실행하는 파드 수를 보여 줍니다.",
    aggregated_note_logical: "파드가 300개를 넘어 소유자마다 상태별 파드 수를 보여 줍니다.",
    logical_title: "네임스페이스, 소유자, 서비스",
    namespace: "네임스페이스",
    system_namespace: "클러스터 자체용",
    empty_namespace: "파드도 서비스도 없음",
    standalone_pods: "소유자 없는 파드",
    services: "서비스",
    selector: "셀렉터",
    no_selector: "셀렉터 없음",
    selects_no_pods: "선택된 파드 없음",
    endpoints: "엔드포인트",
    revision: "리비전 {n}",
    ready_of: "{ready}/{desired} 준비됨",
    ingresses: "인그레스",
    config_storage: "설정과 스토리지",
    used_by: "사용:",
    not_used: "사용하는 파드 없음",
    default_backend: "기본 백엔드",
    traffic: &traffic::KO,
    editor: &editor::KO,
    events: "이벤트",
    preview: "포트 포워드 미리보기",
    preview_forwarded: "포워딩 중:",
    preview_hint: "포워딩된 포트를 열면 응답을 볼 수 있습니다 (이 페이지의 브라우저가 kubectl port-forward를 거쳐 GET / 요청).",
    preview_frame: "포워딩된 포트가 보낸 페이지",
    events_filter: "오브젝트 이름으로 이벤트 거르기",
    events_filter_placeholder: "이름으로 거르기…",
    events_none: "아직 이벤트가 없습니다.",
    events_showing: "전체 {total}개 중 최근 {n}개",
    open_in_inspector: "{object} 살펴보기",
    inspector: "인스펙터",
    close: "인스펙터 닫기",
    tab_describe: "Describe",
    tab_yaml: "YAML",
    tab_events: "이벤트",
    describe_not_yet: "kubectl describe는 아직 시뮬레이션되지 않습니다. YAML과 이벤트 탭에서 이 오브젝트를 볼 수 있습니다.",
    object_gone: "이 오브젝트는 더 이상 없습니다.",
    no_events: "이 오브젝트의 이벤트가 없습니다.",
    actions: "작업",
    action_delete_pod: "파드 삭제",
    action_cordon: "노드 cordon",
    action_uncordon: "노드 uncordon",
    action_stop_node: "kubelet 중지",
    action_start_node: "kubelet 시작",
    actions_hint: "버튼마다 해당 명령을 콘솔에 입력해 실행합니다.",
    console_output: "콘솔 출력",
    command_line: "명령줄: kubectl 명령을 입력하고 Enter를 누르세요",
};

impl Texts {
    /// The word for a pod's health in an owner box's counts.
    pub fn health_word(&self, h: kubeplay_core::view::Health) -> &'static str {
        let i = crate::layout::HEALTH_ORDER.iter().position(|x| *x == h).unwrap_or(0);
        self.health_words[i]
    }
}

/// Fills `{key}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut s = template.to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_browsers_get_korean() {
        assert_eq!(Lang::from_tag("ko-KR"), Lang::Ko);
        assert_eq!(Lang::from_tag("ko"), Lang::Ko);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag("de"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill(EN.speed_n, &[("n", "5")]), "5×");
        assert_eq!(fill(KO.events_showing, &[("n", "200"), ("total", "512")]), "전체 512개 중 최근 200개");
    }

    #[test]
    fn both_languages_keep_every_placeholder() {
        for (en, ko) in [
            (EN.requests_of, KO.requests_of),
            (EN.pod_label, KO.pod_label),
            (EN.node_label, KO.node_label),
            (EN.revision, KO.revision),
            (EN.ready_of, KO.ready_of),
            (EN.events_showing, KO.events_showing),
            (EN.open_in_inspector, KO.open_in_inspector),
            (EN.speed_n, KO.speed_n),
        ] {
            let keys = |s: &str| {
                let mut k: Vec<String> = s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(k, _)| k.to_string())).collect();
                kubeplay_core::sorting::sort(&mut k);
                k
            };
            assert_eq!(keys(en), keys(ko), "{en} / {ko}");
        }
    }
}
