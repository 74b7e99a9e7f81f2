//! [`FileTokenStore`]: bearers cached in files of the user's own cache directory, so that the
//! processes of one user share one bearer per key.
//!
//! The directory is created 0700 and each file 0600 (written to a temporary file and renamed
//! over the old one, so a reader never sees half a file). A file that other users could read,
//! that does not parse, or that names another key than the one asked for is ignored with a
//! warning: it is never trusted and never a crash. Exchanges are serialised by a lock file per
//! key, so ten processes started at once do one exchange between them.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{ExchangeGuard, StoredToken, TokenKey, TokenStore};

/// The version of the file format; files of another are ignored.
const FORMAT: u32 = 1;
/// How long a process waits for another's exchange before going on without the lock. An
/// exchange is one request, bounded by the client's timeout; this is longer than that.
const LOCK_PATIENCE: Duration = Duration::from_secs(45);
/// How often a waiting process tries the lock again.
const LOCK_POLL: Duration = Duration::from_millis(20);

/// Bearers cached in files, one per [`TokenKey`].
#[derive(Debug)]
pub struct FileTokenStore {
    dir: PathBuf,
    /// The problems already reported, so that each is reported once.
    warned: Mutex<HashSet<String>>,
}

/// One cached bearer, as `lwtokens token-cache show` lists it: whose it is and until when,
/// never the token.
#[derive(Clone, Debug)]
pub struct CachedBearer {
    /// Whose bearer it is.
    pub key: TokenKey,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// The file it is in.
    pub path: PathBuf,
}

/// A cache file's content.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CacheFile {
    format: u32,
    base_url: String,
    sub_account: Option<String>,
    key_id: String,
    token: String,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl CacheFile {
    fn key(&self) -> TokenKey {
        TokenKey {
            base_url: self.base_url.clone(),
            sub_account: self.sub_account.clone(),
            key_id: self.key_id.clone(),
        }
    }
}

impl FileTokenStore {
    /// The store in the platform's cache directory (`$XDG_CACHE_HOME/lacework-tokens` or
    /// `~/.cache/lacework-tokens` on Linux, `~/Library/Caches/lacework-tokens` on macOS,
    /// `%LOCALAPPDATA%\lacework-tokens\cache` on Windows); `None` when no home directory is known.
    pub fn in_cache_dir() -> Option<Self> {
        let dirs = directories::ProjectDirs::from("", "", "lacework-tokens")?;
        Some(Self::in_dir(dirs.cache_dir()))
    }

