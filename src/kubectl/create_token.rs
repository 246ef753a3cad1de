//! `kubectl create token SA` (`kubectl pkg/cmd/create/create_token.go`) and the token the
//! simulated API server issues for it: a JWT with the claims the real apiserver's
//! service-account issuer puts in (`aud`, `exp`, `iat`, `iss`, `jti`, `kubernetes.io` with the
//! namespace, service account, and bound pod/secret, `nbf`, `sub`), from the world's clock and
//! seed, so it is deterministic. kubelab does not hold an RSA key: the signature part is 256
//! bytes derived with SHA-256 from the signed text (the shape of an RS256 signature, not a
//! verifiable one).

use crate::world::api::kinds;
use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::printers::json::to_json_compact;

/// The issuer and default audience of a kubeadm cluster.
pub const ISSUER: &str = "https://kubernetes.default.svc.cluster.local";

/// `Validate()` of `create token`; `duration_ms` is `--duration`.
pub fn validate(
    duration_ms: i64,
    audiences: &[String],
    bound_kind: &str,
    bound_name: &str,
    bound_uid: &str,
) -> Result<(), String> {
    if duration_ms < 0 {
        return Err("--duration must be greater than or equal to 0".into());
    }
    if duration_ms % 1000 != 0 {
        return Err("--duration cannot be expressed in units less than seconds".into());
    }
    if audiences.iter().any(String::is_empty) {
        return Err("--audience must not be an empty string".into());
    }
    if bound_kind.is_empty() {
        if !bound_name.is_empty() {
            return Err(
                "--bound-object-name can only be set if --bound-object-kind is provided".into(),
            );
        }
        if !bound_uid.is_empty() {
            return Err(
                "--bound-object-uid can only be set if --bound-object-kind is provided".into(),
            );
        }
    } else {
        if !matches!(bound_kind, kinds::NODE | kinds::POD | kinds::SECRET) {
            return Err("supported --bound-object-kind values are Node, Pod, Secret".into());
        }
        if bound_name.is_empty() {
            return Err(
                "--bound-object-name is required if --bound-object-kind is provided".into(),
            );
        }
    }
    Ok(())
}

/// What the token is for.
#[derive(Debug, Clone)]
pub struct Claims {
    /// Namespace of the service account.
    pub namespace: String,
    /// Service account name and uid.
    pub sa: (String, String),
    /// Audiences (the issuer when none were asked for).
    pub audiences: Vec<String>,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Lifetime in seconds.
    pub expiration: i64,
    /// A unique id (from the world's seed).
    pub jti: String,
    /// The bound object: (kind, name, uid).
    pub bound: Option<(String, String, String)>,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The signed JWT (header.payload.signature).
pub fn token(c: &Claims) -> String {
    let kid = b64(&Sha256::digest(b"kubelab service account signing key")[..32]);
    let header = json!({"alg": "RS256", "kid": kid});
    let mut k8s = json!({
        "namespace": c.namespace,
        "serviceaccount": {"name": c.sa.0, "uid": c.sa.1},
    });
    if let Some((kind, name, uid)) = &c.bound {
        k8s[kind.to_ascii_lowercase()] = json!({"name": name, "uid": uid});
    }
    let payload = json!({
        "aud": c.audiences,
        "exp": c.iat + c.expiration,
        "iat": c.iat,
        "iss": ISSUER,
        "jti": c.jti,
        "kubernetes.io": k8s,
        "nbf": c.iat,
        "sub": format!("system:serviceaccount:{}:{}", c.namespace, c.sa.0),
    });
    let signed = format!(
        "{}.{}",
        b64(to_json_compact(&header).as_bytes()),
        b64(to_json_compact(&payload).as_bytes())
    );
    let mut sig = Vec::with_capacity(256);
    let mut block = Sha256::digest(signed.as_bytes()).to_vec();
    while sig.len() < 256 {
        sig.extend_from_slice(&block);
        block = Sha256::digest(&block).to_vec();
    }
    sig.truncate(256);
    format!("{signed}.{}", b64(&sig))
}

/// The TokenRequest the server answers (what `-o yaml|json` prints).
pub fn token_request(
    c: &Claims,
    requested_audiences: &[String],
    expiration_timestamp: &str,
) -> Value {
    let mut spec = json!({"boundObjectRef": null, "expirationSeconds": c.expiration});
    if !requested_audiences.is_empty() {
        spec["audiences"] = json!(requested_audiences);
    } else {
        spec["audiences"] = json!(c.audiences);
    }
    if let Some((kind, name, uid)) = &c.bound {
        spec["boundObjectRef"] =
            json!({"apiVersion": "v1", "kind": kind, "name": name, "uid": uid});
    }
    json!({
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "metadata": {"creationTimestamp": null, "name": c.sa.0, "namespace": c.namespace},
        "spec": spec,
        "status": {"expirationTimestamp": expiration_timestamp, "token": token(c)},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_a_jwt_with_the_claims() {
        let c = Claims {
            namespace: "default".into(),
            sa: ("viewer".into(), "u1".into()),
            audiences: vec![ISSUER.into()],
            iat: 1000,
            expiration: 3600,
            jti: "j".into(),
            bound: None,
        };
        let t = token(&c);
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap();
        let v: Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(v["sub"], "system:serviceaccount:default:viewer");
        assert_eq!(v["exp"], 4600);
        assert_eq!(token(&c), t);
        assert_eq!(
            validate(1500, &[], "", "", "").unwrap_err(),
            "--duration cannot be expressed in units less than seconds"
        );
        assert_eq!(
            validate(0, &[], "Deployment", "n", "").unwrap_err(),
            "supported --bound-object-kind values are Node, Pod, Secret"
        );
    }
}
