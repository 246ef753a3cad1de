//! The simulated cluster: pure data and algorithms, no command-line text.
//!
//! [`World`] is the facade: the API server's requests (`create`, `get`, `list`, `update`,
//! `patch`, `delete`), the virtual clock (`advance`, `settle`), the registries and the nodes.
//! Controllers run level-triggered in rounds after every change until nothing changes, then the
//! clock moves to the next timer. Everything is deterministic: time, uids and names come from the
//! [`clock`] and the [`seed`].

use crate::world::api::kinds;
pub mod admission;
pub mod admission_limits;
pub mod admission_quota;
pub mod api;
pub mod audit;
pub mod budget;
pub mod clock;
pub mod cloud;
pub mod controllers;
pub mod crd;
pub mod default_world;
pub mod dns;
pub mod event_aggregate;
pub mod events;
pub mod eviction;
pub mod field_validation;
pub mod git_hosts;
pub mod kube_system;
mod managed;
pub mod metrics;
pub mod network;
pub mod network_policy;
pub mod nodes;
pub mod openshift;
pub mod quota_eval;
pub mod rbac;
pub mod registry;
pub mod requests;
pub mod rook;
pub mod runtime;
pub mod seed;
pub mod store;
pub mod traffic;
pub mod web_hosts;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use api::kinds::KindInfo;
use audit::{Actor, AuditEntry, AuditLog};
use clock::{Clock, Millis, Timer};
use nodes::NodeRuntime;
use registry::Registry;
use seed::Seed;
use store::Store;

pub use api::{ApiError, Reason};

/// Durations of the simulation (virtual milliseconds). See `docs/architecture.md`, "Time model".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timings {
    /// Fixed cost of a registry pull (manifest, auth).
    pub pull_base_ms: Millis,
    /// Pull bandwidth in bytes per second.
    pub pull_bytes_per_sec: u64,
    /// Pull when the image's layers are already on the node (a second pull of the same image).
    pub pull_cached_ms: Millis,
    /// Creating and starting a container once its image is present.
    pub start_ms: Millis,
    /// Maximum pods a ReplicaSet/StatefulSet materialises (absurd replica counts are capped).
    pub max_pods_per_controller: i64,
    /// Maximum pods in the whole world.
    pub max_pods: usize,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            pull_base_ms: 500,
            pull_bytes_per_sec: 50_000_000,
            pull_cached_ms: 200,
            start_ms: 200,
            max_pods_per_controller: 2000,
            max_pods: 5000,
        }
    }
}

/// Counters of the simulation's work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Controller rounds run.
    pub rounds: u64,
    /// Distinct instants at which timers fired.
    pub instants: u64,
    /// Objects synced by the controllers that work from queues (Deployments, ReplicaSets,
    /// StatefulSets, DaemonSets, Jobs, CronJobs, Services).
    pub syncs: u64,
    /// Pending pods the scheduler tried to place.
    pub scheduling_tries: u64,
    /// Nodes and pods the node controllers looked at (the DaemonSet controller's nodes, the
    /// node lifecycle controller's nodes, the taint eviction controller's nodes and pods).
    pub looks: u64,
}

impl Stats {
    /// The work done since `before` was read.
    pub fn since(self, before: Stats) -> Stats {
        Stats {
            rounds: self.rounds - before.rounds,
            instants: self.instants - before.instants,
            syncs: self.syncs - before.syncs,
            scheduling_tries: self.scheduling_tries - before.scheduling_tries,
            looks: self.looks - before.looks,
        }
    }
}