    /// The store in `dir` (created when first written to).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        FileTokenStore { dir: dir.into(), warned: Mutex::default() }
    }

    /// The directory the files are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every bearer cached here that can be read, soonest to expire first.
    pub fn entries(&self) -> io::Result<Vec<CachedBearer>> {
        let mut entries = Vec::new();
        for path in self.cache_files()? {
            if let Some(file) = self.read(&path) {
                entries.push(CachedBearer { key: file.key(), expires_at: file.expires_at, path });
            }
        }
        entries.sort_by_key(|entry| entry.expires_at);
        Ok(entries)
    }

    /// Removes every cached bearer (and its lock file); returns how many bearers there were.
    pub fn clear(&self) -> io::Result<usize> {
        let files = self.cache_files()?;
        for path in &files {
            remove_if_present(path)?;
            remove_if_present(&path.with_extension("lock"))?;
        }
        Ok(files.len())
    }

    /// The cache files in the directory; none when it does not exist.
    fn cache_files(&self) -> io::Result<Vec<PathBuf>> {
        let listing = match fs::read_dir(&self.dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut files = Vec::new();
        for entry in listing {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if name.starts_with("bearer-") && name.ends_with(".json") {
                files.push(path);
            }
        }
        Ok(files)
    }

    /// The file for `key`. Its name is a hash of the key: a key id or a URL may hold anything.
    fn path(&self, key: &TokenKey, extension: &str) -> PathBuf {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let sub_account = key.sub_account.as_deref().unwrap_or_default();
        for part in [key.base_url.as_str(), sub_account, key.key_id.as_str()] {
            for byte in part.bytes().chain([0]) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        self.dir.join(format!("bearer-{hash:016x}.{extension}"))
    }

    /// Reports `message` once per `problem`.
    fn warn_once(&self, problem: String, message: impl FnOnce() -> String) {
        let mut warned = self.warned.lock().unwrap_or_else(|p| p.into_inner());
        if warned.insert(problem) {
            tracing::warn!("{}", message());
        }
    }

    /// A cache file, if it exists and can be trusted.
    fn read(&self, path: &Path) -> Option<CacheFile> {
        let text = match fs::read(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => {
                self.warn_once(format!("read {}", path.display()), || {
                    format!("token cache {} cannot be read ({e}): ignoring it", path.display())
                });
                return None;
            }
        };
        if let Some(loose) = loose_permissions(path) {
            self.warn_once(format!("mode {}", path.display()), || {
                format!(
                    "token cache {} is {loose} by other users: ignoring it (a fresh bearer will replace it)",
                    path.display()
                )
            });
            return None;
        }
        match serde_json::from_slice::<CacheFile>(&text) {
            Ok(file) if file.format == FORMAT => Some(file),
            _ => {
                self.warn_once(format!("corrupt {}", path.display()), || {
                    format!("token cache {} is not a bearer this version wrote: ignoring it", path.display())
                });
                None
            }
        }
    }

    /// Makes sure the directory exists and is the user's alone; `false` (with a warning) if it
    /// cannot be used.
    fn usable_dir(&self) -> bool {
        let created = {
            let mut builder = fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(&self.dir)
        };
        if let Err(e) = created {
            self.warn_once("dir".to_owned(), || {
                format!(
                    "token cache directory {} cannot be created ({e}): working without it",
                    self.dir.display()
                )
            });
            return false;
        }
        if let Some(loose) = loose_permissions(&self.dir) {
            self.warn_once("dir mode".to_owned(), || {
                format!(
                    "token cache directory {} is {loose} by other users: working without it (chmod 700 it to \
                     use it)",
                    self.dir.display()
                )
            });
            return false;
        }
        true
    }

    fn write(&self, key: &TokenKey, token: &StoredToken) -> io::Result<()> {
        let file = CacheFile {
            format: FORMAT,
            base_url: key.base_url.clone(),
            sub_account: key.sub_account.clone(),
            key_id: key.key_id.clone(),
            token: token.token.expose_secret().to_owned(),
            issued_at: token.issued_at,
            expires_at: token.expires_at,
        };
        // tempfile creates the file 0600 before anything is written to it.
        let mut temporary = tempfile::NamedTempFile::new_in(&self.dir)?;
        serde_json::to_writer(&mut temporary, &file)?;
        temporary.flush()?;
        temporary.persist(self.path(key, "json")).map_err(|e| e.error)?;
        Ok(())
    }
}

impl TokenStore for FileTokenStore {
    fn load<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Option<StoredToken>> {
        async move {
            let path = self.path(key, "json");
            let file = self.read(&path)?;
            if file.key() != *key {
                self.warn_once(format!("foreign {}", path.display()), || {
                    format!("token cache {} belongs to another key: ignoring it", path.display())
                });
                return None;
            }
            Some(StoredToken {
                token: SecretString::from(file.token),
                issued_at: file.issued_at,
                expires_at: file.expires_at,
            })
        }
        .boxed()
    }

    fn save<'a>(&'a self, key: &'a TokenKey, token: &'a StoredToken) -> BoxFuture<'a, ()> {
        async move {
            if !self.usable_dir() {
                return;
            }
            if let Err(e) = self.write(key, token) {
                self.warn_once("write".to_owned(), || {
                    format!(
                        "token cache in {} cannot be written ({e}): working without it",
                        self.dir.display()
                    )
                });
            }
        }
        .boxed()
    }

    fn discard<'a>(&'a self, key: &'a TokenKey, rejected: &'a SecretString) -> BoxFuture<'a, ()> {
        async move {
            let path = self.path(key, "json");
            let still_rejected = self.read(&path).is_some_and(|file| file.token == rejected.expose_secret());
            if still_rejected && let Err(e) = remove_if_present(&path) {
                self.warn_once("discard".to_owned(), || {
                    format!("token cache {} cannot be removed ({e})", path.display())
                });
            }
        }
        .boxed()
    }

    fn lock<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, ExchangeGuard> {
        async move {
            if !self.usable_dir() {
                return ExchangeGuard::unlocked();
            }
            let path = self.path(key, "lock");
            let file = match open_lock_file(&path) {
                Ok(file) => file,
                Err(e) => {
                    self.warn_once("lock".to_owned(), || {
                        format!(
                            "token cache lock {} cannot be opened ({e}): not waiting for others",
                            path.display()
                        )
                    });
                    return ExchangeGuard::unlocked();
                }
            };
            let started = tokio::time::Instant::now();
            loop {
                match file.try_lock() {
                    Ok(()) => return ExchangeGuard::holding(file),
                    Err(fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_PATIENCE => {
                        tokio::time::sleep(LOCK_POLL).await;
                    }
                    Err(e) => {
                        self.warn_once("lock".to_owned(), || {
                            format!(
                                "token cache lock {} not taken ({e}): not waiting for others",
                                path.display()
                            )
                        });
                        return ExchangeGuard::unlocked();
                    }
                }
            }
        }
        .boxed()
    }
}

fn open_lock_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// `Some("readable or writable")` when users other than the owner may read or write `path`.
#[cfg(unix)]
fn loose_permissions(path: &Path) -> Option<&'static str> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then_some("readable or writable")
}

/// Other platforms keep a user's cache directory private by default.
#[cfg(not(unix))]
fn loose_permissions(_path: &Path) -> Option<&'static str> {
    None
}
