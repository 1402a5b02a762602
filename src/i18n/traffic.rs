//! The traffic view's and the fault buttons' words (kept apart from the main
//! catalogue so the views can grow without touching each other's lines).

/// Words of the traffic view and the fault buttons, one struct per language.
pub struct TrafficTexts {
    pub title: &'static str,
    pub svg_label: &'static str,
    pub controls: &'static str,
    pub to: &'static str,
    pub from: &'static str,
    pub send_one: &'static str,
    /// `{n}`.
    pub rate_n: &'static str,
    /// `{n}`.
    pub rate_label: &'static str,
    pub stop_all: &'static str,
    pub streams: &'static str,
    /// `{id}`, `{rate}`, `{client}`, `{url}`.
    pub stream_row: &'static str,
    /// `{id}`.
    pub stop_stream: &'static str,
    pub no_targets: &'static str,
    pub no_requests: &'static str,
    pub kind_cluster_ip: &'static str,
    pub kind_dns: &'static str,
    pub kind_node_port: &'static str,
    pub kind_load_balancer: &'static str,
    pub kind_ingress: &'static str,
    pub outside: &'static str,
    pub tier_client: &'static str,
    pub tier_entry: &'static str,
    pub tier_node: &'static str,
    pub tier_service: &'static str,
    pub tier_pod: &'static str,
    /// `{pod}`, `{n}`.
    pub served_label: &'static str,
    /// `{n}`.
    pub pods_hidden: &'static str,
    pub failures: &'static str,
    pub no_failures: &'static str,
    pub no_endpoints: &'static str,
    pub refused: &'static str,
    pub unresolved: &'static str,
    pub timeout: &'static str,
    pub empty_reply: &'static str,
    /// `{status}`.
    pub http_error: &'static str,
    pub legend_ok: &'static str,
    pub legend_failed: &'static str,
    pub hint: &'static str,
    pub faults: &'static str,
    /// `{n}`.
    pub add_load: &'static str,
    pub stop_load: &'static str,
    pub node: &'static str,
    pub add_node: &'static str,
    pub action_remove_node: &'static str,
    pub action_kill_container: &'static str,
    pub action_image_unpullable: &'static str,
}

pub static EN: TrafficTexts = TrafficTexts {
    title: "Requests through the cluster",
    svg_label: "Requests travelling from their client through the cluster to the pods, with each pod's count of requests served",
    controls: "Send requests",
    to: "To",
    from: "From",
    send_one: "Send 1",
    rate_n: "{n}/s",
    rate_label: "Send {n} requests per simulated second",
    stop_all: "Stop all streams",
    streams: "Streams",
    stream_row: "#{id} {rate}/s from {client} to {url}",
    stop_stream: "Stop stream {id}",
    no_targets: "No Service to send to yet. Create one, for example:",
    no_requests: "No requests in the last seconds. Send one.",
    kind_cluster_ip: "ClusterIP",
    kind_dns: "DNS name",
    kind_node_port: "NodePort",
    kind_load_balancer: "LoadBalancer",
    kind_ingress: "Ingress",
    outside: "outside the cluster",
    tier_client: "Client",
    tier_entry: "Load balancer / DNS",
    tier_node: "Node (NodePort, ingress)",
    tier_service: "Service (kube-proxy)",
    tier_pod: "Pods",
    served_label: "{pod}: {n} requests served",
    pods_hidden: "+{n} more pods",
    failures: "Failed requests",
    no_failures: "No failed requests.",
    no_endpoints: "No ready endpoints behind the Service",
    refused: "Connection refused: nothing listens on that port",
    unresolved: "DNS failure: the name does not resolve from this client",
    timeout: "No answer: nothing at that address and port",
    empty_reply: "Empty reply: the server does not speak HTTP",
    http_error: "HTTP error {status}",
    legend_ok: "answered",
    legend_failed: "failed",
    hint: "Every button types its command into the console, so you see its form.",
    faults: "Faults",
    add_load: "Add load {n}/s",
    stop_load: "Stop load",
    node: "Node",
    add_node: "Add worker node",
    action_remove_node: "Remove node",
    action_kill_container: "Kill container",
    action_image_unpullable: "Make image unpullable",
};

pub static KO: TrafficTexts = TrafficTexts {
    title: "클러스터를 지나는 요청",
    svg_label: "클라이언트에서 클러스터를 거쳐 파드까지 가는 요청과 파드마다 처리한 요청 수",
    controls: "요청 보내기",
    to: "대상",
    from: "출발지",
    send_one: "1개 보내기",
    rate_n: "초당 {n}",
    rate_label: "시뮬레이션 시간 1초에 요청 {n}개씩 보내기",
    stop_all: "모든 스트림 중지",
    streams: "스트림",
    stream_row: "#{id} 초당 {rate}개, {client} → {url}",
    stop_stream: "스트림 {id} 중지",
    no_targets: "요청을 보낼 서비스가 아직 없습니다. 예를 들어 이렇게 만들 수 있습니다:",
    no_requests: "최근 몇 초 동안 요청이 없습니다. 하나 보내 보세요.",
    kind_cluster_ip: "ClusterIP",
    kind_dns: "DNS 이름",
    kind_node_port: "NodePort",
    kind_load_balancer: "LoadBalancer",
    kind_ingress: "Ingress",
    outside: "클러스터 외부",
    tier_client: "클라이언트",
    tier_entry: "로드밸런서 / DNS",
    tier_node: "노드 (NodePort, 인그레스)",
    tier_service: "서비스 (kube-proxy)",
    tier_pod: "파드",
    served_label: "{pod}: 요청 {n}개 처리",
    pods_hidden: "파드 {n}개 더 있음",
    failures: "실패한 요청",
    no_failures: "실패한 요청이 없습니다.",
    no_endpoints: "서비스 뒤에 준비된 엔드포인트가 없음",
    refused: "연결 거부: 그 포트에서 듣는 프로세스가 없음",
    unresolved: "DNS 실패: 이 클라이언트에서는 이름을 찾을 수 없음",
    timeout: "응답 없음: 그 주소와 포트에 아무것도 없음",
    empty_reply: "빈 응답: HTTP 서버가 아님",
    http_error: "HTTP 오류 {status}",
    legend_ok: "응답함",
    legend_failed: "실패",
    hint: "버튼마다 해당 명령을 콘솔에 입력하므로 명령 형태를 볼 수 있습니다.",
    faults: "장애 주입",
    add_load: "부하 추가 (초당 {n})",
    stop_load: "부하 중지",
    node: "노드",
    add_node: "워커 노드 추가",
    action_remove_node: "노드 제거",
    action_kill_container: "컨테이너 강제 종료",
    action_image_unpullable: "이미지를 받을 수 없게 하기",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_keep_every_placeholder() {
        let keys = |s: &str| {
            let mut k: Vec<String> = s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(k, _)| k.to_string())).collect();
            kubeplay_core::sorting::sort(&mut k);
            k
        };
        for (en, ko) in [
            (EN.rate_n, KO.rate_n),
            (EN.rate_label, KO.rate_label),
            (EN.stream_row, KO.stream_row),
            (EN.stop_stream, KO.stop_stream),
            (EN.served_label, KO.served_label),
            (EN.pods_hidden, KO.pods_hidden),
            (EN.http_error, KO.http_error),
            (EN.add_load, KO.add_load),
        ] {
            assert_eq!(keys(en), keys(ko), "{en} / {ko}");
        }
    }
}
