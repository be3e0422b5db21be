//! Conversation ids as Mixin derives them (PROTOCOLS.md §1.13): a one-to-one conversation's id
//! is a version-3-style UUID from the MD5 of both user ids in ascending order, so either side
//! computes the same id without asking the server.

use md5::{Digest, Md5};

/// The conversation id of the contact chat between users `a` and `b` (order does not matter).
pub fn contact_conversation_id(a: &str, b: &str) -> String {
    let (low, high) = if a <= b { (a, b) } else { (b, a) };
    let mut sum: [u8; 16] = Md5::digest(format!("{low}{high}").as_bytes()).into();
    sum[6] = (sum[6] & 0x0f) | 0x30;
    sum[8] = (sum[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(sum).hyphenated().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_protocol_notes_test_vector_in_either_order() {
        let a = "82d20bc7-9a97-4a69-bcd0-4da502374f6c";
        let b = "e8e5b807-fa8b-455a-8dfa-b189d28310ff";
        assert_eq!(
            contact_conversation_id(a, b),
            "89576cee-9216-3d39-9483-e828a5a95fd3"
        );
        assert_eq!(
            contact_conversation_id(b, a),
            "89576cee-9216-3d39-9483-e828a5a95fd3"
        );
    }
}
