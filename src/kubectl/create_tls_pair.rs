//! The check Go's `tls.X509KeyPair` makes on `kubectl create secret tls --cert --key`: the
//! certificate input must hold a `CERTIFICATE` PEM block and the key input a `... PRIVATE KEY`
//! block (with Go's error texts when they do not, or are switched), the certificate must parse
//! as DER, the key as PKCS#1, PKCS#8 or SEC 1, and the certificate's public key (RSA modulus,
//! EC point, Ed25519 key) must be the private key's. kubelab reads the DER structure itself:
//! it does not verify signatures (neither does `X509KeyPair`). An Ed25519 PKCS#8 key carries
//! only its seed, and deriving the public key needs the curve arithmetic kubelab does not
//! implement: that case is reported plainly.

use base64::Engine;

struct Block {
    kind: String,
    der: Vec<u8>,
}

/// `pem.Decode` repeated: every block that decodes, in order.
fn pem_blocks(input: &[u8]) -> Vec<Block> {
    let text = String::from_utf8_lossy(input);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let Some(end_type) = after.find("-----") else {
            break;
        };
        let kind = after[..end_type].to_string();
        let body_start = &after[end_type + 5..];
        let end_marker = format!("-----END {kind}-----");
        let Some(end) = body_start.find(&end_marker) else {
            rest = body_start;
            continue;
        };
        let body: String = body_start[..end]
            .lines()
            .filter(|l| !l.contains(':'))
            .collect::<Vec<_>>()
            .concat()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        rest = &body_start[end + end_marker.len()..];
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(body.as_bytes()) {
            out.push(Block { kind, der });
        }
    }
    out
}

/// One DER element: (tag, content, rest).
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, hdr) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *b.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let content = b.get(hdr..hdr.checked_add(len)?)?;
    Some((tag, content, &b[hdr + len..]))
}

fn seq(b: &[u8]) -> Option<&[u8]> {
    match tlv(b)? {
        (0x30, c, _) => Some(c),
        _ => None,
    }
}

/// An INTEGER's magnitude without leading zero bytes.
fn int(b: &[u8]) -> Option<(&[u8], &[u8])> {
    match tlv(b)? {
        (0x02, c, rest) => {
            let start = c.iter().position(|x| *x != 0).unwrap_or(c.len());
            Some((&c[start..], rest))
        }
        _ => None,
    }
}

const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const ED25519: &[u8] = &[0x2b, 0x65, 0x70];

#[derive(Debug, PartialEq, Eq)]
enum Key {
    Rsa(Vec<u8>),
    Ec(Vec<u8>),
    Ed25519(Option<Vec<u8>>),
}

/// The certificate's SubjectPublicKeyInfo as a key.
fn cert_public_key(der: &[u8]) -> Result<Key, String> {
    let malformed = || "x509: malformed certificate".to_string();
    let cert = seq(der).ok_or_else(malformed)?;
    let mut tbs = seq(cert).ok_or_else(malformed)?;
    if tbs.first() == Some(&0xa0) {
        tbs = tlv(tbs).ok_or_else(malformed)?.2;
    }
    // serial, signature algorithm, issuer, validity, subject
    for _ in 0..5 {
        tbs = tlv(tbs).ok_or_else(malformed)?.2;
    }
    let spki = seq(tbs).ok_or_else(malformed)?;
    let (_, alg, rest) = tlv(spki).ok_or_else(malformed)?;
    let (_, oid, _) = tlv(alg).ok_or_else(malformed)?;
    let (tag, bits, _) = tlv(rest).ok_or_else(malformed)?;
    if tag != 0x03 || bits.is_empty() {
        return Err(malformed());
    }
    let key = &bits[1..];
    match oid {
        o if o == RSA => {
            let inner = seq(key).ok_or_else(malformed)?;
            let (n, _) = int(inner).ok_or_else(malformed)?;
            Ok(Key::Rsa(n.to_vec()))
        }
        o if o == EC => Ok(Key::Ec(key.to_vec())),
        o if o == ED25519 => Ok(Key::Ed25519(Some(key.to_vec()))),
        _ => Err("tls: unknown public key algorithm".into()),
    }
}

