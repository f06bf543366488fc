//! The gate every PDF from outside passes before the platform keeps it: a deposited CERFA, a
//! scan of paper signatures, an annex, a document a signature provider sends back.
//!
//! PDF readers (lopdf here) parse arrays and dictionaries recursively, without a depth limit,
//! and decompress streams without a size limit: a 2.6 KB file of nested brackets overflows a
//! thread's stack, which aborts the whole process (a stack overflow is not a panic, nothing
//! catches it). So the gate is in two parts:
//! - [`precheck`], here and in the server's own process: a single bounded pass over the bytes
//!   (size, header, end-of-file marker, nesting depth outside streams, object count) that
//!   refuses the obvious with a precise message and never recurses;
//! - [`inspect`], run by the server in a child process with its memory, processor time and
//!   stack bounded: the real reader loads the file, whose every object must nest at most
//!   [`Limits::max_depth`] deep, it must have pages, no encryption, and accept the two
//!   operations the platform will make on it (pages appended after it; its pages appended to
//!   another document). What the child cannot read, or what kills it, is refused.
//!
//! A PDF that passed is read again later, in the server's process, only by the same reader on
//! a thread with at least twice the child's stack: its nesting is bounded and it was read whole
//! once within half that stack.

use std::fmt;

use lopdf::{Document, Object, dictionary};

/// The bounds of the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest file.
    pub max_bytes: usize,
    /// The deepest nesting of arrays and dictionaries.
    pub max_depth: usize,
    /// The most indirect objects.
    pub max_objects: usize,
    /// The most bytes that the streams the reader decompresses when it loads a file (object
    /// streams, cross-reference streams) may hold once decompressed.
    pub max_inflated_bytes: usize,
}

impl Limits {
    /// The platform's bounds: 10 MB (the upload limit); 64 levels, where real documents nest
    /// fewer than ten; 100 000 objects, where a 200-page scan has a few thousand; 64 MB of
    /// decompressed structure, where real object streams hold a few hundred kilobytes.
    pub const PLATFORM: Limits = Limits {
        max_bytes: 10 * 1024 * 1024,
        max_depth: 64,
        max_objects: 100_000,
        max_inflated_bytes: 64 * 1024 * 1024,
    };
}

/// Why a PDF was refused: each says, in French, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Larger than [`Limits::max_bytes`].
    TooLarge(usize),
    /// No `%PDF-` header at the start: another kind of file.
    NotPdf,
    /// No `%%EOF` marker at the end: a file cut short.
    Truncated,
    /// Arrays or dictionaries nested deeper than the limit.
    TooDeep(usize),
    /// More indirect objects than the limit.
    TooManyObjects(usize),
    /// Protected by a password.
    Encrypted,
    /// Read whole, but without a page.
    NoPage,
    /// The reader could not read it: its structure (cross-reference table, objects) is broken.
    Unreadable(String),
    /// Reading it took more memory or time than allowed, or stopped the reader.
    Exhausting,
}

impl Refusal {
    /// What the user reads: what is wrong, and what to do.
    pub fn message(&self) -> String {
        match self {
            Refusal::TooLarge(limit) => format!(
                "Le fichier dépasse {} Mo : réduisez-le (une copie numérisée en niveaux de gris, 200 points par pouce, suffit).",
                limit / (1024 * 1024)
            ),
            Refusal::NotPdf => {
                "Ce fichier n'est pas un PDF (il ne commence pas par l'en-tête « %PDF- ») : enregistrez le document au format PDF et déposez-le à nouveau.".into()
            }
            Refusal::Truncated => {
                "Ce PDF est incomplet (sa fin manque, l'envoi a peut-être été interrompu) : déposez-le à nouveau.".into()
            }
            Refusal::TooDeep(limit) => format!(
                "Ce PDF a une structure anormale (des éléments imbriqués sur plus de {limit} niveaux) : la plateforme ne peut pas le lire. Enregistrez-le à nouveau en PDF depuis votre logiciel (« Imprimer » vers PDF) et déposez ce nouveau fichier."
            ),
            Refusal::TooManyObjects(limit) => format!(
                "Ce PDF contient trop d'éléments (plus de {limit}) pour être lu : enregistrez-le à nouveau en PDF depuis votre logiciel et déposez ce nouveau fichier."
            ),
            Refusal::Encrypted => {
                "Ce PDF est protégé par un mot de passe : déposez une version sans protection.".into()
            }
            Refusal::NoPage => "Ce PDF n'a aucune page : déposez le document complet.".into(),
            Refusal::Unreadable(_) => {
                "Ce PDF est endommagé (sa structure interne est illisible) : enregistrez-le à nouveau en PDF depuis votre logiciel et déposez ce nouveau fichier.".into()
            }
            Refusal::Exhausting => {
                "Ce PDF demande trop de ressources pour être lu (structure anormale ou contenu compressé démesuré) : enregistrez-le à nouveau en PDF depuis votre logiciel et déposez ce nouveau fichier.".into()
            }
        }
    }

