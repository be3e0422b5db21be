//! `parley-cli verify-pack` as an appeal desk would run it: an intact pack says so with its
//! fingerprint (exit 0); a pack with a changed byte or an added file names them (exit 1); a
//! folder that is not there is exit 2.

use parley_core::account::AccountId;
use parley_core::evidence::{write_pack, PackAccount, PackContents, PackRoom};
use parley_core::message::{DeliveryState, MessageKind, StoredMessage};
use std::process::Command;

fn pack(into: &std::path::Path) -> parley_core::evidence::WrittenPack {
    let message = StoredMessage {
        local_id: 1,
        account: AccountId("mockly-1".into()),
        room: "public".into(),
        service_id: Some("msg_1".into()),
        sender_id: "bob".into(),
        sender_name: None,
        own: false,
        kind: MessageKind::Text,
        text: "I sent the money".into(),
        media: None,
        card: None,
        sender_avatar: None,
        ts_ms: 1_800_000_000_000,
        ts_raw: "2027-01-15T08:00:00.000000".into(),
        state: DeliveryState::Sent,
        error: None,
        quote_id: None,
    };
    write_pack(
        into,
        &PackContents {
            app_version: "0.1.0".into(),
            exported_at_ms: 1_800_000_100_000,
            account: PackAccount {
                id: "mockly-1".into(),
                name: "me".into(),
                service: "mockly.me chat".into(),
            },
            room: PackRoom {
                id: "public".into(),
                title: "Public room".into(),
            },
            messages: vec![message],
            media: Default::default(),
            order: None,
            order_note: None,
        },
    )
    .unwrap()
}

fn verify(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_parley-cli"))
        .arg("verify-pack")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn an_intact_pack_passes_and_a_changed_one_names_its_files() {
    let out = tempfile::tempdir().unwrap();
    let written = pack(out.path());
    let dir = written.dir.as_os_str();

    let (code, said) = verify(&[dir]);
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("intact: the 3 files of the manifest"),
        "{said}"
    );
    assert!(said.contains(&format!(
        "fingerprint (pack.json seal): {}",
        written.fingerprint
    )));
    assert!(said.contains("Evidence pack of Public room"));

    let transcript = written.dir.join("transcript.txt");
    let mut bytes = std::fs::read(&transcript).unwrap();
    let at = bytes.len() - 3;
    bytes[at] = b'X';
    std::fs::write(&transcript, bytes).unwrap();
    std::fs::write(written.dir.join("note.txt"), "added later").unwrap();
    let (code, said) = verify(&[dir]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("NOT INTACT: 2 problem(s)"), "{said}");
    assert!(
        said.lines().any(|l| l == "changed: transcript.txt"),
        "{said}"
    );
    assert!(said.lines().any(|l| l == "added: note.txt"), "{said}");

    let (code, said) = verify(&[dir, "--json".as_ref()]);
    assert_eq!(code, Some(1));
    let verdict: serde_json::Value = serde_json::from_str(said.trim()).unwrap();
    assert_eq!(verdict["problems"][0]["problem"], "changed");
    assert_eq!(verdict["problems"][0]["detail"], "transcript.txt");

    let (code, _) = verify(&[out.path().join("nowhere").as_os_str()]);
    assert_eq!(code, Some(2));
}
