//! A real SMTP server for the e-mail tests: aiosmtpd (`tests/support/smtp_server.py`), plain, or
//! with STARTTLS required and AUTH, its certificate signed by a certificate authority made for
//! the test with `openssl`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::notify::config::{EmailSettings, SmtpSecurity};

pub const USER: &str = "pantau";
pub const PASSWORD: &str = "sandi-smtp-uji";

pub struct SmtpServer {
    pub port: u16,
    tls: bool,
    dir: tempfile::TempDir,
    child: Child,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A certificate authority and a certificate for `localhost` signed by it, in `dir`.
fn certificates(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Pantau test CA",
    ]);
    openssl(dir, &ca);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "cert.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    );
}

impl SmtpServer {
    /// Starts the server; `tls`: STARTTLS required, with AUTH as [`USER`] / [`PASSWORD`].
    pub async fn start(tls: bool) -> SmtpServer {
        SmtpServer::start_on(super::free_port(), tls).await
    }

    /// As [`SmtpServer::start`], on `port` (a server back after an outage).
    pub async fn start_on(port: u16, tls: bool) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let mail = dir.path().join("mail");
        std::fs::create_dir(&mail).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_server.py");
        let mut command = Command::new("/usr/bin/python3");
        command.arg(script).arg(port.to_string()).arg(&mail);
        if tls {
            certificates(dir.path());
            command
                .arg(dir.path().join("cert.pem"))
                .arg(dir.path().join("key.pem"))
                .args([USER, PASSWORD]);
        }
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("aiosmtpd starts (apt install python3-aiosmtpd)");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if line == "ready" {
                    return;
                }
            }
            panic!("the SMTP server exited before it was ready");
        })
        .await
        .expect("the SMTP server is ready within 20 s");
        SmtpServer {
            port,
            tls,
            dir,
            child,
        }
    }

    /// `[notify.email]` for this server.
    pub fn settings(&self) -> EmailSettings {
        EmailSettings {
            host: if self.tls { "localhost" } else { "127.0.0.1" }.into(),
            port: self.port,
            security: if self.tls {
                SmtpSecurity::StartTls
            } else {
                SmtpSecurity::None
            },
            username: self.tls.then(|| USER.to_owned()),
            password: self.tls.then(|| PASSWORD.to_owned().into()),
            from: "Pantau Diskominfo <pantau@diskominfo.example.go.id>".into(),
            ca_pem: self
                .tls
                .then(|| std::fs::read(self.ca_file()).expect("the test CA")),
        }
    }

    /// The test's certificate authority (PEM), for `notify.email.ca_file`.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// Each message received, as the server parsed it, oldest first.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("mail"))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }

    /// Waits until `n` messages came, or `within` passed; those that came.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<serde_json::Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.messages();
            if got.len() >= n || tokio::time::Instant::now() >= deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server (a mail server that is down); [`SmtpServer::start`] a new one after.
    pub async fn stop(mut self) {
        self.child.kill().await.unwrap();
        let _ = self.child.wait().await;
    }
}
