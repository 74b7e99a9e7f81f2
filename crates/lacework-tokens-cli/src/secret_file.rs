//! A file a new secret is written to (`rotate --output-file`): 0600, and never an existing file
//! without `--force`. It is prepared before anything is sent, so that a refusal (the file exists,
//! the directory cannot be written) costs no token; the secret is written to a temporary file
//! beside it and moved into place only once it is whole, so a failed rotation leaves an existing
//! file (the current secret, with `--force`) as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::CliError;

/// A secret file in the making.
pub struct SecretFile {
    /// Created 0600 by `tempfile`, in the target's directory.
    temporary: NamedTempFile,
    path: PathBuf,
    force: bool,
}

/// Prepares `path` for a secret: refused if it exists, unless `force`.
pub fn open(path: &Path, force: bool) -> Result<SecretFile, CliError> {
    if !force && path.symlink_metadata().is_ok() {
        return Err(exists(path));
    }
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temporary = NamedTempFile::new_in(dir)
        .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))?;
    Ok(SecretFile { temporary, path: path.to_owned(), force })
}

fn exists(path: &Path) -> CliError {
    CliError::Usage(format!("{} exists: add --force to replace it", path.display()))
}

impl SecretFile {
    /// Where the secret goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `secret` and a newline, on disk, then moves the file into place (over an existing
    /// one only with `--force`).
    pub fn write(mut self, secret: &str) -> std::io::Result<()> {
        writeln!(self.temporary, "{secret}")?;
        self.temporary.as_file().sync_all()?;
        let placed = if self.force {
            self.temporary.persist(&self.path)
        } else {
            self.temporary.persist_noclobber(&self.path)
        };
        placed.map(drop).map_err(|e| e.error)
    }
}
