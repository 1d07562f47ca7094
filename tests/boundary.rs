//! The file-system boundary, attacked as a pull request or another local
//! user would: a symbolic link planted at every path `vouch build` and
//! `vouch serve` read or write beside the site (the output's marker, the
//! cache folder, its tree, manifests and `.gitignore`, staging folders left
//! behind) must change nothing outside, and the published site is the one
//! vouch built. Real links, real builds, a real server over a socket.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A repository as CI checks it out: `kb/` the root, `victim/` a folder the
/// CI user can write that the pull request wants to hurt.
struct Repo {
    _tmp: tempfile::TempDir,
    top: PathBuf,
    victim: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().join("repo");
        fs::create_dir_all(top.join("kb/support")).unwrap();
        fs::write(top.join("kb/vouch.yaml"), "title: KB\n").unwrap();
        fs::write(
            top.join("kb/support/refunds.md"),
            "---\ntitle: Refunds\nowners: [ana]\nverified: 2026-11-01\n---\nRefunds take 5 days.\n",
        )
        .unwrap();
        let victim = tmp.path().join("victim");
        fs::create_dir_all(victim.join("deep")).unwrap();
        fs::write(victim.join("precious.txt"), "keep me").unwrap();
        fs::write(victim.join("deep/notes.txt"), "keep me too").unwrap();
        Repo {
            _tmp: tmp,
            top,
            victim,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.top.join(rel)
    }

    /// Plants a symbolic link at `rel` pointing at `to`.
    fn link(&self, rel: &str, to: &Path) {
        let at = self.path(rel);
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        let _ = fs::remove_file(&at);
        let _ = fs::remove_dir_all(&at);
        symlink(to, &at).unwrap();
    }

    /// `vouch build kb -o _site`, run from the repository's top as the
    /// generated Pages workflow runs it; killed after 60 s (a hang fails).
    fn build(&self) -> Output {
        run_bounded(
            Command::new(env!("CARGO_BIN_EXE_vouch"))
                .current_dir(&self.top)
                .args(["build", "kb", "-o", "_site", "--no-history"])
                .args(["--today", "2026-11-25", "--color", "never"])
                .env("GIT_CEILING_DIRECTORIES", &self.top),
        )
    }
}

fn run_bounded(command: &mut Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("vouch did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Everything under `dir`: each path with its bytes (a link as its target).
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    let mut all = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .display()
            .to_string();
        let what = if entry.path_is_symlink() {
            format!("-> {}", fs::read_link(entry.path()).unwrap().display())
        } else if entry.file_type().is_file() {
            fs::read_to_string(entry.path()).unwrap_or_default()
        } else {
            "folder".into()
        };
        all.insert(rel, what);
    }
    all
}

/// Builds with `plant` applied first (and, when `again`, after one clean
/// build, so a trusted cache is there to attack), then asserts that the
/// victim is untouched and `_site/` is vouch's own site.
fn attack(what: &str, again: bool, plant: impl Fn(&Repo)) {
    let repo = Repo::new();
    // The pull request's own "site", with the marker that makes it vouch's.
    fs::create_dir_all(repo.path("_site")).unwrap();
    fs::write(repo.path("_site/.vouch-site"), "").unwrap();
    fs::write(repo.path("_site/index.html"), "PWNED").unwrap();
    if again {
        // Twice: the second build caches a site vouch built.
        for _ in 0..2 {
            let first = repo.build();
            assert_eq!(first.status.code(), Some(0), "{what}: {}", said(&first));
        }
    }
    let before = snapshot(&repo.victim);
    plant(&repo);
    let planted = snapshot(&repo.victim);
    for round in 0..2 {
        let built = repo.build();
        let text = said(&built);
        assert!(!text.contains("panicked"), "{what}: {text}");
        assert_eq!(
            snapshot(&repo.victim),
            planted,
            "{what}, build {round}: the victim folder changed\n{text}"
        );
        assert_eq!(
            built.status.code(),
            Some(0),
            "{what}, build {round}: {text}"
        );
        let index = fs::read_to_string(repo.path("_site/index.html")).unwrap();
        assert!(
            index.contains("Refunds") && !index.contains("PWNED"),
            "{what}: the published index is not vouch's"
        );
        assert!(
            fs::symlink_metadata(repo.path("_site"))
                .unwrap()
                .file_type()
                .is_dir()
        );
    }
    assert_eq!(
        before.len(),
        planted.len(),
        "{what}: planting changed the victim"
    );
}

