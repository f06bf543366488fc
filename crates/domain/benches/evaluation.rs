//! A full evaluation, as the browser runs it on every keystroke: target under 20 µs for a complete
//! dossier (results in BENCHMARKS.md).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use domain::{EvaluationSettings, MissionMode, evaluate};

fn settings() -> EvaluationSettings {
    let mut settings = EvaluationSettings::new("2025-09-15".parse().unwrap());
    settings.mission = MissionMode::Required;
    settings
}

fn evaluation(c: &mut Criterion) {
    let empty = serde_json::json!({});
    let complete: serde_json::Value =
        serde_json::from_str(include_str!("../tests/fixtures/complete_dossier.json")).unwrap();
    let settings = settings();
    assert!(
        evaluate(&complete, &settings).complete,
        "the fixture must be complete"
    );
    c.bench_function("evaluate empty dossier", |b| {
        b.iter(|| evaluate(black_box(&empty), black_box(&settings)))
    });
    c.bench_function("evaluate complete dossier", |b| {
        b.iter(|| evaluate(black_box(&complete), black_box(&settings)))
    });
}

criterion_group!(benches, evaluation);
criterion_main!(benches);
