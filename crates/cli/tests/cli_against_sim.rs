//! parley-cli as a script would use it: lines in, NDJSON out, against the mockly simulator.

use parley_sim::mockly::{MocklyConfig, MocklySim};
use std::io::Write;
use std::process::{Command, Stdio};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parley-cli"))
}

/// Runs parley-cli with `args`, writes `lines` to its stdin, closes it, and collects the output.
async fn run_with_input(args: Vec<String>, lines: Vec<String>) -> std::process::Output {
    run_with_input_and_env(args, lines, &[]).await
}

/// [`run_with_input`] with environment variables set for the run.
async fn run_with_input_and_env(
    args: Vec<String>,
    lines: Vec<String>,
    env: &[(&'static str, &'static str)],
) -> std::process::Output {
    let env = env.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut child = cli()
            .args(&args)
            .envs(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        for line in lines {
            writeln!(stdin, "{line}").unwrap();
        }
        drop(stdin);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// The stdout of a run that must have succeeded (the failure message shows both streams).
fn stdout_of_success(output: std::process::Output) -> String {
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The events parley-cli printed, one JSON object per line.
fn ndjson(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn sends_stdin_lines_and_prints_ndjson_events() {
    let sim = MocklySim::start(MocklyConfig {
        bot_reply_chance: 0.0,
        ..MocklyConfig::default()
    })
    .await
    .unwrap();
    let endpoint = sim.endpoint();
    let output = run_with_input(
        strings(&[
            "connect",
            "mockly",
            "--client-id",
            "scripted",
            "--endpoint",
            &endpoint,
        ]),
        strings(&[
            "hello from a script",
            r#"{"room":"public","text":"json line"}"#,
        ]),
    )
    .await;
    let stdout = stdout_of_success(output);
    let events = ndjson(&stdout);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"status"));
    let sent: Vec<&str> = events
        .iter()
        .filter(|e| e["event"] == "sent")
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(sent, ["hello from a script", "json line"]);
    let sent_event = events.iter().find(|e| e["event"] == "sent").unwrap();
    assert_eq!(sent_event["room"], "public");
    assert_eq!(sent_event["sender_id"], "scripted");
    assert_eq!(sent_event["kind"], "text");
    assert!(sent_event["id"].as_str().unwrap().starts_with("msg_"));
    let texts: Vec<String> = sim.received().into_iter().map(|r| r.text).collect();
    assert_eq!(texts, ["hello from a script", "json line"]);
}

#[test]
fn a_permanent_failure_exits_non_zero_with_the_reason() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(MocklySim::start(MocklyConfig::default()))
        .unwrap();
    let output = cli()
        .args([
            "connect",
            "mockly",
            "--client-id",
            "x",
            "--endpoint",
            &format!("ws://{}/wrong/{{client_id}}", sim.addr()),
        ])
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HTTP 404"), "{stderr}");
    drop(rt);
}

#[test]
fn usage_mistakes_exit_2() {
    let output = cli().args(["connect", "mockly"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--client-id"));
}

#[tokio::test(flavor = "multi_thread")]
async fn mexc_takes_the_listen_key_from_stdin_and_sends_to_the_conversation() {
    use parley_sim::mexc::{Counterparty, MexcConfig, MexcSim};
    let sim = MexcSim::start(MexcConfig::default()).await.unwrap();
    sim.add_listen_key("key-from-stdin");
    sim.add_conversation(
        777,
        Counterparty {
            user_id: "buyer".into(),
            nick_name: "Buyer".into(),
        },
    );
    let endpoint = sim.ws_endpoint();
    let output = run_with_input(
        strings(&[
            "connect",
            "mexc",
            "--conversation-id",
            "777",
            "--secret-stdin",
            "--endpoint",
            &endpoint,
        ]),
        strings(&["key-from-stdin", "I have paid"]),
    )
    .await;
    let stdout = stdout_of_success(output);
    assert!(
        !stdout.contains("key-from-stdin"),
        "the listenKey never reaches stdout"
    );
    assert!(stdout
        .lines()
        .any(|l| l.contains(r#""event":"sent""#) && l.contains(r#""room":"777""#)));
    let sent = sim.sent_by_trader();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].conversation_id, sent[0].content.as_str()),
        (777, "I have paid")
    );
}

#[tokio::test]
async fn mexc_api_key_mode_looks_the_order_up_and_makes_its_own_listen_key() {
    use parley_sim::mexc::{Counterparty, MexcConfig, MexcSim};
    let sim = MexcSim::start(MexcConfig::default()).await.unwrap();
    sim.add_api_key("cli-api-key", "cli-api-secret");
    sim.add_order("A-2042", 778);
    sim.add_conversation(
        778,
        Counterparty {
            user_id: "buyer".into(),
            nick_name: "Buyer".into(),
        },
    );
    let (endpoint, rest) = (sim.ws_endpoint(), sim.rest_base());
    let output = run_with_input(
        strings(&[
            "connect",
            "mexc",
            "--api-key",
            "--order-no",
            "A-2042",
            "--rest-base",
            &rest,
            "--endpoint",
            &endpoint,
            "--secret-stdin",
        ]),
        strings(&["cli-api-key", "cli-api-secret", "released the coins"]),
    )
    .await;
    let stdout = stdout_of_success(output);
    assert!(!stdout.contains("cli-api-secret") && !stdout.contains("cli-api-key"));
    assert!(stdout
        .lines()
        .any(|l| l.contains(r#""event":"sent""#) && l.contains(r#""room":"778""#)));
    assert_eq!(sim.sent_by_trader()[0].content, "released the coins");
    assert!(
        sim.live_listen_keys().is_empty(),
        "the CLI deletes the listenKey it made when it exits"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn realtime_signs_in_joins_a_room_and_sends_what_is_typed() {
    use parley_sim::realtime::{RealtimeConfig, RealtimeSim};
    let sim = RealtimeSim::start(RealtimeConfig::default()).await.unwrap();
    let me = sim.add_user("cli@example.com", "pw-cli", "Cli", "User");
    let other = sim.add_user("ann@example.com", "x", "Ann", "Lee");
    let room = sim.create_room("EUR/USD Trading Room", "", "public", &other);
    sim.seed_history(
        &room,
        std::slice::from_ref(&other),
        &["welcome to the room"],
        std::time::Duration::from_secs(60),
    );
    let output = run_with_input(
        strings(&[
            "connect",
            "realtime",
            "--base-url",
            &sim.base_url(),
            "--room",
            &room,
            "--symbol",
            "EUR/USD",
            "--email",
            "cli@example.com",
        ]),
        vec![
            sim.api_key(),
            "pw-cli".into(),
            "hello from the terminal".into(),
        ],
    )
    .await;
    let stdout = stdout_of_success(output);
    let events = ndjson(&stdout);
    let history = events
        .iter()
        .find(|e| e["event"] == "message" && e["text"] == "welcome to the room")
        .expect("history printed");
    assert_eq!(history["sender_name"], "Ann Lee");
    assert!(events
        .iter()
        .any(|e| e["event"] == "sent" && e["text"] == "hello from the terminal"));
    assert_eq!(
        sim.messages(&room)
            .last()
            .map(|m| (m.user_id.clone(), m.text.clone())),
        Some((me, "hello from the terminal".into()))
    );
    assert!(
        !stdout.contains("pw-cli") && !stdout.contains(&sim.api_key()),
        "no secret in the output"
    );
}

/// A Mixin simulator with a bot (its keystore and id) and a user.
async fn mixin_bot_and_user() -> (parley_sim::mixin::MixinSim, String, String, String) {
    use parley_sim::mixin::{MixinConfig, MixinSim};
    let sim = MixinSim::start(MixinConfig::default()).await.unwrap();
    let keystore = sim.add_bot("CLI Bot");
    let bot = MixinSim::bot_id_of(&keystore);
    let user = sim.add_user("Ava Trader");
    (sim, keystore, bot, user)
}

/// `connect mixin` against `sim`, writing to `user`, the keystore on stdin.
fn mixin_args(sim: &parley_sim::mixin::MixinSim, user: &str) -> Vec<String> {
    strings(&[
        "connect",
        "mixin",
        "--endpoint",
        &sim.blaze_url(),
        "--api-base",
        &sim.api_base(),
        "--to",
        user,
        "--secret-stdin",
    ])
}

#[tokio::test(flavor = "multi_thread")]
async fn mixin_reads_the_keystore_from_stdin_gets_the_pending_list_and_answers_a_user() {
    let (sim, keystore, bot, user) = mixin_bot_and_user().await;
    sim.user_says(&bot, &user, "waiting for you");
    let output = run_with_input(
        mixin_args(&sim, &user),
        vec![keystore.clone(), "on my way".into()],
    )
    .await;
    let stdout = stdout_of_success(output);
    let events = ndjson(&stdout);
    let pending = events
        .iter()
        .find(|e| e["event"] == "message" && e["text"] == "waiting for you")
        .expect("the pending message printed");
    assert_eq!(pending["sender_name"], "Ava Trader");
    assert!(events
        .iter()
        .any(|e| e["event"] == "sent" && e["text"] == "on my way"));
    let sent = sim.sent_by(&bot);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].text, "on my way");
    // The acknowledgement left before the socket closed; the simulator reads it on its own
    // task, which may not have got to it when the process exits (a CI run failed here once).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while sim.unacked_count(&bot) != 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        sim.unacked_count(&bot),
        0,
        "the pending message was acknowledged"
    );
    let seed = serde_json::from_str::<serde_json::Value>(&keystore).unwrap()["session_private_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!stdout.contains(&seed), "no key in the output");
}

#[tokio::test(flavor = "multi_thread")]
async fn mixin_sends_a_file_named_on_an_attach_line_once() {
    let (sim, keystore, bot, user) = mixin_bot_and_user().await;
    sim.user_says(&bot, &user, "send me the report");
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.csv");
    std::fs::write(&report, b"order,amount\n1001,1250.00\n").unwrap();
    let output = run_with_input(
        mixin_args(&sim, &user),
        vec![
            keystore.clone(),
            format!("--attach {} Daily report", report.display()),
            format!(
                r#"{{"file":"{}","text":"missing"}}"#,
                dir.path().join("nope.pdf").display()
            ),
        ],
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(1),
        "the missing file fails the run"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("nope.pdf"),
        "the missing file is named: {stdout}"
    );
    let sent = sim.sent_by(&bot);
    assert_eq!(sent.len(), 2, "the file, then its text: {sent:?}");
    assert_eq!(sent[0].category, "PLAIN_DATA");
    // PLAIN_DATA carries no caption: the text follows it, and the run waited for it too.
    assert_eq!(
        (sent[1].category.as_str(), sent[1].text.as_str()),
        ("PLAIN_TEXT", "Daily report")
    );
    let uploaded = sim.uploaded();
    assert_eq!(uploaded.len(), 1, "uploaded once");
    assert_eq!(uploaded[0].1, b"order,amount\n1001,1250.00\n");
}

/// A file that takes longer to go up than the wait at end of input is still sent: the run
/// waits for its upload to end (it used to give up and cancel it). The storage reads slowly, so
/// the bytes sit in the socket's buffers long after the client handed them all over.
#[tokio::test(flavor = "multi_thread")]
async fn mixin_waits_for_a_file_still_going_up_past_the_end_of_input_wait() {
    let (sim, keystore, bot, user) = mixin_bot_and_user().await;
    sim.user_says(&bot, &user, "send me the statement");
    sim.set_upload_rate(Some(200_000));
    let dir = tempfile::tempdir().unwrap();
    let statement = dir.path().join("statement.bin");
    std::fs::write(&statement, vec![7u8; 700_000]).unwrap();
    let output = run_with_input_and_env(
        mixin_args(&sim, &user),
        vec![
            keystore.clone(),
            format!("--attach {}", statement.display()),
        ],
        &[("PARLEY_CLI_DRAIN_MS", "1500")],
    )
    .await;
    stdout_of_success(output);
    assert_eq!(sim.uploaded().len(), 1);
    assert_eq!(sim.sent_by(&bot).len(), 1, "the file is sent");
}

/// A file queued while the bot cannot connect does not keep the run waiting for ever: nothing
/// goes up without a connection, so the wait at end of input ends and says what was left.
#[tokio::test(flavor = "multi_thread")]
async fn mixin_ends_the_wait_when_a_queued_file_cannot_go_up_for_want_of_a_connection() {
    let (sim, keystore, _bot, user) = mixin_bot_and_user().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.pdf");
    std::fs::write(&file, b"%PDF-1.4 ledger").unwrap();
    let mut args = mixin_args(&sim, &user);
    // The API answers; the socket's address has nobody listening.
    let at = args.iter().position(|a| a == "--endpoint").unwrap();
    args[at + 1] = "ws://127.0.0.1:9/".into();
    let code = tokio::task::spawn_blocking(move || {
        let mut child = cli()
            .args(&args)
            .env("PARLEY_CLI_DRAIN_MS", "1500")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{keystore}").unwrap();
        writeln!(stdin, "--attach {}", file.display()).unwrap();
        drop(stdin);
        exit_within(&mut child, "a file queued without a connection")
    })
    .await
    .unwrap();
    assert_eq!(code, Some(1));
}

/// Waits up to 10 s for `child` to exit; its exit code, or a failure naming `what`.
fn exit_within(child: &mut std::process::Child, what: &str) -> Option<i32> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("parley-cli did not exit within 10 s: {what}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A MEXC simulator (on its own runtime, kept alive by the caller) that knows the CLI tests'
/// API key `cli-api-key` with the secret `cli-api-secret`.
fn mexc_sim_with_api_key() -> (tokio::runtime::Runtime, parley_sim::mexc::MexcSim) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(parley_sim::mexc::MexcSim::start(Default::default()))
        .unwrap();
    sim.add_api_key("cli-api-key", "cli-api-secret");
    (rt, sim)
}

/// parley-cli in MEXC API-key mode for `order` against `sim`, stdin piped and `lines` written
/// to it; the stdin handle is returned open (drop it to close).
fn spawn_mexc_api_key(
    sim: &parley_sim::mexc::MexcSim,
    order: &str,
    lines: &str,
) -> (std::process::Child, std::process::ChildStdin) {
    spawn_with_stdin_open(
        &[
            "connect",
            "mexc",
            "--api-key",
            "--order-no",
            order,
            "--rest-base",
            &sim.rest_base(),
            "--endpoint",
            &sim.ws_endpoint(),
            "--secret-stdin",
        ],
        lines,
        Stdio::null(),
    )
}

/// parley-cli with `args`, `lines` written to its stdin, which is returned open (a script
/// that goes on typing); stdout goes to `stdout`, stderr nowhere.
fn spawn_with_stdin_open(
    args: &[&str],
    lines: &str,
    stdout: Stdio,
) -> (std::process::Child, std::process::ChildStdin) {
    let mut child = cli()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{lines}").unwrap();
    (child, stdin)
}

/// Issue 25: a connection that stops for good ends the CLI with 3 at once, even while stdin
/// is still open (a script that keeps the pipe open must not hang).
#[test]
fn a_permanent_failure_exits_3_at_once_with_stdin_still_open() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(MocklySim::start(MocklyConfig::default()))
        .unwrap();
    let endpoint = format!("ws://{}/wrong/{{client_id}}", sim.addr());
    let args = [
        "connect",
        "mockly",
        "--client-id",
        "x",
        "--endpoint",
        &endpoint,
    ];
    // An empty line is skipped: stdin is open and nothing is sent.
    let (mut child, stdin) = spawn_with_stdin_open(&args, "", Stdio::null());
    assert_eq!(exit_within(&mut child, "the connection stopped"), Some(3));
    drop(stdin);
}

/// Issue 25: a fatal setup error (MEXC refuses the signature) exits 1 at once with stdin open.
#[test]
fn a_fatal_setup_error_exits_at_once_with_stdin_still_open() {
    let (_rt, sim) = mexc_sim_with_api_key();
    let (mut child, stdin) = spawn_mexc_api_key(&sim, "A-1", "cli-api-key\nnot-the-secret");
    assert_eq!(exit_within(&mut child, "the refused signature"), Some(1));
    drop(stdin);
}

/// Issue 25: Ctrl-C and SIGTERM end a MEXC API-key session promptly while stdin is still open,
/// and the listenKey the CLI created is deleted before it exits.
#[test]
fn ctrl_c_and_sigterm_end_the_session_and_delete_the_listen_key_with_stdin_open() {
    use parley_sim::mexc::Counterparty;
    let (_rt, sim) = mexc_sim_with_api_key();
    sim.add_order("A-2042", 778);
    sim.add_conversation(
        778,
        Counterparty {
            user_id: "buyer".into(),
            nick_name: "Buyer".into(),
        },
    );
    for signal in ["-INT", "-TERM"] {
        let (mut child, stdin) = spawn_mexc_api_key(&sim, "A-2042", "cli-api-key\ncli-api-secret");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while sim.open_sockets() == 0 || sim.live_listen_keys().is_empty() {
            assert!(std::time::Instant::now() < deadline, "never connected");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let killed = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        assert_eq!(exit_within(&mut child, signal), Some(0), "{signal}");
        assert!(
            sim.live_listen_keys().is_empty(),
            "{signal}: the listenKey is deleted before exit"
        );
        drop(stdin);
    }
}

/// Issue 25: joining a room at start with a token the server no longer accepts stops the
/// account with "sign in again" on the event stream (not only on stderr), and exits 3.
#[tokio::test(flavor = "multi_thread")]
async fn realtime_with_an_expired_token_stops_with_sign_in_again_on_the_event_stream() {
    use parley_sim::realtime::{RealtimeConfig, RealtimeSim};
    let sim = RealtimeSim::start(RealtimeConfig::default()).await.unwrap();
    let me = sim.add_user("cli@example.com", "pw-cli", "Cli", "User");
    let other = sim.add_user("ann@example.com", "x", "Ann", "Lee");
    let room = sim.create_room("EUR/USD Trading Room", "", "public", &other);
    let token = sim.token_for(&me);
    sim.revoke_tokens(&me);
    // stdin stays open, as a script that goes on typing keeps it.
    let base_url = sim.base_url();
    let api_key = sim.api_key();
    let output = tokio::task::spawn_blocking(move || {
        let (mut child, stdin) = spawn_with_stdin_open(
            &[
                "connect",
                "realtime",
                "--base-url",
                &base_url,
                "--room",
                &room,
                "--secret-stdin",
            ],
            &format!("{api_key}\n{token}"),
            Stdio::piped(),
        );
        let code = exit_within(&mut child, "the refused token");
        drop(stdin);
        (code, child.wait_with_output().unwrap().stdout)
    })
    .await
    .unwrap();
    assert_eq!(output.0, Some(3));
    let stdout = String::from_utf8(output.1).unwrap();
    let stopped = ndjson(&stdout)
        .into_iter()
        .find(|e| e["event"] == "status" && e["state"]["state"] == "stopped")
        .unwrap_or_else(|| panic!("a stopped status event: {stdout}"));
    assert!(stopped.to_string().contains("sign in again"), "{stopped}");
}