#[test]
fn links_planted_in_the_cache_and_staging_folders_change_nothing_outside() {
    attack("cache folder is a link", false, |r| {
        r.link("._site.vouch-cache", &r.victim)
    });
    attack("cache tree is a link", false, |r| {
        r.link("._site.vouch-cache/tree", &r.victim)
    });
    attack(
        "cache tree is a relative link inside the repository",
        false,
        |r| r.link("._site.vouch-cache/tree", Path::new("../kb")),
    );
    attack("cache .gitignore is a link", false, |r| {
        r.link(
            "._site.vouch-cache/.gitignore",
            &r.victim.join("precious.txt"),
        )
    });
    attack("live manifest is a link", false, |r| {
        r.link(
            "._site.vouch-cache/live.manifest",
            &r.victim.join("precious.txt"),
        )
    });
    attack("tree manifest is a link", false, |r| {
        fs::create_dir_all(r.path("._site.vouch-cache/tree")).unwrap();
        r.link(
            "._site.vouch-cache/tree.manifest",
            &r.victim.join("precious.txt"),
        )
    });
    attack("tree manifest is /dev/zero", false, |r| {
        fs::create_dir_all(r.path("._site.vouch-cache/tree")).unwrap();
        r.link("._site.vouch-cache/tree.manifest", Path::new("/dev/zero"))
    });
    attack(
        "links inside a cached tree no manifest vouches for",
        false,
        |r| {
            fs::create_dir_all(r.path("._site.vouch-cache/tree/c")).unwrap();
            r.link(
                "._site.vouch-cache/tree/index.html",
                &r.victim.join("precious.txt"),
            );
            r.link("._site.vouch-cache/tree/c/support", &r.victim);
            r.link("._site.vouch-cache/tree/deep", &r.victim.join("deep"));
        },
    );
    attack("a staging folder left behind is a link", false, |r| {
        r.link("._site.vouch-tmp-1", &r.victim);
        r.link("._site.vouch-tmp-999999999.old", &r.victim);
    });
    attack("a staging folder left behind holds links", false, |r| {
        fs::create_dir_all(r.path("._site.vouch-tmp-999999998")).unwrap();
        r.link("._site.vouch-tmp-999999998/a", &r.victim);
        r.link(
            "._site.vouch-tmp-999999998/b.html",
            &r.victim.join("precious.txt"),
        );
    });
    attack("the output's marker is a link", false, |r| {
        fs::remove_file(r.path("_site/.vouch-site")).unwrap();
        r.link("_site/.vouch-site", &r.victim.join("precious.txt"));
        // Not a marker vouch wrote: the folder is refused (below, the
        // pull request's index is removed by hand to let the build run).
        let refused = r.build();
        assert_eq!(refused.status.code(), Some(2), "{}", said(&refused));
        fs::remove_dir_all(r.path("_site")).unwrap();
    });
}

#[test]
fn links_planted_in_a_trusted_cache_change_nothing_outside() {
    attack("a file of the cached site became a link", true, |r| {
        let tree = "._site.vouch-cache/tree";
        assert!(r.path(tree).join("index.html").is_file(), "no cached site");
        r.link(
            &format!("{tree}/index.html"),
            &r.victim.join("precious.txt"),
        );
        r.link(
            &format!("{tree}/.vouch-site"),
            &r.victim.join("precious.txt"),
        );
    });
    attack("a folder of the cached site became a link", true, |r| {
        let tree = r.path("._site.vouch-cache/tree");
        let folder = fs::read_dir(&tree)
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| e.file_type().unwrap().is_dir())
            .expect("the cached site has a folder");
        let name = folder.file_name().to_string_lossy().into_owned();
        r.link(&format!("._site.vouch-cache/tree/{name}"), &r.victim);
    });
    attack("the cached site's manifest is a link", true, |r| {
        r.link(
            "._site.vouch-cache/tree.manifest",
            &r.victim.join("precious.txt"),
        );
        r.link(
            "._site.vouch-cache/live.manifest",
            &r.victim.join("deep/notes.txt"),
        );
    });
}