    /// The refusal as one line, for the child process to tell its parent.
    pub fn to_line(&self) -> String {
        match self {
            Refusal::TooLarge(n) => format!("too_large {n}"),
            Refusal::NotPdf => "not_pdf".into(),
            Refusal::Truncated => "truncated".into(),
            Refusal::TooDeep(n) => format!("too_deep {n}"),
            Refusal::TooManyObjects(n) => format!("too_many_objects {n}"),
            Refusal::Encrypted => "encrypted".into(),
            Refusal::NoPage => "no_page".into(),
            Refusal::Unreadable(why) => format!("unreadable {}", why.replace(['\n', '\r'], " ")),
            Refusal::Exhausting => "exhausting".into(),
        }
    }

    /// The refusal a line of [`Refusal::to_line`] names; `None` for anything else.
    pub fn from_line(line: &str) -> Option<Refusal> {
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let number = || rest.trim().parse::<usize>().ok();
        Some(match word {
            "too_large" => Refusal::TooLarge(number()?),
            "not_pdf" => Refusal::NotPdf,
            "truncated" => Refusal::Truncated,
            "too_deep" => Refusal::TooDeep(number()?),
            "too_many_objects" => Refusal::TooManyObjects(number()?),
            "encrypted" => Refusal::Encrypted,
            "no_page" => Refusal::NoPage,
            "unreadable" => Refusal::Unreadable(rest.to_owned()),
            "exhausting" => Refusal::Exhausting,
            _ => return None,
        })
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_line())
    }
}

/// What the gate learnt of an accepted PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// Its pages.
    pub pages: usize,
}

/// The bounded first pass, safe on any bytes: one loop over them, no recursion, no allocation
/// but a few counters. Nesting is measured outside streams, strings and comments; object
/// headers (`obj`) are counted.
pub fn precheck(bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    if bytes.len() > limits.max_bytes {
        return Err(Refusal::TooLarge(limits.max_bytes));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(Refusal::NotPdf);
    }
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(Refusal::Truncated);
    }
    let mut depth = 0usize;
    let mut objects = 0usize;
    let mut at = 0usize;
    while at < bytes.len() {
        match bytes[at] {
            b'%' => at = skip_line(bytes, at),
            b'(' => at = skip_literal_string(bytes, at),
            b'<' if bytes.get(at + 1) == Some(&b'<') => {
                depth += 1;
                at += 2;
            }
            b'<' => at = find(bytes, at, b">").map_or(bytes.len(), |end| end + 1),
            b'>' if bytes.get(at + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                at += 2;
            }
            b'[' => {
                depth += 1;
                at += 1;
            }
            b']' => {
                depth = depth.saturating_sub(1);
                at += 1;
            }
            byte if is_regular(byte) => {
                let start = at;
                while at < bytes.len() && is_regular(bytes[at]) {
                    at += 1;
                }
                match &bytes[start..at] {
                    b"obj" => objects += 1,
                    // Binary data until its end: brackets there are not structure.
                    b"stream" => at = find(bytes, at, b"endstream").map_or(bytes.len(), |e| e + 9),
                    _ => {}
                }
            }
            _ => at += 1,
        }
        if depth > limits.max_depth {
            return Err(Refusal::TooDeep(limits.max_depth));
        }
        if objects > limits.max_objects {
            return Err(Refusal::TooManyObjects(limits.max_objects));
        }
    }
    Ok(())
}

fn is_regular(byte: u8) -> bool {
    !byte.is_ascii_whitespace() && byte != 0 && !b"()<>[]{}/%".contains(&byte)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn skip_line(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|b| *b == b'\n' || *b == b'\r')
        .map_or(bytes.len(), |p| from + p + 1)
}

