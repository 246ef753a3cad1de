//! The Secrets `kubectl create secret docker-registry|tls` build (`kubectl pkg/cmd/create/
//! create_secret_docker.go`, `create_secret_tls.go`): the `.dockerconfigjson` kubectl
//! marshals (`{"auths":{SERVER:{"username","password","email","auth"}}}`, Go's JSON escaping,
//! `auth` = base64 of `user:password`), and the TLS pair checked as Go's `tls.X509KeyPair`
//! checks it (PEM blocks, then the certificate's public key against the private key's, see
//! [`super::create_tls_pair`]).

use base64::Engine;

use crate::printers::json::write_string;

/// `Validate()` of `create secret docker-registry`.
pub fn validate_docker(
    files: &[String],
    user: &str,
    password: &str,
    server: &str,
) -> Result<(), String> {
    if files.is_empty() && (user.is_empty() || password.is_empty() || server.is_empty()) {
        return Err("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required".into());
    }
    Ok(())
}

/// `handleDockerCfgJSONContent`: the JSON bytes of the `.dockerconfigjson` key.
pub fn docker_config_json(user: &str, password: &str, email: &str, server: &str) -> String {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut entry = Vec::new();
    for (k, v) in [
        ("username", user),
        ("password", password),
        ("email", email),
        ("auth", auth.as_str()),
    ] {
        if !v.is_empty() {
            let mut s = format!("\"{k}\":");
            write_string(&mut s, v);
            entry.push(s);
        }
    }
    let mut out = String::from("{\"auths\":{");
    write_string(&mut out, server);
    out.push_str(":{");
    out.push_str(&entry.join(","));
    out.push_str("}}}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_json_as_kubectl_marshals_it() {
        assert_eq!(
            docker_config_json("u", "p", "", "https://index.docker.io/v1/"),
            r#"{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p","auth":"dTpw"}}}"#
        );
        assert_eq!(
            docker_config_json("a", "<&>", "e@x", "r"),
            r#"{"auths":{"r":{"username":"a","password":"\u003c\u0026\u003e","email":"e@x","auth":"YTo8Jj4="}}}"#
        );
        assert!(validate_docker(&[], "u", "", "s").is_err());
    }
}