/// The whole simulated cluster.
#[derive(Debug, Clone)]
pub struct World {
    /// The virtual clock and its timers.
    pub clock: Clock,
    /// Deterministic randomness.
    pub seed: Seed,
    /// All API objects.
    pub store: Store,
    /// Image registries.
    pub registry: Registry,
    /// Node-local state (image caches, disks) by node name.
    pub nodes: BTreeMap<String, NodeRuntime>,
    /// Kubelet state of each pod by pod uid.
    pub pods: nodes::PodRuntimes,
    /// Simulation durations.
    pub timings: Timings,
    /// Volume provisioners running in the cluster (StorageClass `provisioner` names).
    pub provisioners: BTreeSet<String>,
    /// The rook operator's Ceph clusters (`world/rook/`).
    pub rook: rook::Rook,
    /// Image streams with a periodic import queued (`import/<ns>/<name>`).
    pub scheduled_imports: BTreeSet<String>,
    /// What volumes hold, by where it lives: `emptydir/<pod uid>/<volume>` (gone with the pod),
    /// `node/<node>` (a node's own disk: hostPath volumes are paths in it), `nfs/<server><path>`
    /// (an export), `pv/<name>` (a PersistentVolume's own storage).
    pub volume_data: BTreeMap<String, std::rc::Rc<crate::shell::vfs::Tree>>,
    /// The writable layer of each container instance, by container id (`kubectl exec` writes);
    /// shared between snapshots of the world until one is written.
    pub layers: BTreeMap<String, std::rc::Rc<runtime::Layer>>,
    /// The last PID handed out in each container instance, by container id (1: its main
    /// process); `ps` shows them.
    pub pids: BTreeMap<String, u32>,
    /// The redis servers running as containers' main processes, by container id (their
    /// configuration and keys; `runtime/redis/`); shared between snapshots until one is written.
    pub redis: BTreeMap<String, std::rc::Rc<runtime::redis::Server>>,
    /// The mysql servers running as containers' main processes, by container id
    /// (`runtime/mysql/`).
    pub mysql: BTreeMap<String, std::rc::Rc<runtime::mysql::Server>>,
    /// The containers' main processes that are running (sleeping) now; a clone has none.
    pub processes: runtime::Processes,
    /// NFS servers reachable from the nodes: address → exported paths.
    pub nfs_servers: BTreeMap<String, BTreeSet<String>>,
    /// The NFS servers as hosts (`ssh`): name and own files, by address.
    pub nfs_hosts: BTreeMap<String, runtime::NfsHost>,
    /// The raw disks labs added to nodes (`node.add_disk`), by node (`nodes/block_devices.rs`).
    pub node_disks: nodes::block_devices::AddedDisks,
    /// Files served at URLs (chart repositories; `web_hosts.rs`).
    pub web_hosts: web_hosts::WebHosts,
    /// Git repositories served at URLs (`git clone`; `git_hosts.rs`).
    pub git_hosts: git_hosts::GitHosts,
    /// The cloud under the cluster (`cloud.rs`; None: none, as a kubeadm cluster on VMs).
    pub cloud: Option<cloud::Cloud>,
    /// Load balancer addresses and the ingress controller's state (`traffic/`).
    pub traffic: traffic::Traffic,
    /// Notices for the user (e.g. a cap that was hit), drained by the front end.
    pub notices: Vec<String>,
    /// The warnings of the last requests (`unknown field "spec.foo"` under
    /// `fieldValidation=Warn`), as the apiserver's `Warning` headers; drained by the front end
    /// (`World::take_warnings`).
    pub warnings: Vec<String>,
    /// Counters of the simulation's work (for benchmarks and diagnostics).
    pub stats: Stats,
    /// Whether API writes run the controllers to quiescence before returning (tests that step
    /// controller rounds one by one turn this off).
    pub settle_on_write: bool,
    audit: AuditLog,
    actor: Actor,
    event_seq: u64,
    ip_seq: BTreeMap<String, u32>,
    resyncs: imbl::OrdSet<Millis>,
    /// Objects to put back on their controller's work queue at an instant (upstream's
    /// `enqueueAfter`).
    requeues: imbl::OrdMap<Millis, imbl::OrdSet<(store::Queue, store::ObjKey)>>,
    /// Resync timers fired so far: time-sensitive controllers run again after each.
    resyncs_fired: u64,
    /// Events by what aggregates them, and in the order they were recorded (persistent
    /// structures, shared by snapshots of the world until one is written).
    event_index: imbl::OrdMap<String, (String, String)>,
    event_order: imbl::Vector<(String, String)>,
    /// Failed syncs in a row per controller key (`controllers/backoff.rs`).
    pub(crate) sync_failures: imbl::OrdMap<String, u32>,
    /// The event recorder's aggregation records (`event_aggregate.rs`).
    event_aggregates: imbl::OrdMap<String, (imbl::OrdSet<String>, Millis)>,
    lb_counter: BTreeMap<String, usize>,
    controller_marks: BTreeMap<&'static str, controllers::Mark>,
    /// What users' objects weigh (kubelab's bounds on the world's size).
    pub(crate) budget: budget::Budget,
    /// What the ReplicaSet controller works out of each pod, by object identity.
    pub(crate) pod_facts: controllers::replicaset::PodFactsMemo,
    /// Which nodes should run each DaemonSet's pods ([`controllers::daemonset::eligibility`]).
    pub(crate) daemon_nodes: controllers::daemonset::eligibility::EligibilityMemo,
    /// Resource metrics lab scripts set, and whether metrics-server serves them
    /// (`metrics/`).
    pub metrics: metrics::Metrics,
    /// The HorizontalPodAutoscaler controller's schedule and memory (`controllers/hpa/`).
    pub(crate) hpa: controllers::hpa::Memo,
    /// What the DaemonSet controller remembers of each node ([`controllers::daemonset::state`]).
    pub(crate) daemon_states: controllers::daemonset::state::DaemonStates,
    /// The nodes the kubelets last looked at all pods for (a new node means a full look).
    pub(crate) kubelet_nodes: Vec<String>,
    /// What the scheduler remembers between runs.
    pub(crate) scheduler: nodes::scheduler::Memo,
    /// `managedFields` entries by object uid ([`managed`]).
    pub(crate) managed: imbl::OrdMap<String, std::rc::Rc<managed::Managed>>,
    /// The field manager of the current user requests.
    pub(crate) field_writer: Option<api::managed_fields::Writer>,
    /// The custom resources the stored CRDs serve ([`crd`]).
    pub(crate) crds: crd::Registry,
    /// What the taint eviction controller remembers: when it first saw each NoExecute taint,
    /// the tainted nodes, the pods due for eviction later (`controllers::taint_eviction`).
    pub(crate) taint_eviction: controllers::taint_eviction::TaintState,
    /// The lab's users and who makes the current requests ([`rbac`]).
    pub auth: rbac::Auth,
    /// Which cluster this is (`world` item of a lab: plain Kubernetes, OpenShift, kubelab's
    /// default).
    pub flavour: default_world::Flavour,
}

