//! Passerelle's search index: the only crate that speaks to tantivy.
//!
//! The index is derived data: the database is the source of truth and the index can always
//! be rebuilt from it. This crate so far owns the index folder's life cycle (create, open,
//! recreate when unreadable); documents, analysers and queries come with the search feature.

use std::path::{Path, PathBuf};

use tantivy::Index;
use tantivy::schema::{STORED, STRING, Schema};

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("cannot create the index folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the index in {path}: {source}")]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
}

/// The search index of one server node, in a folder of its own.
#[derive(Debug, Clone)]
pub struct LocalIndex {
    index: Index,
    path: PathBuf,
}

/// The fields every indexed document carries: its kind and its identifier.
fn schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("kind", STRING | STORED);
    builder.add_text_field("id", STRING | STORED);
    builder.build()
}

impl LocalIndex {
    /// Opens the index in `path`, creating it when the folder holds none. An index that cannot
    /// be read is set aside (renamed with a `.unreadable` suffix) and a new one is created, since
    /// it can be rebuilt from the database.
    pub fn open_or_create(path: &Path) -> Result<Self, IndexError> {
        std::fs::create_dir_all(path).map_err(|source| IndexError::Folder {
            path: path.to_owned(),
            source,
        })?;
        let tantivy_error = |source| IndexError::Tantivy {
            path: path.to_owned(),
            source,
        };
        let directory = tantivy::directory::MmapDirectory::open(path)
            .map_err(|error| tantivy_error(error.into()))?;
        let index = match Index::exists(&directory) {
            Ok(true) => match Index::open(directory) {
                Ok(index) => index,
                Err(_) => Self::set_aside_and_create(path)?,
            },
            _ => Index::create(directory, schema(), tantivy::IndexSettings::default())
                .map_err(tantivy_error)?,
        };
        Ok(Self {
            index,
            path: path.to_owned(),
        })
    }

    fn set_aside_and_create(path: &Path) -> Result<Index, IndexError> {
        let aside = path.with_extension("unreadable");
        let _ = std::fs::remove_dir_all(&aside);
        std::fs::rename(path, &aside).map_err(|source| IndexError::Folder {
            path: path.to_owned(),
            source,
        })?;
        std::fs::create_dir_all(path).map_err(|source| IndexError::Folder {
            path: path.to_owned(),
            source,
        })?;
        Index::create_in_dir(path, schema()).map_err(|source| IndexError::Tantivy {
            path: path.to_owned(),
            source,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of documents in the last committed state of the index.
    pub fn document_count(&self) -> Result<u64, IndexError> {
        let reader = self.index.reader().map_err(|source| IndexError::Tantivy {
            path: self.path.clone(),
            source,
        })?;
        Ok(reader.searcher().num_docs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_is_created_then_reopened() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("index");
        let created = LocalIndex::open_or_create(&path).unwrap();
        assert_eq!(created.document_count().unwrap(), 0);
        assert!(path.join("meta.json").exists());
        let reopened = LocalIndex::open_or_create(&path).unwrap();
        assert_eq!(reopened.document_count().unwrap(), 0);
    }

    #[test]
    fn an_unreadable_index_is_set_aside_and_recreated() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("index");
        LocalIndex::open_or_create(&path).unwrap();
        std::fs::write(path.join("meta.json"), b"not json").unwrap();
        let recreated = LocalIndex::open_or_create(&path).unwrap();
        assert_eq!(recreated.document_count().unwrap(), 0);
        assert!(folder.path().join("index.unreadable").exists());
    }
}
