//! Documents rendered from typst templates (the crate's `render` feature, on by default; the
//! PDF gate and the page appending work without it, for the fuzz targets).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Timelike, Utc};
use typst::WorldExt;
use typst::{
    Library, LibraryExt, World,
    diag::{FileError, FileResult, SourceDiagnostic},
    foundations::{Bytes, Datetime, Duration},
    syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot},
    text::{Font, FontBook},
    utils::LazyHash,
};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::PdfError;

/// The documents Opuntia makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The CERFA (FA13 apprentissage, EJ20 professionnalisation).
    Cerfa,
    /// The convention de formation between the CFA and the employer.
    Convention,
    /// The training calendar.
    Calendrier,
    /// The training programme.
    Programme,
    /// The « dossier de preuve » appended to a document signed on the platform.
    Preuve,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 5] = [
        Kind::Cerfa,
        Kind::Convention,
        Kind::Calendrier,
        Kind::Programme,
        Kind::Preuve,
    ];

    /// The key used in addresses and template file names (`cerfa.typ`).
    pub fn key(self) -> &'static str {
        match self {
            Kind::Cerfa => "cerfa",
            Kind::Convention => "convention",
            Kind::Calendrier => "calendrier",
            Kind::Programme => "programme",
            Kind::Preuve => "preuve",
        }
    }

    /// The kind a key names.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.key() == key)
    }

    fn builtin_template(self) -> &'static str {
        match self {
            Kind::Cerfa => include_str!("../templates/cerfa.typ"),
            Kind::Convention => include_str!("../templates/convention.typ"),
            Kind::Calendrier => include_str!("../templates/calendrier.typ"),
            Kind::Programme => include_str!("../templates/programme.typ"),
            Kind::Preuve => include_str!("../templates/preuve.typ"),
        }
    }

    /// Data that every template must render: what an override is tried with.
    pub fn sample_data(self) -> serde_json::Value {
        let text = match self {
            Kind::Cerfa => include_str!("../templates/samples/cerfa.json"),
            Kind::Convention => include_str!("../templates/samples/convention.json"),
            Kind::Calendrier => include_str!("../templates/samples/calendrier.json"),
            Kind::Programme => include_str!("../templates/samples/programme.json"),
            Kind::Preuve => include_str!("../templates/samples/preuve.json"),
        };
        serde_json::from_str(text).unwrap_or_default()
    }
}

/// What the PDF says of itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The document's title (« Contrat d'apprentissage — Léa MARTIN »).
    pub title: String,
    /// Its author: the CFA.
    pub author: String,
    /// When it is made (PDF/A records it).
    pub made_at: DateTime<Utc>,
}

/// The template of each kind: the built-in ones, or a CFA's own.
#[derive(Debug, Clone)]
pub struct Templates {
    sources: HashMap<Kind, String>,
}

impl Default for Templates {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Templates {
    /// The templates compiled into the binary.
    pub fn builtin() -> Self {
        Self {
            sources: Kind::ALL
                .into_iter()
                .map(|kind| (kind, kind.builtin_template().to_owned()))
                .collect(),
        }
    }

