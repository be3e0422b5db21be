//! `parley-cli verify-pack DIR`: re-hashes an evidence pack and says whether it is exactly as
//! exported, naming every file changed, missing or added (see `parley_core::evidence`).

use parley_core::evidence::verify_pack;
use std::path::Path;
use std::process::ExitCode;

/// Exit code when the pack is not as exported.
const NOT_INTACT: u8 = 1;
/// Exit code when the folder cannot be read at all.
const UNREADABLE: u8 = 2;

pub fn run(dir: &Path, json: bool) -> ExitCode {
    let verdict = match verify_pack(dir) {
        Ok(verdict) => verdict,
        Err(e) => {
            eprintln!("parley-cli: {e}");
            return ExitCode::from(UNREADABLE);
        }
    };
    if json {
        match serde_json::to_string(&verdict) {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("parley-cli: {e}");
                return ExitCode::from(UNREADABLE);
            }
        }
    } else {
        if let (Some(room), Some(at)) = (&verdict.room, &verdict.exported_at) {
            println!("Evidence pack of {room}, exported {at}");
        }
        if let Some(fingerprint) = &verdict.fingerprint {
            println!("fingerprint (pack.json seal): {fingerprint}");
        }
        if verdict.intact() {
            println!(
                "intact: the {} files of the manifest, the manifest and pack.json are exactly as exported",
                verdict.files_checked
            );
        } else {
            println!("NOT INTACT: {} problem(s)", verdict.problems.len());
            for problem in &verdict.problems {
                println!("{problem}");
            }
        }
    }
    if verdict.intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(NOT_INTACT)
    }
}
