//! Writing output files so that a failure never leaves half a file and an
//! input is never overwritten.
//!
//! The bytes go to a temporary file in the target folder, which is flushed,
//! synced and renamed over the target. On any error the temporary file is
//! removed and the target is untouched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Writes `bytes` to `path` atomically. Refuses when `path` is one of
/// `inputs`, also through `./`, a symbolic link or a hard link.
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), Error> {
    if let Some(input) = inputs.iter().find(|i| same_file(i, path)) {
        return Err(Error::Usage(format!(
            "the output {} is the input {}: refusing to overwrite an input",
            path.display(),
            input.display()
        )));
    }
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = temp_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| {
        if path.is_dir() {
            io(std::io::Error::new(
                e.error.kind(),
                "a folder of that name is in the way, so the output cannot be written",
            ))
        } else {
            io(e.error)
        }
    })?;
    Ok(())
}

/// Makes a folder and those above it. When a file stands where one of them
/// should be, the error names that file rather than quoting the system's
/// "File exists".
pub fn make_folder(dir: &Path) -> Result<(), Error> {
    fs::create_dir_all(dir).map_err(|source| {
        let blocking = dir
            .ancestors()
            .find(|a| !a.as_os_str().is_empty() && a.metadata().is_ok_and(|m| !m.is_dir()));
        match blocking {
            Some(file) => Error::Io {
                path: dir.to_owned(),
                source: std::io::Error::new(
                    source.kind(),
                    if file == dir {
                        "a file of that name is in the way, so the folder cannot be made".to_owned()
                    } else {
                        format!(
                            "cannot make the folder: {} is a file, not a folder",
                            file.display()
                        )
                    },
                ),
            },
            None => Error::Io {
                path: dir.to_owned(),
                source,
            },
        }
    })
}

/// A temporary file in `dir`, to be renamed over an output. A temporary
/// file is usually private (0600); this one becomes an ordinary output, so
/// it is created readable as the user's umask allows, like any file a
/// program writes.
pub fn temp_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".xxgk-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Whether two paths name the same existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) {
            return ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
        false
    }
    #[cfg(not(unix))]
    {
        match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(ca), Ok(cb)) => ca == cb,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.json");
        write_atomic(&out, b"{}\n", &[]).unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"{}\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_file_in_the_way_of_a_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a");
        fs::write(&file, b"x").unwrap();
        let err = make_folder(&file.join("b/c")).unwrap_err().to_string();
        assert!(
            err.ends_with(&format!(
                "cannot make the folder: {} is a file, not a folder",
                file.display()
            )),
            "{err}"
        );
        let err = make_folder(&file).unwrap_err().to_string();
        assert!(err.ends_with("a file of that name is in the way, so the folder cannot be made"));
        make_folder(&dir.path().join("d/e")).unwrap();
        assert!(dir.path().join("d/e").is_dir());
        assert_eq!(fs::read(&file).unwrap(), b"x");
    }

    #[test]
    fn refuses_to_overwrite_an_input_however_named() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.json");
        fs::write(&input, b"original").unwrap();
        let hard = dir.path().join("hard.json");
        fs::hard_link(&input, &hard).unwrap();
        let dotted = dir.path().join(".").join("in.json");
        for target in [&input, &hard, &dotted] {
            assert!(write_atomic(target, b"new", std::slice::from_ref(&input)).is_err());
        }
        #[cfg(unix)]
        {
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            assert!(write_atomic(&link, b"new", std::slice::from_ref(&input)).is_err());
        }
        assert_eq!(fs::read(&input).unwrap(), b"original");
    }

    #[cfg(unix)]
    #[test]
    fn outputs_are_ordinary_files_not_private_temporaries() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.json");
        write_atomic(&out, b"{}\n", &[]).unwrap();
        let mode = fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        // Readable by the group and others unless the umask says otherwise
        // (the tests run with the usual 022 or 002).
        assert_eq!(mode & 0o044, 0o044, "mode {mode:o}");
    }

    #[test]
    fn a_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("missing-dir").join("out.json");
        assert!(write_atomic(&out, b"{}", &[]).is_err());
        assert!(!out.exists());
    }
}
