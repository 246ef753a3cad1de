//! Nodes: node-local state (image store, disk), the scheduler that places pods, and a kubelet per
//! node that pulls images by policy, starts containers, reports status and terminates pods.

pub mod atomic_volumes;
pub mod block_devices;
pub mod container_fs;
pub mod host_path;
pub mod image_gc;
pub mod image_store;
pub mod kubelet;
pub mod logs;
pub mod lsblk;
pub mod pod_runtimes;
pub mod pod_status;
pub mod process;
pub mod scheduler;
pub mod taints;

use std::collections::BTreeMap;

pub use image_store::{CachedImage, PullRecord};
pub use pod_runtimes::PodRuntimes;

use super::clock::Millis;

/// What kubelab keeps about a node beyond its API object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRuntime {
    /// Node name.
    pub name: String,
    /// Third octet of the node's pod CIDR (`10.244.<n>.0/24`).
    pub pod_subnet: u32,
    /// Images on the node by image digest.
    pub images: BTreeMap<String, CachedImage>,
    /// Size of the image filesystem in bytes.
    pub disk_capacity: u64,
    /// Bytes used on the image filesystem by other things (filled by `node.fill_disk`).
    pub disk_other: u64,
    /// Pulls are serialized per node (kubelet's default): the time the current queue ends.
    pub pull_busy_until: Millis,
    /// Every pull made on this node, oldest first.
    pub pulls: Vec<PullRecord>,
    /// Pulls under way: image reference → (started, done). Pods asking for an image already being
    /// pulled wait for that pull instead of queueing another (containerd de-duplicates them).
    pub in_flight: BTreeMap<String, (Millis, Millis)>,
}

impl NodeRuntime {
    /// A node with an empty image store of `disk_capacity` bytes.
    pub fn new(name: &str, pod_subnet: u32, disk_capacity: u64) -> Self {
        NodeRuntime {
            name: name.to_string(),
            pod_subnet,
            images: BTreeMap::new(),
            disk_capacity,
            disk_other: 0,
            pull_busy_until: 0,
            pulls: Vec::new(),
            in_flight: BTreeMap::new(),
        }
    }

    /// Bytes used on the image filesystem.
    pub fn disk_used(&self) -> u64 {
        self.disk_other + self.images.values().map(|i| i.size).sum::<u64>()
    }

    /// Disk usage in percent (0–100).
    pub fn disk_percent(&self) -> u64 {
        (self.disk_used() * 100)
            .checked_div(self.disk_capacity)
            .unwrap_or(100)
    }
}

/// The state of one container as the kubelet tracks it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContainerState {
    /// Not started yet, or waiting (reason and message as `kubectl` shows them).
    Waiting { reason: String, message: String },
    /// Image pull under way; done at `until`.
    Pulling {
        until: Millis,
        started: Millis,
        queued: Millis,
    },
    /// Being created and started; running at `until`.
    Starting { until: Millis },
    /// Running since `started_at`.
    Running { started_at: Millis },
    /// Exited.
    Terminated {
        exit_code: i32,
        reason: String,
        started_at: Millis,
        finished_at: Millis,
        /// The runtime's message (a container that could not start says why).
        message: Option<String>,
    },
}

/// One container of a pod on a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerRuntime {
    /// Container name.
    pub name: String,
    /// Whether it is an init container.
    pub init: bool,
    /// Current state.
    pub state: ContainerState,
    /// The previous termination (`lastState`).
    pub last_terminated: Option<ContainerState>,
    /// Restarts so far.
    pub restart_count: i64,
    /// Whether the readiness check passes.
    pub ready: bool,
    /// When it becomes ready (while running).
    pub ready_at: Option<Millis>,
    /// When the running process exits on its own, with which code.
    pub exits_at: Option<(Millis, i32)>,
    /// When the running main process wakes from its sleep (it runs in the shell engine).
    pub wakes_at: Option<Millis>,
    /// Image digest reference it runs (`docker.io/library/mongo@sha256:…`) and the image ref.
    pub image_id: String,
    /// The resolved image name (`docker.io/library/mongo:4.2`).
    pub image_name: String,
    /// `containerd://…` id of the current instance.
    pub container_id: String,
    /// Current back-off (ms) for crash restarts and for pulls.
    pub crash_backoff: Millis,
    /// Current pull back-off (ms).
    pub pull_backoff: Millis,
    /// When the next attempt may happen (back-off end).
    pub retry_at: Option<Millis>,
    /// Log lines written so far (by instance: current and previous).
    pub logs: logs::Logs,
    /// Logs of the previous instance (`kubectl logs --previous`).
    pub previous_logs: logs::Logs,
    /// When the current state was entered.
    pub since: Millis,
    /// The running process's plan (HTTP answers, exit), while it runs.
    pub process: Option<process::Process>,
}

impl ContainerRuntime {
    /// A container that has not started.
    pub fn new(name: &str, init: bool, waiting_reason: &str) -> Self {
        ContainerRuntime {
            name: name.to_string(),
            init,
            state: ContainerState::Waiting {
                reason: waiting_reason.to_string(),
                message: String::new(),
            },
            last_terminated: None,
            restart_count: 0,
            ready: false,
            ready_at: None,
            exits_at: None,
            wakes_at: None,
            image_id: String::new(),
            image_name: String::new(),
            container_id: String::new(),
            crash_backoff: 0,
            pull_backoff: 0,
            retry_at: None,
            logs: logs::Logs::new(),
            previous_logs: logs::Logs::new(),
            since: 0,
            process: None,
        }
    }

    /// Whether the container is running.
    pub fn is_running(&self) -> bool {
        matches!(self.state, ContainerState::Running { .. })
    }

    /// Whether it exited with code 0.
    pub fn succeeded(&self) -> bool {
        matches!(self.state, ContainerState::Terminated { exit_code: 0, .. })
    }
}

/// The kubelet's view of one pod on its node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRuntime {
    /// Pod namespace and name.
    pub namespace: String,
    /// Pod name.
    pub name: String,
    /// Node it runs on.
    pub node: String,
    /// Pod IP.
    pub ip: String,
    /// When the kubelet first saw it.
    pub start_time: Millis,
    /// Init containers then app containers.
    pub containers: Vec<ContainerRuntime>,
    /// Condition transition times: (type, status, since).
    pub conditions: Vec<(String, bool, Millis)>,
    /// Termination under way: when all containers will have stopped.
    pub terminating_until: Option<Millis>,
    /// Terminal phase reached (`Succeeded`/`Failed`), if any.
    pub finished: Option<String>,
    /// Failed mounts re-checked at the next sync: (volume, message).
    pub blocked: Option<(String, String)>,
    /// The earliest pending wake-up timer, if any.
    pub wake: Option<Millis>,
    /// Fingerprint of what the last written status was built from (0: never written).
    pub status_fingerprint: u64,
    /// What the kubelet's atomic writer wrote into the ConfigMap, Secret and projected
    /// volumes, by volume name.
    pub atomic: BTreeMap<String, atomic_volumes::Written>,
    /// An object those volumes project changed since they were last written.
    pub atomic_stale: bool,
}

impl super::World {
    /// Forgets a pod's runtime record and what lived and died with it: its processes and its
    /// emptyDir volumes.
    pub(crate) fn forget_pod(&mut self, uid: &str) {
        self.pods.remove(uid);
        self.reap_processes(uid);
        let prefix = format!("emptydir/{uid}/");
        let doomed: Vec<String> = self
            .volume_data
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for k in doomed {
            self.volume_data.remove(&k);
        }
    }
}