impl World {
    /// An empty world (no nodes, no namespaces) starting at `start`, seeded with `seed`.
    pub fn empty(seed: u64, start: Millis) -> World {
        World {
            clock: Clock::new(start),
            seed: Seed::new(seed),
            store: Store::default(),
            registry: Registry::default(),
            nodes: BTreeMap::new(),
            pods: nodes::PodRuntimes::new(),
            timings: Timings::default(),
            provisioners: BTreeSet::new(),
            rook: rook::Rook::default(),
            scheduled_imports: BTreeSet::new(),
            volume_data: BTreeMap::new(),
            layers: BTreeMap::new(),
            pids: BTreeMap::new(),
            redis: BTreeMap::new(),
            mysql: BTreeMap::new(),
            processes: runtime::Processes::default(),
            nfs_servers: BTreeMap::new(),
            nfs_hosts: BTreeMap::new(),
            node_disks: BTreeMap::new(),
            web_hosts: web_hosts::WebHosts::default(),
            git_hosts: git_hosts::GitHosts::default(),
            cloud: None,
            traffic: traffic::Traffic::default(),
            notices: Vec::new(),
            warnings: Vec::new(),
            settle_on_write: true,
            stats: Stats::default(),
            audit: AuditLog::default(),
            budget: budget::Budget::default(),
            actor: Actor::default(),
            event_seq: 0,
            ip_seq: BTreeMap::new(),
            resyncs: imbl::OrdSet::new(),
            requeues: imbl::OrdMap::new(),
            resyncs_fired: 0,
            event_index: imbl::OrdMap::new(),
            event_order: imbl::Vector::new(),
            sync_failures: imbl::OrdMap::new(),
            event_aggregates: imbl::OrdMap::new(),
            lb_counter: BTreeMap::new(),
            controller_marks: BTreeMap::new(),
            pod_facts: Default::default(),
            daemon_nodes: Default::default(),
            metrics: Default::default(),
            hpa: Default::default(),
            daemon_states: Default::default(),
            kubelet_nodes: Vec::new(),
            scheduler: Default::default(),
            managed: imbl::OrdMap::new(),
            field_writer: None,
            crds: crd::Registry::default(),
            taint_eviction: Default::default(),
            auth: rbac::Auth::default(),
            flavour: default_world::Flavour::default(),
        }
    }