    /// Replaces the template of `kind` by `source`, once it has rendered the sample data of its
    /// kind; a template that fails is refused with typst's message.
    pub fn with_override(mut self, kind: Kind, source: String) -> Result<Self, PdfError> {
        let sample = Metadata {
            title: "Essai".into(),
            author: "Opuntia".into(),
            made_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        render_source(kind, &source, &kind.sample_data(), &sample)?;
        self.sources.insert(kind, source);
        Ok(self)
    }

    /// The document of `kind` for `data`, as PDF/A-2b.
    pub fn render(
        &self,
        kind: Kind,
        data: &serde_json::Value,
        metadata: &Metadata,
    ) -> Result<Vec<u8>, PdfError> {
        let source = self
            .sources
            .get(&kind)
            .map_or(kind.builtin_template(), String::as_str);
        render_source(kind, source, data, metadata)
    }
}

/// The fonts, loaded once: Liberation Sans in its four styles.
fn fonts() -> &'static (LazyHash<FontBook>, Vec<Font>) {
    static FONTS: std::sync::OnceLock<(LazyHash<FontBook>, Vec<Font>)> = std::sync::OnceLock::new();
    FONTS.get_or_init(|| {
        let files: [&'static [u8]; 4] = [
            include_bytes!("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
            include_bytes!("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
            include_bytes!("/usr/share/fonts/truetype/liberation/LiberationSans-Italic.ttf"),
            include_bytes!("/usr/share/fonts/truetype/liberation/LiberationSans-BoldItalic.ttf"),
        ];
        let fonts: Vec<Font> = files
            .into_iter()
            .flat_map(|bytes| Font::iter(Bytes::new(bytes)))
            .collect();
        (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: std::sync::OnceLock<LazyHash<Library>> = std::sync::OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn project_file(path: &str) -> FileId {
    // Both paths are constants: they are valid.
    let path = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("a constant path"));
    FileId::new(RootedPath::new(VirtualRoot::Project, path))
}

/// One rendering's world: the template as `main.typ`, the data as `data.json`.
struct DocumentWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
    today: Option<Datetime>,
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn messages(world: &DocumentWorld, diagnostics: &[SourceDiagnostic]) -> String {
    let template = world.main.text();
    diagnostics
        .iter()
        .map(|diagnostic| {
            let line = world
                .range(diagnostic.span)
                .filter(|_| diagnostic.span.id() == Some(world.main.id()))
                .map(|range| {
                    let line = template[..range.start.min(template.len())]
                        .matches('\n')
                        .count();
                    format!("line {}: ", line + 1)
                })
                .unwrap_or_default();
            format!("{line}{}", diagnostic.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn render_source(
    kind: Kind,
    template: &str,
    data: &serde_json::Value,
    metadata: &Metadata,
) -> Result<Vec<u8>, PdfError> {
    let mut document = serde_json::Map::new();
    document.insert("meta".into(), meta_json(metadata));
    document.insert("data".into(), data.clone());
    let bytes = serde_json::to_vec(&document).map_err(|e| PdfError::Data(e.to_string()))?;
    let made = metadata.made_at;
    let world = DocumentWorld {
        main: Source::new(project_file("/main.typ"), template.to_owned()),
        data_id: project_file("/data.json"),
        data: Bytes::new(bytes),
        today: Datetime::from_ymd(made.year(), made.month() as u8, made.day() as u8),
    };
    let result = compile_pdf(&world, made);
    // typst memoises every layout; without eviction a server's memory grows with each document
    // (TOOLCHAIN.md: 174 MB after 42 renders, 33 MB with). On the error path too.
    comemo::evict(0);
    result.map_err(|diagnostics| PdfError::Template {
        kind: kind.key(),
        messages: messages(&world, &diagnostics),
    })
}

fn meta_json(metadata: &Metadata) -> serde_json::Value {
    serde_json::json!({
        "title": metadata.title,
        "author": metadata.author,
        "made_at": format!(
            "{:02}/{:02}/{}",
            metadata.made_at.day(),
            metadata.made_at.month(),
            metadata.made_at.year()
        ),
    })
}

fn compile_pdf(
    world: &DocumentWorld,
    made: DateTime<Utc>,
) -> Result<Vec<u8>, Vec<SourceDiagnostic>> {
    let document: PagedDocument = typst::compile(world).output.map_err(|e| e.to_vec())?;
    let standards = PdfStandards::new(&[PdfStandard::A_2b]).map_err(|error| {
        vec![SourceDiagnostic::error(
            typst::syntax::Span::detached(),
            error.message().clone(),
        )]
    })?;
    let timestamp = Datetime::from_ymd_hms(
        made.year(),
        made.month() as u8,
        made.day() as u8,
        made.hour() as u8,
        made.minute() as u8,
        made.second() as u8,
    )
    .map(Timestamp::new_utc);
    let options = PdfOptions {
        timestamp,
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|e| e.to_vec())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn metadata() -> Metadata {
        Metadata {
            title: "Contrat d'apprentissage — Léa MARTIN".into(),
            author: "CFA de démonstration".into(),
            made_at: DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    }

    #[test]
    fn every_built_in_template_renders_its_sample_as_pdf_a_2b_with_embedded_fonts() {
        let templates = Templates::builtin();
        for kind in Kind::ALL {
            let pdf = templates
                .render(kind, &kind.sample_data(), &metadata())
                .unwrap();

            assert!(pdf.starts_with(b"%PDF-"), "{kind:?}");
            assert!(contains(&pdf, "<pdfaid:part>2</pdfaid:part>"), "{kind:?}");
            assert!(
                contains(&pdf, "<pdfaid:conformance>B</pdfaid:conformance>"),
                "{kind:?}"
            );
            assert!(contains(&pdf, "/FontFile2"), "{kind:?}: fonts embedded");
            assert!(contains(&pdf, "CFA de d"), "{kind:?}: the author");
        }
    }

    #[test]
    fn values_print_as_text_never_as_markup() {
        let mut data = Kind::Cerfa.sample_data();
        data["fields"]["employeur.denomination"] = "#panic(\"non\") *gras*".into();

        let rendered = Templates::builtin().render(Kind::Cerfa, &data, &metadata());

        assert!(rendered.is_ok(), "{rendered:?}");
    }

    #[test]
    fn a_broken_override_is_refused_with_typst_s_message_and_its_line() {
        let refused = Templates::builtin()
            .with_override(Kind::Convention, "#let x = 1\n#nope(".into())
            .unwrap_err();

        let PdfError::Template { kind, messages } = refused else {
            panic!("{refused:?}");
        };
        assert_eq!(kind, "convention");
        assert!(messages.contains("line 2"), "{messages}");
    }

    #[test]
    fn a_working_override_replaces_the_built_in_template() {
        let templates = Templates::builtin()
            .with_override(
                Kind::Programme,
                "#let doc = json(\"data.json\")\n#set document(title: doc.meta.title, author: doc.meta.author)\n#set text(font: \"Liberation Sans\")\nProgramme du CFA".into(),
            )
            .unwrap();

        let pdf = templates
            .render(Kind::Programme, &Kind::Programme.sample_data(), &metadata())
            .unwrap();

        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn kinds_are_named_by_their_keys() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(Kind::from_key("facture"), None);
    }
}
