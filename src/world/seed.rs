//! Deterministic randomness: uids, generated-name suffixes and anything else that looks random
//! comes from here, seeded by the lab. No global RNG, no host entropy.

/// The alphabet of generated names (`apimachinery pkg/util/rand`): no vowels, no 0/1/3.
pub const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// SplitMix64's increment.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
/// Its inverse modulo 2^64 (GAMMA is odd).
const GAMMA_INVERSE: u64 = inverse(GAMMA);

/// The inverse of an odd number modulo 2^64 (Newton's iteration, each step doubling the bits).
const fn inverse(a: u64) -> u64 {
    let mut x = a;
    let mut i = 0;
    while i < 5 {
        x = x.wrapping_mul(2u64.wrapping_sub(a.wrapping_mul(x)));
        i += 1;
    }
    x
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Seed {
    state: u64,
}

impl Seed {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Seed {
            state: seed ^ 0x6b75_6265_6c61_6221,
        }
    }

    /// The generator as it is after `n` more draws of [`Seed::next_u64`] (SplitMix64's state is
    /// a counter, so this costs nothing).
    pub fn skipped(mut self, n: u64) -> Self {
        self.state = self.state.wrapping_add(GAMMA.wrapping_mul(n));
        self
    }

    /// How many draws of [`Seed::next_u64`] lead from `earlier` to this generator.
    pub fn draws_since(&self, earlier: &Seed) -> u64 {
        self.state
            .wrapping_sub(earlier.state)
            .wrapping_mul(GAMMA_INVERSE)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A version-4 UUID string, e.g. `3f2c1a0e-8b7d-4c2e-9f1a-0b6c6e355c3e`.
    pub fn uid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let h = hex(&bytes);
        let mut out = String::with_capacity(36);
        for (i, r) in [0..8, 8..12, 12..16, 16..20, 20..32]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                out.push('-');
            }
            out.push_str(&h[r]);
        }
        out
    }

    /// `n` characters from [`NAME_ALPHABET`], as `generateName` appends (5 for pods).
    pub fn suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| NAME_ALPHABET[self.below(NAME_ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

/// Encodes a number the way `ComputeHash`'s result is printed: decimal digits mapped through
/// `SafeEncodeString` (`0→4 1→5 … 9→f`).
pub fn safe_encode_u32(n: u32) -> String {
    n.to_string()
        .bytes()
        .map(|d| NAME_ALPHABET[(d as usize) % NAME_ALPHABET.len()] as char)
        .collect()
}

/// Lower-case hex of bytes (digests, uids).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// FNV-1a, 32 bits.
pub fn fnv1a32(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= *b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// FNV-1 (not 1a), 32 bits, as ControllerRevision names use.
pub fn fnv1_32(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h = h.wrapping_mul(0x0100_0193);
        h ^= *b as u32;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let (mut a, mut b) = (Seed::new(7), Seed::new(7));
        assert_eq!(a.uid(), b.uid());
        assert_eq!(a.suffix(5), b.suffix(5));
        let u = Seed::new(1).uid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }

    #[test]
    fn skipping_draws_is_drawing() {
        let start = Seed::new(9);
        let mut a = start.clone();
        for _ in 0..37 {
            a.next_u64();
        }
        assert_eq!(a.draws_since(&start), 37);
        let mut b = start.clone().skipped(37);
        assert_eq!(a.next_u64(), b.next_u64());
        assert_eq!(GAMMA.wrapping_mul(GAMMA_INVERSE), 1);
    }

    #[test]
    fn safe_encoding_maps_digits() {
        // digit→char: 0→4 1→5 2→6 3→7 4→8 5→9 6→b 7→c 8→d 9→f
        assert_eq!(safe_encode_u32(1234567890), "56789bcdf4");
    }
}
