//! Renders one template to a PDF, for whoever writes or overrides a template:
//! `cargo run -p opuntia-pdf --example render -- <kind> [data.json] [template.typ] > out.pdf`.
//! Without data, the kind's sample data; without a template, the built-in one.

use std::io::Write;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kind = args
        .first()
        .and_then(|key| pdf::Kind::from_key(key))
        .ok_or(
            "usage: render <cerfa|convention|calendrier|programme|preuve> [data.json] [template.typ]",
        )?;
    let data = match args.get(1) {
        Some(path) => {
            serde_json::from_str(&std::fs::read_to_string(path).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?
        }
        None => kind.sample_data(),
    };
    let mut templates = pdf::Templates::builtin();
    if let Some(path) = args.get(2) {
        let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        templates = templates
            .with_override(kind, source)
            .map_err(|e| e.to_string())?;
    }
    let metadata = pdf::Metadata {
        title: format!("Essai — {}", kind.key()),
        author: "Opuntia".into(),
        made_at: chrono::DateTime::from_timestamp(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
            0,
        )
        .unwrap_or_default(),
    };
    let bytes = templates
        .render(kind, &data, &metadata)
        .map_err(|e| e.to_string())?;
    std::io::stdout()
        .write_all(&bytes)
        .map_err(|e| e.to_string())
}
