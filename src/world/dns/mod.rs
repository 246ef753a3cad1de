//! Cluster DNS: what CoreDNS's `kubernetes` plugin answers (`coredns.rs`), how a pod's resolver
//! library turns a name into addresses through its `/etc/resolv.conf` and `/etc/hosts`
//! (`resolver.rs`), the files the kubelet writes for a pod (`files.rs`), and the programs that
//! show it: busybox's `nslookup` (`nslookup.rs`) and `getent hosts` (`getent.rs`).
//!
//! The world has no CoreDNS pods and no `kube-dns` Service object: the cluster's DNS server is
//! answered here, at [`CLUSTER_DNS_IP`], the address every pod's resolv.conf names. The nodes'
//! own resolver ([`NODE_NAMESERVER`], used by `dnsPolicy: Default` pods and by CoreDNS's
//! `forward` for names outside the cluster) answers NXDOMAIN for every name: the simulated
//! cluster has no Internet.

mod coredns;
mod files;
mod getent;
mod nslookup;
mod resolver;
#[cfg(test)]
mod tests;

pub use coredns::{Rcode, Rdata, Record, Reply, RrType};
pub use files::{fqdn, hostname, hostname_file, hosts_file, resolv_conf};
pub use getent::{getent, getent_with};
pub use nslookup::{nslookup, nslookup_with};
pub use resolver::{HostEntry, LookupError, ResolvConf};

/// The cluster's DNS domain (the kubelet's `--cluster-domain`, CoreDNS's zone).
pub const CLUSTER_DOMAIN: &str = "cluster.local";

/// The ClusterIP of the cluster's DNS service (kubeadm's `kube-dns`, the kubelet's
/// `--cluster-dns`): the `nameserver` of every ClusterFirst pod.
pub const CLUSTER_DNS_IP: &str = "10.96.0.10";

/// The nodes' own resolver (their `/etc/resolv.conf`, the kubelet's `--resolv-conf`): the
/// `nameserver` of `dnsPolicy: Default` pods and CoreDNS's upstream.
pub const NODE_NAMESERVER: &str = "10.0.0.2";
