//! The ConfigMaps of a fresh kubeadm 1.32 cluster (kube-system's, kube-public's `cluster-info`)
//! and flannel's, with the documents kubeadm writes for this cluster (control plane
//! `10.0.0.10:6443`, service range 10.96.0.0/12, pods 10.244.0.0/16).

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::world::controllers::namespace::ROOT_CA;

const COREFILE: &str = ".:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
";

const CLUSTER_CONFIGURATION: &str = "apiServer: {}
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controlPlaneEndpoint: 10.0.0.10:6443
controllerManager: {}
dns: {}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: v1.32.4
networking:
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
proxy: {}
scheduler: {}
";

const KUBELET: &str = "apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: \"\"
cpuManagerReconcilePeriod: 0s
crashLoopBackOff: {}
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: \"0\"
    text:
      infoBufferSize: \"0\"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
";

const KUBE_PROXY_CONFIG: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: \"\"
  burst: 0
  contentType: \"\"
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: \"\"
  interfaceNamePrefix: \"\"
detectLocalMode: \"\"
enableProfiling: false
healthzBindAddress: \"\"
hostnameOverride: \"\"
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: \"\"
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: \"0\"
    text:
      infoBufferSize: \"0\"
  verbosity: 0
metricsBindAddress: \"\"
mode: \"\"
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: \"\"
showHiddenMetricsForAlphaFeatures: false
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: \"\"
  rootHnsEndpointName: \"\"
  sourceVip: \"\"";

const KUBE_PROXY_KUBECONFIG: &str = "apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://10.0.0.10:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token";

const CNI_CONF: &str = "{
  \"name\": \"cbr0\",
  \"cniVersion\": \"0.3.1\",
  \"plugins\": [
    {
      \"type\": \"flannel\",
      \"delegate\": {
        \"hairpinMode\": true,
        \"isDefaultGateway\": true
      }
    },
    {
      \"type\": \"portmap\",
      \"capabilities\": {
        \"portMappings\": true
      }
    }
  ]
}
";

const NET_CONF: &str = "{
  \"Network\": \"10.244.0.0/16\",
  \"EnableNFTables\": false,
  \"Backend\": {
    \"Type\": \"vxlan\"
  }
}
";

fn cm(ns: &str, name: &str, labels: Value, data: Value) -> Value {
    let mut o = json!({"apiVersion": "v1", "kind": kinds::CONFIG_MAP, "metadata": {"name": name, "namespace": ns}, "data": data});
    if labels.as_object().is_some_and(|l| !l.is_empty()) {
        o["metadata"]["labels"] = labels;
    }
    o
}

/// The CA bundle in the one-line base64 form kubeconfigs carry.
fn ca_data() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(ROOT_CA)
}

/// Every ConfigMap kube-system, kube-public and kube-flannel hold besides `kube-root-ca.crt`
/// (the root CA publisher writes that one), for a cluster installed on `day` (`2025-02-21`).
pub fn all(day: &str) -> Vec<Value> {
    let none = json!({});
    vec![
        cm(
            "kube-system",
            "coredns",
            none.clone(),
            json!({"Corefile": COREFILE}),
        ),
        cm(
            "kube-system",
            "extension-apiserver-authentication",
            none.clone(),
            json!({
                "client-ca-file": ROOT_CA,
                "requestheader-allowed-names": "[\"front-proxy-client\"]",
                "requestheader-client-ca-file": ROOT_CA,
                "requestheader-extra-headers-prefix": "[\"X-Remote-Extra-\"]",
                "requestheader-group-headers": "[\"X-Remote-Group\"]",
                "requestheader-username-headers": "[\"X-Remote-User\"]",
            }),
        ),
        cm(
            "kube-system",
            "kube-apiserver-legacy-service-account-token-tracking",
            none.clone(),
            json!({"since": day}),
        ),
        cm(
            "kube-system",
            "kube-proxy",
            json!({"app": "kube-proxy"}),
            json!({"config.conf": KUBE_PROXY_CONFIG, "kubeconfig.conf": KUBE_PROXY_KUBECONFIG}),
        ),
        cm(
            "kube-system",
            "kubeadm-config",
            none.clone(),
            json!({"ClusterConfiguration": CLUSTER_CONFIGURATION}),
        ),
        cm(
            "kube-system",
            "kubelet-config",
            none.clone(),
            json!({"kubelet": KUBELET}),
        ),
        cm(
            "kube-public",
            "cluster-info",
            none,
            json!({"kubeconfig": format!(
                "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: https://10.0.0.10:6443\n  name: \"\"\ncontexts: null\ncurrent-context: \"\"\nkind: Config\npreferences: {{}}\nusers: null\n",
                ca_data()
            )}),
        ),
        cm(
            "kube-flannel",
            "kube-flannel-cfg",
            json!({"app": "flannel", "k8s-app": "flannel", "tier": "node"}),
            json!({"cni-conf.json": CNI_CONF, "net-conf.json": NET_CONF}),
        ),
    ]
}