struct Serving {
    child: std::process::Child,
    port: u16,
    site: PathBuf,
}

impl Drop for Serving {
    fn drop(&mut self) {
        // SAFETY: signalling our own child, which has not been reaped.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(root: &Path, tmpdir: &Path) -> Serving {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("serve")
        .arg(root)
        .args(["--port", "0", "--today", "2026-11-25"])
        .env("TMPDIR", tmpdir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let port = first
        .strip_prefix("serving http://127.0.0.1:")
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"));
    let site = first
        .split(" from ")
        .nth(1)
        .and_then(|rest| rest.split(" (built").next())
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("no site folder in: {first}"));
    Serving { child, port, site }
}

/// The whole answer to `request`, as text.
fn ask(port: u16, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn serve_keeps_its_site_in_a_private_folder_and_its_headers_whole() {
    let repo = Repo::new();
    // The shared temporary folder, where another user could plant links
    // under any name a process id makes.
    let shared = repo.top.parent().unwrap().join("shared-tmp");
    fs::create_dir_all(&shared).unwrap();
    // A page and an image a card links: `serve` publishes what `build` does.
    let kb = repo.path("kb");
    fs::write(kb.join("support/form.html"), "<script>alert(1)</script>").unwrap();
    fs::write(kb.join("support/ok.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    fs::write(
        kb.join("support/links.md"),
        "---\ntitle: Links\nowners: [ana]\nverified: 2026-11-01\n---\n[f](form.html) ![i](ok.png)\n",
    )
    .unwrap();
    let serving = serve(&kb, &shared);
    let private = serving.site.parent().unwrap();
    assert_eq!(
        private.parent().unwrap(),
        shared,
        "{}",
        serving.site.display()
    );
    let name = private.file_name().unwrap().to_string_lossy();
    assert_ne!(name, format!("vouch-serve-{}", serving.child.id()));
    assert!(
        !serving
            .site
            .to_string_lossy()
            .contains(&serving.child.id().to_string())
    );
    let mode = fs::metadata(private).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the serve folder is readable by others");
    assert!(serving.site.join("index.html").is_file());
    // Only the private folder is in the shared one: no cache or staging
    // folder beside it where another user could find them.
    let in_shared: Vec<_> = fs::read_dir(&shared).unwrap().collect();
    assert_eq!(in_shared.len(), 1);

    // A folder whose name holds CR LF: the redirect to its address keeps
    // the name inside the `Location` header.
    let port = serving.port;
    fs::create_dir_all(serving.site.join("a\r\nX-Injected: yes")).unwrap();
    let answer = ask(
        port,
        format!("GET /a%0D%0AX-Injected:%20yes HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n")
            .as_bytes(),
    );
    let head = answer.split("\r\n\r\n").next().unwrap();
    assert!(head.starts_with("HTTP/1.1 301"), "{head}");
    assert!(
        !head.lines().any(|l| l.starts_with("X-Injected")),
        "response splitting: {head}"
    );
    assert!(
        head.contains("Location: /a%0D%0AX-Injected%3A%20yes/"),
        "{head}"
    );
    // Every answer says what the browser may run.
    let page = ask(
        port,
        format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n").as_bytes(),
    );
    let head = page.split("\r\n\r\n").next().unwrap();
    assert!(head.contains("X-Content-Type-Options: nosniff"), "{head}");
    assert!(
        head.contains("Content-Security-Policy: default-src 'self'; script-src 'self'"),
        "{head}"
    );
    let get = |path: &str| {
        ask(
            port,
            format!("GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n").as_bytes(),
        )
    };
    assert!(get("/support/form.html").starts_with("HTTP/1.1 404"));
    let image = get("/support/ok.png");
    assert!(
        image.starts_with("HTTP/1.1 200") && image.contains("nosniff"),
        "{image}"
    );

    let site = serving.site.clone();
    let private = private.to_path_buf();
    drop(serving);
    assert!(
        !site.exists() && !private.exists(),
        "the private folder is left behind"
    );
}

#[test]
fn slow_clients_do_not_hold_every_connection() {
    let repo = Repo::new();
    let shared = repo.top.parent().unwrap().join("shared-tmp");
    fs::create_dir_all(&shared).unwrap();
    let serving = serve(&repo.path("kb"), &shared);
    let port = serving.port;
    // 64 connections that each send a byte of their request every second.
    let mut slow: Vec<TcpStream> = (0..64)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nX-Slow: ").unwrap();
            s
        })
        .collect();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(7) {
        for s in &mut slow {
            let _ = s.write_all(b"a");
        }
        std::thread::sleep(Duration::from_millis(900));
    }
    let answer = ask(
        port,
        format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n").as_bytes(),
    );
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "slow clients still hold the server: {}",
        answer.lines().next().unwrap_or_default()
    );
}

