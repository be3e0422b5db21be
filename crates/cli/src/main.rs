//! `parley-cli`: a headless client over the same core as the desktop app. It prints every
//! event as one JSON object per line on stdout and sends each line of stdin as a message.
//! Logs go to stderr (`PARLEY_LOG` filter). Nothing is persisted: history lives in memory.
//! `verify-pack` checks an evidence pack the app exported.

mod args;
mod session;
mod verify;

use std::process::ExitCode;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("parley-cli: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(cli());
    // The stdin reader is a blocking thread stuck in read(2) until input ends: waiting for it
    // kept the process alive after the session ended (a stop, a setup error, Ctrl-C) for as
    // long as stdin stayed open. Everything that matters (sockets closed, listenKeys deleted)
    // is done by now.
    runtime.shutdown_background();
    code
}

async fn cli() -> ExitCode {
    parley_core::logging::init_stderr();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match args::parse(&args) {
        Ok(args::Parsed::Help) => {
            println!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(args::Parsed::Connect(c)) => *c,
        Ok(args::Parsed::VerifyPack { dir, json }) => return verify::run(&dir, json),
        Err(message) => {
            eprintln!("parley-cli: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    match session::run(command).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("parley-cli: {e:#}");
            ExitCode::from(1)
        }
    }
}
