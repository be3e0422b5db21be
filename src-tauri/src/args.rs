//! The app's command line.

use std::path::PathBuf;

pub const USAGE: &str = "\
usage: parley [--profile DIR] [--demo] [--autostart]

  --profile DIR   keep config, history and logs in DIR instead of the platform's
                  config and data dirs (secrets stay in the OS keyring, namespaced by DIR)
  --demo          start the Demo workspace even when accounts are configured
  --autostart     started at login: stay in the tray if Settings say start hidden

environment:
  PARLEY_LOG      log filter (EnvFilter syntax), e.g. PARLEY_LOG=debug; default info
  WEBKIT_DISABLE_COMPOSITING_MODE
                  1: draw without GL compositing (set by Parley when the machine has no GPU
                  render node, /dev/dri/renderD*); 0 or any other value: leave it to WebKit";

#[derive(Debug, Default, PartialEq)]
pub struct Args {
    pub profile: Option<PathBuf>,
    pub demo: bool,
    pub help: bool,
    /// Launched by the desktop at login (see the start-at-login setting).
    pub autostart: bool,
}

impl Args {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut parsed = Args::default();
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--profile" => {
                    let dir = it.next().ok_or("--profile needs a folder")?;
                    parsed.profile = Some(PathBuf::from(dir));
                }
                "--demo" => parsed.demo = true,
                "--autostart" => parsed.autostart = true,
                "-h" | "--help" => parsed.help = true,
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Args, String> {
        Args::parse(s.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn profile_and_demo_are_read() {
        let args = parse("--profile /tmp/p --demo").unwrap();
        assert_eq!(args.profile, Some(PathBuf::from("/tmp/p")));
        assert!(args.demo);
        assert!(!args.autostart);
        assert!(parse("--autostart").unwrap().autostart);
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(parse("--profile").unwrap_err().contains("needs a folder"));
        assert!(parse("--bogus").unwrap_err().contains("unknown argument"));
    }
}