    /// The default world of the contract (section 4): nodes, namespaces, registries, a default
    /// StorageClass and the OpenShift image API, seeded with `seed`.
    pub fn new(seed: u64) -> World {
        default_world::build(seed)
    }

    /// Current virtual time.
    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// Sets who makes the following requests (for the audit log). An empty user agent means
    /// internal requests, which are not audited.
    pub fn set_actor(&mut self, user_agent: &str, command: &str) {
        self.actor = Actor {
            user_agent: user_agent.to_string(),
            command: command.to_string(),
        };
    }

    /// The audit log, oldest first.
    pub fn audit(&self) -> impl Iterator<Item = &AuditEntry> {
        self.audit.iter()
    }

    pub(crate) fn audit_request(
        &mut self,
        verb: &str,
        kind: &KindInfo,
        ns: &str,
        name: &str,
        sub: &str,
        code: u16,
    ) {
        if self.actor.user_agent.is_empty() {
            return;
        }
        const CAP: usize = 100_000;
        if self.audit.len() >= CAP {
            return;
        }
        self.audit.push(AuditEntry {
            time: self.clock.now(),
            verb: verb.to_string(),
            resource: kind.plural.to_string(),
            namespace: ns.to_string(),
            name: name.to_string(),
            subresource: sub.to_string(),
            code,
            command: self.actor.command.clone(),
            user_agent: self.actor.user_agent.clone(),
            user: self
                .auth
                .requester
                .as_ref()
                .map(|u| u.name.clone())
                .unwrap_or_default(),
        });
    }

    /// Runs controllers until nothing changes at the current instant.
    pub fn settle(&mut self) {
        controllers::settle(self);
    }

    /// Whether some namespace is being deleted.
    pub fn any_namespace_terminating(&self) -> bool {
        api::kinds::by_kind(kinds::NAMESPACE)
            .is_some_and(|k| self.store.list(k, None).any(api::meta::is_deleting))
    }

    /// Runs one round of every controller; true if anything changed.
    pub fn settle_round(&mut self) -> bool {
        controllers::round(self)
    }

    /// Lets `ms` of virtual time pass, firing every timer due on the way.
    pub fn advance(&mut self, ms: Millis) {
        let deadline = self.clock.now() + ms.max(0);
        self.settle();
        while self.step(deadline) {}
        self.clock.set(deadline);
        self.settle();
    }