fn pkcs1(der: &[u8]) -> Option<Key> {
    let body = seq(der)?;
    let (_, rest) = int(body)?;
    let (n, rest) = int(rest)?;
    let (_, _) = int(rest)?;
    Some(Key::Rsa(n.to_vec()))
}

fn sec1(der: &[u8]) -> Option<Key> {
    let body = seq(der)?;
    let (_, mut rest) = int(body)?;
    rest = tlv(rest)?.2; // the private scalar
    while let Some((tag, content, next)) = tlv(rest) {
        if tag == 0xa1 {
            let (t, bits, _) = tlv(content)?;
            if t == 0x03 && !bits.is_empty() {
                return Some(Key::Ec(bits[1..].to_vec()));
            }
        }
        rest = next;
    }
    None
}

fn pkcs8(der: &[u8]) -> Option<Key> {
    let body = seq(der)?;
    let (_, rest) = int(body)?;
    let (_, alg, rest) = tlv(rest)?;
    let (_, oid, _) = tlv(alg)?;
    let (tag, inner, _) = tlv(rest)?;
    if tag != 0x04 {
        return None;
    }
    match oid {
        o if o == RSA => pkcs1(inner),
        o if o == EC => sec1(inner),
        o if o == ED25519 => Some(Key::Ed25519(None)),
        _ => None,
    }
}

/// `tls.X509KeyPair`'s verdict on the two inputs.
pub fn check(cert: &[u8], key: &[u8]) -> Result<(), String> {
    let mut certs = Vec::new();
    let mut skipped = Vec::new();
    for b in pem_blocks(cert) {
        if b.kind == "CERTIFICATE" {
            certs.push(b.der);
        } else {
            skipped.push(b.kind);
        }
    }
    if certs.is_empty() {
        if skipped.is_empty() {
            return Err("tls: failed to find any PEM data in certificate input".into());
        }
        if skipped.len() == 1 && skipped[0].ends_with("PRIVATE KEY") {
            return Err("tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".into());
        }
        return Err(format!(
            "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]",
            skipped.join(" ")
        ));
    }
    let mut skipped = Vec::new();
    let mut key_der = None;
    for b in pem_blocks(key) {
        if b.kind == "PRIVATE KEY" || b.kind.ends_with(" PRIVATE KEY") {
            key_der = Some(b.der);
            break;
        }
        skipped.push(b.kind);
    }
    let Some(key_der) = key_der else {
        if skipped.is_empty() {
            return Err("tls: failed to find any PEM data in key input".into());
        }
        if skipped.len() == 1 && skipped[0] == "CERTIFICATE" {
            return Err(
                "tls: found a certificate rather than a key in the PEM for the private key".into(),
            );
        }
        return Err(format!(
            "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]",
            skipped.join(" ")
        ));
    };
    let public = cert_public_key(&certs[0])?;
    let private = pkcs1(&key_der)
        .or_else(|| pkcs8(&key_der))
        .or_else(|| sec1(&key_der))
        .ok_or_else(|| "tls: failed to parse private key".to_string())?;
    match (&public, &private) {
        (Key::Ed25519(_), Key::Ed25519(None)) => Err(
            "kubelab does not support checking an Ed25519 key pair (kubectl checks that the key matches the certificate)"
                .into(),
        ),
        (Key::Rsa(a), Key::Rsa(b)) | (Key::Ec(a), Key::Ec(b)) => {
            if a == b {
                Ok(())
            } else {
                Err("tls: private key does not match public key".into())
            }
        }
        _ => Err("tls: private key type does not match public key type".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_errors() {
        assert_eq!(
            check(b"", b"").unwrap_err(),
            "tls: failed to find any PEM data in certificate input"
        );
        let key = b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(
            check(key, key)
                .unwrap_err()
                .contains("PEM inputs may have been switched")
        );
        let cert = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert_eq!(
            check(cert, cert).unwrap_err(),
            "tls: found a certificate rather than a key in the PEM for the private key"
        );
        assert_eq!(check(cert, key).unwrap_err(), "x509: malformed certificate");
    }
}
