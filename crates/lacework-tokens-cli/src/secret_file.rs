//! A file a new secret is written to (`rotate --output-file`): created 0600, and never an
//! existing file without `--force`. It is opened before anything is sent, so a refusal costs no
//! token.

use crate::error::CliError;

/// Opens `path` for a secret: created 0600, and never an existing file without `force`.
pub fn open(path: &std::path::Path, force: bool) -> Result<std::fs::File, CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::Usage(format!("{} exists: add --force to replace it", path.display()))
        } else {
            CliError::Usage(format!("cannot write {}: {e}", path.display()))
        }
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::Usage(format!("cannot make {} private: {e}", path.display())))?;
    }
    Ok(file)
}
