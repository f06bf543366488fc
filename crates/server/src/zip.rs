//! A ZIP archive written as it goes, entry by entry, for the batch downloads: each entry is
//! stored (PDFs are already compressed) with its CRC and size known before it is written, so the
//! archive streams with only the small central directory kept in memory. No ZIP64: a batch stays
//! under 65 535 entries and 4 GiB, which [`ZipStream::add`] refuses past.

use chrono::{Datelike, NaiveDateTime, Timelike};

/// The most entries a batch holds (the ZIP format without its 64-bit extension).
pub const MAX_ENTRIES: usize = 65_000;

/// Why an entry cannot be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    /// The archive would pass 4 GiB or 65 000 entries.
    #[error("the archive would be too large")]
    TooLarge,
}

/// The central directory record of one entry, kept until the end.
struct Entry {
    name: Vec<u8>,
    crc: u32,
    size: u32,
    offset: u32,
}

/// An archive being written: feed it entries, send what each call answers, then send
/// [`ZipStream::finish`].
pub struct ZipStream {
    entries: Vec<Entry>,
    written: u64,
    time: u16,
    date: u16,
}

/// The MS-DOS time and date of the entries (two-second precision, from 1980).
fn dos_time(at: NaiveDateTime) -> (u16, u16) {
    let year = u16::try_from(at.year().clamp(1980, 2107) - 1980).unwrap_or(0);
    let date = (year << 9) | ((at.month() as u16) << 5) | at.day() as u16;
    let time = ((at.hour() as u16) << 11) | ((at.minute() as u16) << 5) | (at.second() as u16 / 2);
    (time, date)
}

/// Bit 11: the names are UTF-8.
const UTF8_NAMES: u16 = 0x0800;

impl ZipStream {
    /// A new archive whose entries are dated `at` (local time as the user reads it).
    pub fn new(at: NaiveDateTime) -> Self {
        let (time, date) = dos_time(at);
        Self {
            entries: Vec::new(),
            written: 0,
            time,
            date,
        }
    }

    /// How many entries were added.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bytes of one entry: its local header, then its content.
    pub fn add(&mut self, name: &str, content: &[u8]) -> Result<Vec<u8>, ZipError> {
        let size = u32::try_from(content.len()).map_err(|_| ZipError::TooLarge)?;
        let name = name.as_bytes().to_vec();
        let name_len = u16::try_from(name.len()).map_err(|_| ZipError::TooLarge)?;
        let offset = u32::try_from(self.written).map_err(|_| ZipError::TooLarge)?;
        if self.entries.len() >= MAX_ENTRIES {
            return Err(ZipError::TooLarge);
        }
        let crc = crc32fast::hash(content);
        let mut out = Vec::with_capacity(30 + name.len() + content.len());
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        out.extend_from_slice(&UTF8_NAMES.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // stored
        out.extend_from_slice(&self.time.to_le_bytes());
        out.extend_from_slice(&self.date.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        out.extend_from_slice(&name);
        out.extend_from_slice(content);
        let written = self.written + out.len() as u64;
        // The central directory must start below 4 GiB too.
        if written > u64::from(u32::MAX) - 64 * 1024 * 1024 {
            return Err(ZipError::TooLarge);
        }
        self.written = written;
        self.entries.push(Entry {
            name,
            crc,
            size,
            offset,
        });
        Ok(out)
    }

    /// The central directory and its end record: the archive's last bytes.
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::new();
        let start = self.written;
        for entry in &self.entries {
            out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            out.extend_from_slice(&20u16.to_le_bytes()); // made by: 2.0, MS-DOS attributes
            out.extend_from_slice(&20u16.to_le_bytes());
            out.extend_from_slice(&UTF8_NAMES.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&self.time.to_le_bytes());
            out.extend_from_slice(&self.date.to_le_bytes());
            out.extend_from_slice(&entry.crc.to_le_bytes());
            out.extend_from_slice(&entry.size.to_le_bytes());
            out.extend_from_slice(&entry.size.to_le_bytes());
            out.extend_from_slice(&(entry.name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0; 12]); // extra, comment, disk, internal and external attributes
            out.extend_from_slice(&entry.offset.to_le_bytes());
            out.extend_from_slice(&entry.name);
        }
        let directory_size = out.len() as u32;
        let count = self.entries.len() as u16;
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&directory_size.to_le_bytes());
        out.extend_from_slice(&(start as u32).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // no comment
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_written_entry_by_entry_is_read_back_by_unzip() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(10, 30, 0))
            .unwrap_or_default();
        let mut zip = ZipStream::new(at);
        let mut bytes = zip
            .add("CERFA-FA13-MARTIN-Léa.pdf", b"%PDF-1.7 un")
            .unwrap_or_default();
        bytes.extend(zip.add("LISEZ-MOI.txt", b"deux").unwrap_or_default());
        assert_eq!(zip.len(), 2);
        bytes.extend(zip.finish());

        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("lot.zip");
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        // Python's zipfile checks every CRC and reads the UTF-8 names.
        let listed = std::process::Command::new("python3")
            .args(["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print('|'.join(f'{i.filename}={z.read(i).decode()}' for i in z.infolist()))"])
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            listed.status.success(),
            "{}",
            String::from_utf8_lossy(&listed.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&listed.stdout).trim(),
            "CERFA-FA13-MARTIN-Léa.pdf=%PDF-1.7 un|LISEZ-MOI.txt=deux"
        );
    }
}
