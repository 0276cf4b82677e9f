//! The `passerelle` binary as an operator uses it: settings errors, migrate, and a clean stop
//! on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn passerelle() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_passerelle"));
    for variable in [
        "DATABASE_URL",
        "PASSERELLE_LISTEN",
        "PASSERELLE_DATA_DIR",
        "PASSERELLE_DEMO",
        "PASSERELLE_JWT_SECRET",
        "PASSERELLE_JWT_KEY_FILE",
        "PASSERELLE_LOG_FORMAT",
    ] {
        command.env_remove(variable);
    }
    command.env("RUST_LOG", "info");
    command
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("passerelle did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_bad_listen_address_is_refused_naming_the_setting() {
    let output = passerelle()
        .args(["serve", "--listen", "nowhere"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("--listen"), "{message}");
}

#[test]
fn an_unsupported_database_url_is_refused_naming_the_setting() {
    let data_dir = tempfile::tempdir().unwrap();
    let output = passerelle()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir.path())
        .env("DATABASE_URL", "mysql://root@localhost/passerelle")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("DATABASE_URL") && message.contains("sqlite://"),
        "{message}"
    );
}

#[test]
fn migrate_creates_the_database_in_the_data_dir() {
    let data_dir = tempfile::tempdir().unwrap();
    let status = passerelle()
        .arg("migrate")
        .arg("--data-dir")
        .arg(data_dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(data_dir.path().join("passerelle.db").exists());
}

#[test]
fn reindex_builds_a_new_index_generation_and_makes_it_current() {
    let data_dir = tempfile::tempdir().unwrap();
    let reindex = || {
        passerelle()
            .arg("reindex")
            .arg("--data-dir")
            .arg(data_dir.path())
            .env_remove("DATABASE_URL")
            .output()
            .unwrap()
    };
    let first = reindex();
    assert!(first.status.success(), "{first:?}");
    assert!(String::from_utf8_lossy(&first.stdout).contains("search index rebuilt: 0 documents"));
    let current = std::fs::read_to_string(data_dir.path().join("index/CURRENT")).unwrap();
    assert!(
        data_dir
            .path()
            .join("index")
            .join(current.trim())
            .join("meta.json")
            .exists()
    );
    let second = reindex();
    assert!(second.status.success(), "{second:?}");
    let replaced = std::fs::read_to_string(data_dir.path().join("index/CURRENT")).unwrap();
    assert_ne!(current, replaced);
}

/// Starts `passerelle` with `args`, its stdout read line by line into the returned channel.
fn spawn_logging(
    args: &[&str],
    data_dir: &std::path::Path,
    env: &[(&str, &str)],
) -> (Child, mpsc::Receiver<String>) {
    let mut command = passerelle();
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    (child, received)
}

#[test]
fn serve_answers_then_stops_cleanly_on_sigterm() {
    let data_dir = tempfile::tempdir().unwrap();
    let (mut child, received) =
        spawn_logging(&["serve", "--listen", "127.0.0.1:0"], data_dir.path(), &[]);
    let address = loop {
        let line = received
            .recv_timeout(Duration::from_secs(60))
            .expect("the server logs where it listens");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };

    let mut stream = TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(20));
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

/// Sends one JSON POST over plain HTTP/1.1 and returns the response body.
fn post_json(address: &str, path: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default()
}

#[test]
fn demo_prints_its_accounts_and_secrets_never_reach_the_logs() {
    let data_dir = tempfile::tempdir().unwrap();
    let mut child = passerelle()
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir.path())
        // As verbose as an operator chasing a problem would make it.
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut output = Vec::new();
    let address = loop {
        let line = received
            .recv_timeout(Duration::from_secs(120))
            .expect("the server logs where it listens");
        output.push(line.clone());
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let printed = output.join("\n");
    assert!(
        printed.contains("formateur@demo.passerelle.example")
            && printed.contains("formateur-demo-2026")
            && printed.contains("entreprise@demo.passerelle.example"),
        "the demo accounts are printed at start:\n{printed}"
    );

    let password = "un-secret-tres-long-4821";
    let registered = post_json(
        &address,
        "/graphql",
        &format!(
            r#"{{"query":"mutation {{ register(input: {{email: \"secret@example.fr\", password: \"{password}\", displayName: \"Secret\"}}) {{ accessToken refreshToken }} }}"}}"#
        ),
    );
    let tokens: serde_json::Value = serde_json::from_str(&registered).unwrap();
    let access = tokens["data"]["register"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let refresh = tokens["data"]["register"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = "mauvais-secret-9137-xyz";
    post_json(
        &address,
        "/graphql",
        &format!(
            r#"{{"query":"mutation {{ login(input: {{email: \"secret@example.fr\", password: \"{wrong}\"}}) {{ accessToken }} }}"}}"#
        ),
    );
    post_json(
        &address,
        "/graphql",
        &format!(
            r#"{{"query":"mutation {{ refreshToken(refreshToken: \"{refresh}\") {{ accessToken }} }}"}}"#
        ),
    );

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    wait_with_timeout(&mut child, Duration::from_secs(30));
    while let Ok(line) = received.recv_timeout(Duration::from_millis(200)) {
        output.push(line);
    }
    let logs = format!("{}\n{}", output.join("\n"), errors.join().unwrap());
    let key = std::fs::read_to_string(data_dir.path().join("jwt-keys")).unwrap();
    let key = key
        .lines()
        .find(|line| !line.starts_with('#'))
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        logs.contains("listening on") && logs.contains("shutting down"),
        "the logs were captured"
    );
    for (what, secret) in [
        ("password", password),
        ("wrong password", wrong),
        ("access token", access.as_str()),
        ("refresh token", refresh.as_str()),
        ("signing key", key.as_str()),
    ] {
        assert!(!logs.contains(secret), "the {what} appears in the logs");
    }
    // The hash is not there either.
    assert!(
        !logs.contains("$argon2id$"),
        "a password hash appears in the logs"
    );
}

#[test]
fn json_logs_put_the_request_id_on_the_lines_of_each_request() {
    let data_dir = tempfile::tempdir().unwrap();
    let (mut child, received) = spawn_logging(
        &["serve", "--listen", "127.0.0.1:0"],
        data_dir.path(),
        &[("PASSERELLE_LOG_FORMAT", "json")],
    );
    let next_entry = || {
        let line = received
            .recv_timeout(Duration::from_secs(60))
            .expect("the server logs");
        serde_json::from_str::<serde_json::Value>(&line)
            .unwrap_or_else(|error| panic!("a log line that is not JSON ({error}): {line}"))
    };
    let address = loop {
        let entry = next_entry();
        let message = entry["fields"]["message"].as_str().unwrap_or_default();
        if let Some(rest) = message.strip_prefix("listening on http://") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let body = r#"{"query":"query Probe { __typename }"}"#;
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nX-Request-Id: trace-me-42\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(
        response
            .to_ascii_lowercase()
            .contains("x-request-id: trace-me-42"),
        "{response}"
    );
    let finished = loop {
        let entry = next_entry();
        if entry["fields"]["message"] == "request finished" {
            break entry;
        }
    };
    assert_eq!(finished["span"]["request_id"], "trace-me-42", "{finished}");
    assert_eq!(finished["fields"]["operation"], "Probe", "{finished}");
    assert_eq!(finished["fields"]["status"], 200, "{finished}");
    let _ = child.kill();
    let _ = child.wait();
}
