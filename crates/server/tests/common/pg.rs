//! A throwaway PostgreSQL 15 cluster for tests and the benchmark, as
//! shared/TOOLCHAIN.md describes: initdb into a temporary folder (as the
//! `postgres` user when running as root, since initdb refuses root), pg_ctl
//! on a free port with the socket in that folder, listening on 127.0.0.1
//! only. Stopped when dropped; a watchdog stops it too if the process dies.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where the binaries are (override with SWITCHBOARD_PG_BIN).
pub fn bin_dir() -> PathBuf {
    std::env::var_os("SWITCHBOARD_PG_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"))
}

/// A running cluster.
pub struct PgCluster {
    dir: tempfile::TempDir,
    pub port: u16,
    bin: PathBuf,
    as_postgres: bool,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

impl PgCluster {
    /// Starts a cluster for tests (fsync off: nothing here must survive a
    /// crash), or says why it cannot (with what to do about it).
    pub fn start() -> Result<PgCluster, String> {
        PgCluster::start_with(false, false)
    }

    /// Starts a cluster that accepts TCP connections over TLS only
    /// (`hostssl` in pg_hba.conf), with a certificate for 127.0.0.1 and
    /// localhost signed by its own CA ([`PgCluster::ca_file`]).
    pub fn start_tls_only() -> Result<PgCluster, String> {
        PgCluster::start_with(false, true)
    }

    /// The CA certificate of a [`PgCluster::start_tls_only`] cluster.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    /// Starts a cluster with PostgreSQL's default durability (fsync and
    /// synchronous commit on), for benchmarks.
    pub fn start_durable() -> Result<PgCluster, String> {
        PgCluster::start_with(true, false)
    }

    fn start_with(durable: bool, tls: bool) -> Result<PgCluster, String> {
        let bin = bin_dir();
        for tool in ["initdb", "pg_ctl", "pg_dump"] {
            if !bin.join(tool).exists() {
                return Err(format!(
                    "PostgreSQL binaries not found: {} is missing. Run `scripts/setup.sh test` \
                     (it installs PostgreSQL 15), or point SWITCHBOARD_PG_BIN at its bin folder.",
                    bin.join(tool).display()
                ));
            }
        }
        let as_postgres = is_root();
        let dir = tempfile::Builder::new()
            .prefix("switchboard-pg-")
            .tempdir()
            .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
        if tls {
            make_certificates(dir.path())?;
        }
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if !ok {
                return Err(
                    "cannot hand the temporary folder to the postgres user (chown failed); \
                            run `scripts/setup.sh test`, which creates that user with PostgreSQL"
                        .into(),
                );
            }
        }
        let port = free_port();
        let cluster = PgCluster {
            dir,
            port,
            bin,
            as_postgres,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        let durability = if durable {
            ""
        } else {
            " -c fsync=off -c synchronous_commit=off"
        };
        let folder = cluster.dir.path().display().to_string();
        let ssl = if tls {
            std::fs::write(
                cluster.dir.path().join("data/pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
            )
            .map_err(|e| format!("cannot write pg_hba.conf: {e}"))?;
            format!(" -c ssl=on -c ssl_cert_file={folder}/server.crt -c ssl_key_file={folder}/server.key")
        } else {
            String::new()
        };
        let options = format!(
            "-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200{durability}{ssl}"
        );
        let log = cluster.dir.path().join("server.log");
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-o",
                &options,
                "-l",
                &log.to_string_lossy(),
                "-w",
                "start",
            ],
        )?;
        cluster.watchdog();
        Ok(cluster)
    }

    /// The URL of a database in this cluster with extra query parameters.
    pub fn url_with(&self, database: &str, query: &str) -> String {
        format!("{}?{query}", self.url(database))
    }

    fn data(&self) -> String {
        self.dir.path().join("data").to_string_lossy().into_owned()
    }

    fn command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let out = self
            .command(tool)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {tool}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{tool} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// Stops the cluster if this process dies without dropping it.
    fn watchdog(&self) {
        let script = format!(
            "while [ -d /proc/{pid} ]; do sleep 1; done; {pg_ctl} -D {data} -m immediate stop >/dev/null 2>&1",
            pid = std::process::id(),
            pg_ctl = self.bin.join("pg_ctl").display(),
            data = self.data(),
        );
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", "sh", "-c", &script]);
            c
        } else {
            let mut c = Command::new("sh");
            c.args(["-c", &script]);
            c
        };
        let _ = c
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    /// The URL of a database in this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Makes an empty database `name` in this cluster; its URL.
    pub async fn create_database(&self, name: &str) -> String {
        let admin = sqlx::PgPool::connect(&self.url("postgres")).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        self.url(name)
    }

    /// `pg_dump` of one database, as text.
    pub fn dump(&self, database: &str) -> Result<Vec<u8>, String> {
        let out = Command::new(self.bin.join("pg_dump"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .arg(database)
            .output()
            .map_err(|e| format!("cannot run pg_dump: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "pg_dump failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(out.stdout)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.run("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]);
    }
}

/// A CA and a server certificate for 127.0.0.1 and localhost it signed,
/// made with the openssl command (server.key mode 0600, as PostgreSQL wants).
fn make_certificates(dir: &Path) -> Result<(), String> {
    let run = |args: &[&str]| -> Result<(), String> {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| {
                format!("cannot run openssl ({e}): install it with `apt-get install openssl`")
            })?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "openssl failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=Switchboard test CA",
    ])?;
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ])?;
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .map_err(|e| format!("cannot write san.ext: {e}"))?;
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ])?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .map_err(|e| format!("cannot restrict server.key: {e}"))?;
    }
    Ok(())
}
