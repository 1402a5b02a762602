//! Random names as the API server makes them (`generateName`) and the seeded RNG that
//! feeds them. Same seed, same names: this is what makes transcripts reproducible.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// apimachinery/pkg/util/rand: no vowels, no 0/1/3, so random names never spell words.
pub const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The model's only source of randomness.
#[derive(Clone, Debug)]
pub struct SimRng(ChaCha8Rng);

/// The generator's position, as a snapshot stores it: the seed, the stream and how
/// many 32-bit words have been drawn (a decimal string: it is a 68-bit number).
#[derive(serde::Serialize, serde::Deserialize)]
struct RngState {
    seed: String,
    stream: u64,
    word_pos: String,
}

impl serde::Serialize for SimRng {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let seed: String = self.0.get_seed().iter().map(|b| format!("{b:02x}")).collect();
        RngState { seed, stream: self.0.get_stream(), word_pos: self.0.get_word_pos().to_string() }.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for SimRng {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SimRng, D::Error> {
        use serde::de::Error;
        let state = RngState::deserialize(d)?;
        let bytes: Vec<u8> = (0..state.seed.len() / 2)
            .map(|i| state.seed.get(2 * i..2 * i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<_>>()
            .ok_or_else(|| D::Error::custom("rng seed is not hex"))?;
        let seed: [u8; 32] = bytes.try_into().map_err(|_| D::Error::custom("rng seed is not 32 bytes"))?;
        let word_pos: u128 = state.word_pos.parse().map_err(|_| D::Error::custom("rng word_pos is not a number"))?;
        let mut rng = ChaCha8Rng::from_seed(seed);
        rng.set_stream(state.stream);
        rng.set_word_pos(word_pos);
        Ok(SimRng(rng))
    }
}

impl SimRng {
    pub fn seeded(seed: u64) -> SimRng {
        SimRng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A uniform index in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.0.random_range(0..n)
    }

    /// `n` characters from [`SUFFIX_ALPHABET`].
    pub fn suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| SUFFIX_ALPHABET[self.below(SUFFIX_ALPHABET.len())] as char)
            .collect()
    }

    /// A random UUIDv4 string, as the API server assigns to `metadata.uid`.
    pub fn uuid(&mut self) -> String {
        let mut b = [0u8; 16];
        for chunk in b.chunks_mut(8) {
            let v: u64 = self.0.random();
            chunk.copy_from_slice(&v.to_le_bytes()[..chunk.len()]);
        }
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }
}

/// A UUIDv4-shaped uid drawn from its own stream seeded by `key` (FNV-64a of
/// it), leaving the cluster's stream alone. For objects added to the model
/// after sessions and transcripts were recorded (ControllerRevisions): drawing
/// their uids from the shared stream would re-deal every later random choice
/// (scheduling tie-breaks, name suffixes) of every existing session.
pub fn side_uuid(key: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in key.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    SimRng::seeded(h).uuid()
}

/// `generateName` + 5 random characters; the base is cut to 58 characters first
/// (apiserver storage/names `SimpleNameGenerator`).
pub fn generate_name(base: &str, rng: &mut SimRng) -> String {
    let base: String = base.chars().take(58).collect();
    format!("{base}{}", rng.suffix(5))
}

/// `rand.SafeEncodeString` of a 32-bit FNV-1a hash: how pod-template-hash values look.
pub fn safe_encode_u32(v: u32) -> String {
    v.to_string()
        .bytes()
        .map(|d| SUFFIX_ALPHABET[d as usize % SUFFIX_ALPHABET.len()] as char)
        .collect()
}

/// A controller's hash of a pod template (k/k controller_utils.go `ComputeHash`):
/// FNV-32a over the template, plus the collision count, safe-encoded. Equal
/// templates give equal hashes; the bytes hashed are the JSON form, not Go's.
pub fn template_hash<T: serde::Serialize>(template: &T, collision_count: Option<i32>) -> String {
    let mut h: u32 = 0x811c9dc5;
    let json = serde_json::to_string(template).unwrap_or_default();
    let count = collision_count.map(|c| c.to_string()).unwrap_or_default();
    for b in json.bytes().chain(count.bytes()) {
        h ^= b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    safe_encode_u32(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_use_only_the_safe_alphabet_and_are_seeded() {
        let mut a = SimRng::seeded(7);
        let mut b = SimRng::seeded(7);
        let s = a.suffix(5);
        assert_eq!(s, b.suffix(5));
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|c| SUFFIX_ALPHABET.contains(&c)));
    }

    #[test]
    fn uuid_is_version_4() {
        let u = SimRng::seeded(1).uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }

    #[test]
    fn template_hash_digits_map_through_the_alphabet() {
        // '0'(48)%27=21 → '4', '9'(57)%27=3 → 'f'
        assert_eq!(safe_encode_u32(90), "f4");
    }
}
