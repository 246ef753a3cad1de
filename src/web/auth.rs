//! Signed tokens: HMAC-SHA256 with the server's key (kept in the database, so tokens outlive a
//! restart). A student's cookie is `ID.SIG`, SIG signing `student:ID`; the instructor token
//! signs `instructor`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The length of a new key, in bytes.
pub const KEY_LEN: usize = 32;

/// The server's signing key.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// A new key from the operating system's random source.
pub fn new_key() -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut key = vec![0u8; KEY_LEN];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut key))
        .map_err(|e| format!("cannot read /dev/urandom for the server's key: {e}"))?;
    Ok(key)
}

impl Signer {
    /// A signer with `key`.
    pub fn new(key: Vec<u8>) -> Signer {
        Signer { key }
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length")
    }

    fn sign(&self, what: &str) -> String {
        let mut m = self.mac();
        m.update(what.as_bytes());
        hex(&m.finalize().into_bytes())
    }

    fn verify(&self, what: &str, sig: &str) -> bool {
        let Some(sig) = unhex(sig) else {
            return false;
        };
        let mut m = self.mac();
        m.update(what.as_bytes());
        // Constant time.
        m.verify_slice(&sig).is_ok()
    }

    /// The cookie value for student `id`.
    pub fn student_token(&self, id: i64) -> String {
        format!("{id}.{}", self.sign(&format!("student:{id}")))
    }

    /// The student a cookie value names, if its signature is good.
    pub fn student(&self, token: &str) -> Option<i64> {
        let (id, sig) = token.split_once('.')?;
        let id: i64 = id.parse().ok()?;
        self.verify(&format!("student:{id}"), sig).then_some(id)
    }

    /// The instructor's token.
    pub fn instructor_token(&self) -> String {
        self.sign("instructor")
    }

    /// Whether `token` is the instructor's.
    pub fn is_instructor(&self, token: &str) -> bool {
        self.verify("instructor", token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_their_key_and_subject() {
        let s = Signer::new(vec![7; KEY_LEN]);
        let t = s.student_token(42);
        assert_eq!(s.student(&t), Some(42));
        // Another student's id with this signature, a changed signature, another key.
        let forged = t.replacen("42.", "43.", 1);
        assert_eq!(s.student(&forged), None);
        let mut bad = t.clone();
        bad.pop();
        bad.push(if t.ends_with('0') { '1' } else { '0' });
        assert_eq!(s.student(&bad), None);
        assert_eq!(Signer::new(vec![8; KEY_LEN]).student(&t), None);
        for junk in ["", ".", "42", "42.", "x.00", "42.zz"] {
            assert_eq!(s.student(junk), None, "{junk}");
        }
        let i = s.instructor_token();
        assert!(s.is_instructor(&i));
        assert!(!s.is_instructor(&t));
        assert!(!Signer::new(vec![8; KEY_LEN]).is_instructor(&i));
        // RFC 4231's test case 2: HMAC-SHA256 of "what do ya want for nothing?" with "Jefe".
        let mut m = Signer::new(b"Jefe".to_vec()).mac();
        m.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(&m.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