/// Past the literal string opening at `from`: balanced parentheses, `\` escaping one byte.
fn skip_literal_string(bytes: &[u8], from: usize) -> usize {
    let mut open = 0usize;
    let mut at = from;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 1,
            b'(' => open += 1,
            b')' => {
                open -= 1;
                if open == 0 {
                    return at + 1;
                }
            }
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

/// The whole check, with the real reader: to be run where an overflow or an exhausted memory
/// stops only the check (the server runs it in a child process, see the module's comment).
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<Accepted, Refusal> {
    precheck(bytes, limits)?;
    let document = Document::load_mem(bytes).map_err(|e| Refusal::Unreadable(e.to_string()))?;
    if document.is_encrypted() || document.trailer.get(b"Encrypt").is_ok() {
        return Err(Refusal::Encrypted);
    }
    if document.objects.len() > limits.max_objects {
        return Err(Refusal::TooManyObjects(limits.max_objects));
    }
    // The reader keeps the object streams it decompressed: a « bomb » of a few kilobytes that
    // inflates to hundreds of megabytes would be inflated again at every later reading.
    let kept: usize = document
        .objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .map(|stream| stream.content.len())
        .sum();
    if kept > limits.max_inflated_bytes + bytes.len() {
        return Err(Refusal::Exhausting);
    }
    for object in document.objects.values() {
        if nesting(object) > limits.max_depth {
            return Err(Refusal::TooDeep(limits.max_depth));
        }
    }
    let pages = document.get_pages().len();
    if pages == 0 {
        return Err(Refusal::NoPage);
    }
    // What the platform will do with it: pages after it (the « dossier de preuve »), and its
    // pages after another document (a scan after the signed documents); both read back.
    let blank = blank_page().map_err(|e| Refusal::Unreadable(e.to_string()))?;
    for combined in [
        crate::append_pages(bytes, &blank),
        crate::append_pages(&blank, bytes),
    ] {
        let combined = combined.map_err(|e| Refusal::Unreadable(e.to_string()))?;
        Document::load_mem(&combined).map_err(|e| Refusal::Unreadable(e.to_string()))?;
    }
    Ok(Accepted { pages })
}

/// How deep `object` nests arrays and dictionaries, walked without recursion.
fn nesting(object: &Object) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(object, 0usize)];
    while let Some((object, depth)) = pending.pop() {
        deepest = deepest.max(depth);
        match object {
            Object::Array(items) => pending.extend(items.iter().map(|item| (item, depth + 1))),
            Object::Dictionary(dict) => pending.extend(dict.iter().map(|(_, v)| (v, depth + 1))),
            Object::Stream(stream) => {
                pending.extend(stream.dict.iter().map(|(_, v)| (v, depth + 1)));
            }
            _ => {}
        }
    }
    deepest
}

/// A one-page, empty A4 PDF, to try appending with (and a seal key, in `seal`).
pub(crate) fn blank_page() -> Result<Vec<u8>, lopdf::Error> {
    let mut document = Document::with_version("1.7");
    let pages_id = document.new_object_id();
    let page_id = document.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog_id = document.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    document.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    document.save_to(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> Vec<u8> {
        let mut pdf = b"%PDF-1.4\n1 0 obj\n".to_vec();
        pdf.extend(std::iter::repeat_n(b'[', depth));
        pdf.extend(std::iter::repeat_n(b']', depth));
        pdf.extend_from_slice(b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
        pdf
    }

    #[test]
    fn the_blank_page_passes_the_gate_with_its_one_page() {
        let blank = blank_page().expect("blank");
        assert_eq!(
            inspect(&blank, &Limits::PLATFORM),
            Ok(Accepted { pages: 1 })
        );
    }

    #[test]
    fn a_thousand_nested_brackets_are_refused_before_any_reader_sees_them() {
        assert_eq!(
            precheck(&nested(1000), &Limits::PLATFORM),
            Err(Refusal::TooDeep(64))
        );
        assert_eq!(precheck(&nested(60), &Limits::PLATFORM), Ok(()));
    }

    #[test]
    fn brackets_in_streams_strings_and_comments_are_not_counted_as_nesting() {
        let mut pdf = b"%PDF-1.4\n% [[[[[[\n1 0 obj\n<< /Length 200 >>\nstream\n".to_vec();
        pdf.extend(std::iter::repeat_n(b'[', 200));
        pdf.extend_from_slice(b"\nendstream\nendobj\n2 0 obj\n(");
        pdf.extend(std::iter::repeat_n(b'[', 200));
        pdf.extend_from_slice(b")\nendobj\n%%EOF\n");
        assert_eq!(precheck(&pdf, &Limits::PLATFORM), Ok(()));
    }

    #[test]
    fn a_file_without_header_or_end_marker_is_named_for_what_it_is() {
        assert_eq!(precheck(b"GIF89a", &Limits::PLATFORM), Err(Refusal::NotPdf));
        assert_eq!(
            precheck(b"%PDF-1.4\n1 0 obj", &Limits::PLATFORM),
            Err(Refusal::Truncated)
        );
    }

    #[test]
    fn junk_with_a_pdf_header_is_unreadable_not_accepted() {
        assert!(matches!(
            inspect(b"%PDF-1.4\nnot really a pdf\n%%EOF", &Limits::PLATFORM),
            Err(Refusal::Unreadable(_))
        ));
    }

    #[test]
    fn every_refusal_survives_its_line() {
        for refusal in [
            Refusal::TooLarge(10),
            Refusal::NotPdf,
            Refusal::Truncated,
            Refusal::TooDeep(64),
            Refusal::TooManyObjects(5),
            Refusal::Encrypted,
            Refusal::NoPage,
            Refusal::Unreadable("xref broken".into()),
            Refusal::Exhausting,
        ] {
            assert_eq!(Refusal::from_line(&refusal.to_line()), Some(refusal));
        }
    }

    #[test]
    fn too_many_objects_are_refused_by_count() {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        for n in 1..=20 {
            pdf.extend_from_slice(format!("{n} 0 obj\nnull\nendobj\n").as_bytes());
        }
        pdf.extend_from_slice(b"%%EOF\n");
        let limits = Limits {
            max_objects: 10,
            ..Limits::PLATFORM
        };
        assert_eq!(precheck(&pdf, &limits), Err(Refusal::TooManyObjects(10)));
    }
}
