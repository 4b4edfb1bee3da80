//! Many reports in one command: folders walked into a list of files, and
//! each file's output path mirrored under an output folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::convert::Format;
use crate::error::Error;

/// One input of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// The file as it is opened (`-` for standard input).
    pub path: PathBuf,
    /// Its path under the folder it was found in (its file name when it was
    /// named itself), which the output mirrors.
    pub rel: PathBuf,
}

/// Deepest folder nesting walked.
pub const MAX_WALK_DEPTH: usize = 64;

/// The files of the inputs: a file as named (whatever its extension), a
/// folder walked for the files whose extension names a format xxgk reads,
/// in name order. Hidden files and folders (`.git`) and symbolic links to
/// folders are skipped.
pub fn walk(inputs: &[PathBuf]) -> Result<Vec<Job>, Error> {
    let mut jobs = Vec::new();
    for input in inputs {
        if input.as_os_str() != "-" && input.is_dir() {
            walk_dir(input, Path::new(""), 0, &mut jobs)?;
        } else {
            let rel = input
                .file_name()
                .map_or_else(|| PathBuf::from("stdin"), PathBuf::from);
            jobs.push(Job {
                path: input.clone(),
                rel,
            });
        }
    }
    Ok(jobs)
}

fn walk_dir(dir: &Path, rel: &Path, depth: usize, jobs: &mut Vec<Job>) -> Result<(), Error> {
    if depth > MAX_WALK_DEPTH {
        return Err(Error::TooLarge {
            name: "MAX_WALK_DEPTH",
            limit: MAX_WALK_DEPTH as u64,
        });
    }
    let io = |source| Error::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        let kind = e.file_type().map_err(io)?;
        if kind.is_dir() {
            walk_dir(&path, &rel.join(&name), depth + 1, jobs)?;
        } else if (kind.is_file() || (kind.is_symlink() && path.is_file()))
            && Format::from_path(&path).is_some()
        {
            // Regular files only: a FIFO or a device named `x.json` in a
            // folder would block the walk or never end.
            jobs.push(Job {
                path,
                rel: rel.join(&name),
            });
        }
    }
    Ok(())
}

/// Each job's output under `out_dir`: its relative path with the output
/// format's extension. Two inputs that would share an output (`a.docx`
/// and `a.html`) keep their own extension too (`a.docx.json`,
/// `a.html.json`).
pub fn outputs(jobs: &[Job], out_dir: &Path, to: Format) -> Vec<PathBuf> {
    let plain: Vec<PathBuf> = jobs
        .iter()
        .map(|j| j.rel.with_extension(to.extension()))
        .collect();
    let mut count: BTreeMap<&Path, usize> = BTreeMap::new();
    for p in &plain {
        *count.entry(p.as_path()).or_default() += 1;
    }
    jobs.iter()
        .zip(&plain)
        .map(|(j, p)| {
            if count[p.as_path()] > 1 {
                let mut name = j.rel.as_os_str().to_owned();
                name.push(".");
                name.push(to.extension());
                out_dir.join(name)
            } else {
                out_dir.join(p)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_in_order_for_known_formats_only() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("b/c")).unwrap();
        std::fs::create_dir_all(d.join(".git")).unwrap();
        for f in [
            "b/c/z.docx",
            "b/a.json",
            "a.html",
            "notes.pdf",
            "notes.odt",
            ".git/x.json",
            ".hidden.json",
        ] {
            std::fs::write(d.join(f), b"").unwrap();
        }
        let jobs = walk(&[d.to_owned()]).unwrap();
        let rels: Vec<String> = jobs.iter().map(|j| j.rel.display().to_string()).collect();
        assert_eq!(rels, ["a.html", "b/a.json", "b/c/z.docx", "notes.pdf"]);
        let named = walk(&[d.join("notes.odt")]).unwrap();
        assert_eq!(named[0].rel, PathBuf::from("notes.odt"));
    }

    #[test]
    fn outputs_mirror_the_tree_and_never_collide() {
        let jobs: Vec<Job> = ["x/a.docx", "x/a.html", "y/b.txt"]
            .iter()
            .map(|r| Job {
                path: PathBuf::from(r),
                rel: PathBuf::from(r),
            })
            .collect();
        let outs = outputs(&jobs, Path::new("out"), Format::Json);
        let outs: Vec<String> = outs.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            outs,
            ["out/x/a.docx.json", "out/x/a.html.json", "out/y/b.json"]
        );
    }
}
