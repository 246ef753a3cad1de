//! `cluster.load_balancer_pool(...)` and `cluster.install_ingress_nginx()`: what a lab sets up
//! for traffic from outside the cluster (`world/traffic/`).

use rhai::EvalAltResult;

use super::cluster::Cluster;
use super::meter::CALL_COST;

type Res<T> = Result<T, Box<EvalAltResult>>;

impl Cluster {
    /// `cluster.load_balancer_pool("192.168.49.240-192.168.49.250")`: the addresses
    /// LoadBalancer Services are given (MetalLB-style ranges, prefixes or addresses,
    /// comma-separated); an empty string takes the pool away (new LoadBalancer Services then
    /// stay `<pending>`).
    pub fn load_balancer_pool(&mut self, spec: &str) -> Res<()> {
        self.0.charge("cluster.load_balancer_pool", CALL_COST)?;
        let pool = crate::world::traffic::parse_pool(spec)
            .map_err(|e| format!("cluster.load_balancer_pool: {e}"))?;
        let mut w = self.0.world_mut();
        w.traffic.pool = pool;
        crate::world::traffic::load_balancers::run(&mut w);
        w.settle();
        Ok(())
    }

    /// `cluster.network_policy(true)`: the world's CNI enforces NetworkPolicies (a
    /// Calico-like CNI, `world/network_policy/`); `false` (the default) is flannel's
    /// behaviour: policies are stored and nothing enforces them.
    pub fn network_policy(&mut self, on: bool) -> Res<()> {
        self.0.charge("cluster.network_policy", CALL_COST)?;
        self.0.world_mut().traffic.network_policy = on;
        Ok(())
    }

    /// `cluster.install_ingress_nginx()`: the ingress-nginx controller, as its deploy manifest
    /// installs it (namespace `ingress-nginx`, IngressClass `nginx`, Deployment and Service
    /// `ingress-nginx-controller`).
    pub fn install_ingress_nginx(&mut self) -> Res<()> {
        self.0.charge("cluster.install_ingress_nginx", CALL_COST)?;
        let mut w = self.0.world_mut();
        crate::world::traffic::ingress::install(&mut w)
            .map_err(|e| format!("cluster.install_ingress_nginx: {e}").into())
    }
}
