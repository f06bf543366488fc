//! Pages added to a finished PDF as an **incremental update**: the original bytes stay, unchanged,
//! at the head of the result, so that the SHA-256 a signer saw can be checked against the first
//! bytes of the final file; the new pages, their fonts and a new page tree follow, with a
//! cross-reference section that points back to the original's (ISO 32000-1 §7.5.6).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::PdfError;

fn malformed(what: impl std::fmt::Display) -> PdfError {
    PdfError::Pdf(what.to_string())
}

/// `original` followed by the pages of `extra`, as one PDF whose first `original.len()` bytes
/// are `original`.
pub fn append_pages(original: &[u8], extra: &[u8]) -> Result<Vec<u8>, PdfError> {
    let base = Document::load_mem(original).map_err(malformed)?;
    let added = Document::load_mem(extra).map_err(malformed)?;
    let catalog = base
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .and_then(|id| base.get_dictionary(id))
        .map_err(malformed)?;
    let pages_id = catalog
        .get(b"Pages")
        .and_then(Object::as_reference)
        .map_err(malformed)?;
    let mut pages = base.get_dictionary(pages_id).map_err(malformed)?.clone();

    let page_ids: Vec<ObjectId> = added.get_pages().into_values().collect();
    if page_ids.is_empty() {
        return Err(malformed("no page to append"));
    }
    // The pages and what they reach, under their numbers in `extra`…
    let mut reached: BTreeMap<ObjectId, Object> = BTreeMap::new();
    for page_id in &page_ids {
        let mut page = added.get_dictionary(*page_id).map_err(malformed)?.clone();
        // What a page may inherit from its tree, it must carry once it changes trees.
        for key in [b"Resources".as_slice(), b"MediaBox", b"CropBox", b"Rotate"] {
            if !page.has(key)
                && let Some(value) = inherited(&added, &page, key)
            {
                page.set(key, value);
            }
        }
        // Its structure entries point into the appended file's structure tree, which is not
        // carried over: left in place they would name the original's elements.
        page.remove(b"StructParents");
        page.remove(b"Parent");
        for value in page.iter().map(|(_, v)| v) {
            collect(&added, value, &mut reached)?;
        }
        reached.insert(*page_id, Object::Dictionary(page));
    }
    // …then numbered after the original's objects.
    let numbers: BTreeMap<ObjectId, ObjectId> = reached
        .keys()
        .zip(base.max_id + 1..)
        .map(|(old, new)| (*old, (new, 0)))
        .collect();
    let mut objects: BTreeMap<ObjectId, Object> = reached
        .into_iter()
        .map(|(old, mut object)| {
            renumber(&mut object, &numbers);
            (numbers[&old], object)
        })
        .collect();
    let page_ids: Vec<ObjectId> = page_ids.iter().map(|id| numbers[id]).collect();
    for id in &page_ids {
        if let Some(Object::Dictionary(page)) = objects.get_mut(id) {
            page.set("Parent", Object::Reference(pages_id));
        }
    }
    let kids = pages
        .get_mut(b"Kids")
        .and_then(Object::as_array_mut)
        .map_err(malformed)?;
    kids.extend(page_ids.iter().map(|id| Object::Reference(*id)));
    let count = pages
        .get(b"Count")
        .and_then(Object::as_i64)
        .map_err(malformed)?;
    pages.set("Count", count + page_ids.len() as i64);
    objects.insert(pages_id, Object::Dictionary(pages));

    write_update(original, &base, objects)
}

/// The value of `key` on the nearest ancestor of `page` that has it.
fn inherited(document: &Document, page: &Dictionary, key: &[u8]) -> Option<Object> {
    let mut node = page;
    for _ in 0..32 {
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = document.get_dictionary(parent).ok()?;
        if let Ok(value) = node.get(key) {
            return Some(value.clone());
        }
    }
    None
}