    /// Moves to the next timer due at or before `deadline`, fires everything due then and settles.
    /// Returns false (without moving) when no timer is due by then.
    pub fn step(&mut self, deadline: Millis) -> bool {
        // What the current instant's writes set off happens before time moves on; if that
        // changed anything, the caller looks again before the clock moves.
        let before = self.store.writes();
        self.settle();
        if self.store.writes() != before {
            return true;
        }
        let due = self.clock.pop_due(deadline);
        if due.is_empty() {
            return false;
        }
        self.stats.instants += 1;
        for t in due {
            self.fire(t);
        }
        self.settle();
        true
    }

    fn fire(&mut self, t: Timer) {
        match t {
            Timer::Resync => {
                let now = self.clock.now();
                while let Some(&t) = self.resyncs.get_min().filter(|t| **t <= now) {
                    self.resyncs.remove(&t);
                }
                self.resyncs_fired += 1;
                while let Some(&t) = self.requeues.get_min().map(|(t, _)| t) {
                    if t > now {
                        break;
                    }
                    for (q, (ns, name)) in self.requeues.remove(&t).unwrap_or_default() {
                        self.store.enqueue(q, &ns, &name);
                    }
                }
            }
            Timer::Kubelet { pod_uid } => nodes::kubelet::on_timer(self, &pod_uid),
            Timer::NodeHousekeeping { node } => {
                nodes::image_gc::run(self, &node);
            }
            Timer::Named(name) => controllers::on_named_timer(self, &name),
        }
    }

    /// Makes controllers run again at `at` (once per instant, however often it is asked).
    pub fn resync_at(&mut self, at: Millis) {
        if at > self.clock.now() && self.resyncs.insert(at).is_none() {
            self.clock.schedule(at, Timer::Resync);
        }
    }

    /// Puts an object back on its controller's work queue at `at` (a time-sensitive sync:
    /// progress deadlines, `minReadySeconds`).
    pub fn requeue_at(&mut self, q: store::Queue, ns: &str, name: &str, at: Millis) {
        if at > self.clock.now() {
            self.requeues
                .entry(at)
                .or_default()
                .insert((q, (ns.to_string(), name.to_string())));
            self.resync_at(at);
        }
    }

    /// The instance name a provisioner reports in its events
    /// (`<provisioner>_<pod>_<uuid>` uses this as `<pod>_<uuid>`).
    pub fn provisioner_instance(&self, provisioner: &str) -> String {
        let h = seed::fnv1a32(provisioner.as_bytes());
        // The leader of a rook CSI provisioner is one of its Deployment's pods.
        if let Some(pod) = rook::rbd::provisioner_pod(self, provisioner) {
            return format!(
                "{pod}_{h:08x}-0000-4000-8000-{:012x}",
                u64::from(h) * 65_537
            );
        }
        let short = provisioner
            .rsplit(['/', '.'])
            .next()
            .unwrap_or("provisioner");
        format!(
            "{short}-provisioner-{}_{h:08x}-0000-4000-8000-{:012x}",
            seed::safe_encode_u32(h),
            u64::from(h) * 65_537
        )
    }

    /// A fresh pod IP on a node (`10.244.<n>.<k>`).
    pub fn next_pod_ip(&mut self, node: &str) -> String {
        let subnet = self.nodes.get(node).map_or(0, |n| n.pod_subnet);
        let k = self.ip_seq.entry(node.to_string()).or_insert(1);
        *k += 1;
        if *k > 254 {
            *k = 2;
        }
        format!("10.244.{subnet}.{k}")
    }

    /// Looks a kind up or fails with the apiserver's 404 for unknown types.
    pub fn kind(&self, kind: &str) -> Result<&'static KindInfo, ApiError> {
        self.kind_named(kind).ok_or_else(|| {
            ApiError::bad_request(format!(
                "the server could not find the requested resource ({kind})"
            ))
        })
    }

    /// A stored object by kind name, namespace and name (borrowed).
    pub fn object(&self, kind: &str, ns: &str, name: &str) -> Option<&Value> {
        self.store.get(self.kind_named(kind)?, ns, name)
    }
}