#[test]
fn only_inert_files_are_published_and_none_takes_a_page() {
    let repo = Repo::new();
    let kb = repo.path("kb");
    fs::write(
        kb.join("support/guide.md"),
        "---\ntitle: Guide\nowners: [ana]\nverified: 2026-11-01\n---\n\
         [form](form.html) [x](x.xhtml) ![chart](chart.svg) ![fake](fake.png)\n\
         [over](refunds/index.html) ![ok](ok.png) [notes](notes.txt)\n",
    )
    .unwrap();
    let script = "<script>alert(document.domain)</script>";
    fs::write(kb.join("support/form.html"), format!("<form>{script}")).unwrap();
    fs::write(kb.join("support/x.xhtml"), format!("<html>{script}</html>")).unwrap();
    fs::write(kb.join("support/chart.svg"), "<svg onload=\"alert(1)\"/>").unwrap();
    fs::write(kb.join("support/fake.png"), script).unwrap();
    fs::create_dir_all(kb.join("support/refunds")).unwrap();
    fs::write(
        kb.join("support/refunds/index.html"),
        "<h1>Not the owner's page</h1>",
    )
    .unwrap();
    fs::write(kb.join("support/ok.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    fs::write(kb.join("support/notes.txt"), "Plain notes.\n").unwrap();

    let checked = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_vouch"))
            .args(["check", "--today", "2026-11-25", "--color", "never"])
            .arg(&kb),
    );
    let text = said(&checked);
    assert_eq!(checked.status.code(), Some(1), "{text}");
    for (file, why) in [
        ("form.html", "web page"),
        ("x.xhtml", "web page"),
        ("chart.svg", "can hold script"),
        ("fake.png", "begins like HTML"),
        ("refunds/index.html", "web page"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.contains("unsafe-asset") && l.contains(file) && l.contains(why)),
            "no unsafe-asset for {file}: {text}"
        );
    }
    assert_eq!(text.matches("error[unsafe-asset]").count(), 5, "{text}");

    let built = repo.build();
    assert_eq!(built.status.code(), Some(1), "{}", said(&built));
    let site = repo.path("_site/support");
    for gone in ["form.html", "x.xhtml", "chart.svg", "fake.png"] {
        assert!(!site.join(gone).exists(), "{gone} was published");
    }
    assert!(site.join("ok.png").is_file() && site.join("notes.txt").is_file());
    // The card `support/refunds.md` keeps its own page.
    let page = fs::read_to_string(site.join("refunds/index.html")).unwrap();
    assert!(page.contains("Refunds take 5 days") && !page.contains("Not the owner"));
    // Nowhere in the site is there a file holding the planted script.
    for (path, text) in snapshot(&repo.path("_site")) {
        assert!(!text.contains("alert("), "{path} holds the script");
    }
}