/// Every object that `value` reaches, except the page tree (pages are handled by the caller).
/// Walked with a list of what is left to visit, not by recursion: an appended file comes from
/// outside, and a chain of a hundred thousand references must not exhaust the stack.
fn collect(
    document: &Document,
    value: &Object,
    into: &mut BTreeMap<ObjectId, Object>,
) -> Result<(), PdfError> {
    let mut pending: Vec<&Object> = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Object::Reference(id) => {
                if into.contains_key(id) {
                    continue;
                }
                let object = document.get_object(*id).map_err(malformed)?;
                if let Ok(kind) = object.type_name()
                    && (kind == b"Pages" || kind == b"Page")
                {
                    continue;
                }
                into.insert(*id, object.clone());
                pending.push(object);
            }
            Object::Array(items) => pending.extend(items),
            Object::Dictionary(dict) => pending.extend(
                dict.iter()
                    .filter(|(key, _)| key.as_slice() != b"Parent" && key.as_slice() != b"P")
                    .map(|(_, v)| v),
            ),
            Object::Stream(stream) => pending.extend(stream.dict.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    Ok(())
}

/// Points every reference at its new number; one to an object left behind becomes `null`.
/// Recursive: the gate bounds how deep a stored document nests (`gate::Limits::max_depth`).
fn renumber(object: &mut Object, numbers: &BTreeMap<ObjectId, ObjectId>) {
    match object {
        Object::Reference(id) => {
            *object = numbers
                .get(id)
                .map_or(Object::Null, |new| Object::Reference(*new));
        }
        Object::Array(items) => items.iter_mut().for_each(|v| renumber(v, numbers)),
        Object::Dictionary(dict) => dict.iter_mut().for_each(|(_, v)| renumber(v, numbers)),
        Object::Stream(stream) => stream
            .dict
            .iter_mut()
            .for_each(|(_, v)| renumber(v, numbers)),
        _ => {}
    }
}

/// `original`, then `objects` and a cross-reference section chained to the original's.
fn write_update(
    original: &[u8],
    base: &Document,
    objects: BTreeMap<ObjectId, Object>,
) -> Result<Vec<u8>, PdfError> {
    let mut out = original.to_vec();
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    let mut offsets: BTreeMap<u32, usize> = BTreeMap::new();
    for ((number, generation), object) in &objects {
        offsets.insert(*number, out.len());
        writeln!(out, "{number} {generation} obj").map_err(malformed)?;
        write_object(&mut out, object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    out.extend_from_slice(b"xref\n");
    let numbers: BTreeSet<u32> = offsets.keys().copied().collect();
    let mut numbers = numbers.into_iter().peekable();
    while let Some(first) = numbers.next() {
        let mut run = vec![first];
        while let Some(next) = numbers.next_if(|n| *n == run[run.len() - 1] + 1) {
            run.push(next);
        }
        writeln!(out, "{first} {}", run.len()).map_err(malformed)?;
        for number in run {
            // Each entry is exactly 20 bytes (§7.5.4).
            write!(out, "{:010} 00000 n\r\n", offsets[&number]).map_err(malformed)?;
        }
    }
    let size = objects
        .keys()
        .map(|(n, _)| *n)
        .max()
        .unwrap_or(0)
        .max(base.max_id)
        + 1;
    let mut trailer = Dictionary::new();
    trailer.set("Size", i64::from(size));
    for key in [b"Root".as_slice(), b"Info", b"ID"] {
        if let Ok(value) = base.trailer.get(key) {
            trailer.set(key, value.clone());
        }
    }
    trailer.set("Prev", base.xref_start as i64);
    out.extend_from_slice(b"trailer\n");
    write_object(&mut out, &Object::Dictionary(trailer));
    write!(out, "\nstartxref\n{xref_at}\n%%EOF\n").map_err(malformed)?;
    Ok(out)
}

/// An object in PDF syntax (§7.3): names escaped, strings in hexadecimal so that no byte needs
/// escaping, streams with their exact length.
fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(format!("{r}").as_bytes()),
        Object::Name(name) => write_name(out, name),
        Object::String(bytes, _) => {
            out.push(b'<');
            for b in bytes {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", stream.content.len() as i64);
            write_dictionary(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((number, generation)) => {
            out.extend_from_slice(format!("{number} {generation} R").as_bytes());
        }
    }
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        write_name(out, key);
        out.push(b' ');
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if (0x21..=0x7e).contains(&b) && !b"#()<>[]{}/%".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        }
    }
}
