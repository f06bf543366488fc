//! PDFs made to hurt, at every route that takes a PDF: refused with 422 `invalid_pdf` and a
//! French reason, the server still answering after each (the gate's child, not the server,
//! meets what a reader cannot survive).

use reqwest::Method;
use serde_json::json;

use crate::{
    both,
    documents::{DEMO_DOSSIER, to_saisie_simple},
    helpers::{Backend, TestApp, assert_problem, spawn_app},
    signatures::{ready, scan, send, send_with_paper, signer_id, upload},
};

both!(
    every_hostile_pdf_is_refused_at_a_deposit_and_an_annex_and_the_server_lives_on,
    every_hostile_pdf_is_refused_as_a_paper_scan_and_the_circuit_goes_on,
    a_deposited_cerfa_kept_before_the_gate_stops_the_last_signature_with_what_to_do,
);

/// A PDF of a catalog, a page tree with one page, then `extra` objects numbered from 4; each
/// object's offset in a classic cross-reference table, plus `hidden` entries (number, offset)
/// that point wherever the caller wants.
fn pdf_with(extra: &[Vec<u8>], hidden: &[(u32, usize)]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
    ];
    objects.extend(extra.iter().cloned());
    for (index, body) in objects.iter().enumerate() {
        offsets.push((index as u32 + 1, out.len()));
        out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    offsets.extend_from_slice(hidden);
    // By number, for the table: a search per entry made this 23 s for 120 000 objects.
    let offsets: std::collections::BTreeMap<u32, usize> = offsets.into_iter().collect();
    let size = offsets.keys().next_back().map_or(1, |n| n + 1);
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f\r\n").as_bytes());
    for number in 1..size {
        match offsets.get(&number) {
            Some(offset) => out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes()),
            None => out.extend_from_slice(b"0000000000 00000 f\r\n"),
        }
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

fn brackets(depth: usize) -> Vec<u8> {
    let mut nested = "[".repeat(depth).into_bytes();
    nested.extend("]".repeat(depth).into_bytes());
    nested
}

/// Each hostile PDF with what it is and what its refusal says.
fn hostile() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    // Object 5 lives inside object 4's stream, where a first pass that skips streams does not
    // look: only the real reader, in the gate's child, meets its 200 000 levels.
    let hidden = {
        let mut data = b"5 0 obj\n".to_vec();
        data.extend(brackets(200_000));
        data.extend_from_slice(b"\nendobj\n");
        let mut stream = format!("<< /Length {} >>\nstream\n", data.len()).into_bytes();
        let inside = stream.len();
        stream.extend_from_slice(&data);
        stream.extend_from_slice(b"\nendstream");
        let probe = pdf_with(std::slice::from_ref(&stream), &[]);
        let at = probe
            .windows(inside)
            .position(|w| w == &stream[..inside])
            .unwrap()
            + inside;
        pdf_with(&[stream], &[(5, at)])
    };
    let many = {
        let objects: Vec<Vec<u8>> = (0..120_000).map(|_| b"null".to_vec()).collect();
        pdf_with(&objects, &[])
    };
    let bomb = {
        // 958 bytes that inflate, through two Flate filters, to 512 MB.
        let data = include_bytes!("../fixtures/objstm-bomb.zz");
        let mut stream = format!(
            "<< /Type /ObjStm /N 1 /First 4 /Filter [/FlateDecode /FlateDecode] /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        stream.extend_from_slice(data);
        stream.extend_from_slice(b"\nendstream");
        pdf_with(&[stream], &[])
    };
    let no_page = pdf_with(&[], &[]).replace_pages();
    vec![
        (
            "1 000 nested brackets",
            pdf_with(&[brackets(1000)], &[]),
            "imbriqués sur plus de 64 niveaux",
        ),
        (
            "200 000 brackets hidden in a stream",
            hidden,
            "trop de ressources",
        ),
        ("120 000 objects", many, "trop d'éléments"),
        ("an object stream bomb", bomb, "trop de ressources"),
        (
            "a broken cross-reference table",
            b"%PDF-1.4\nnot really a pdf\n%%EOF".to_vec(),
            "endommagé",
        ),
        ("no page", no_page, "aucune page"),
        (
            "a GIF",
            b"GIF89a\x01\x00\x01\x00".to_vec(),
            "n'est pas un PDF",
        ),
        ("a PDF cut short", scan()[..2000].to_vec(), "incomplet"),
    ]
}

trait WithoutPages {
    fn replace_pages(self) -> Vec<u8>;
}

impl WithoutPages for Vec<u8> {
    /// The same file with an empty page tree (same length: offsets hold).
    fn replace_pages(mut self) -> Vec<u8> {
        let (from, to) = (b"/Kids [3 0 R] /Count 1", b"/Kids [     ] /Count 0");
        let at = self.windows(from.len()).position(|w| w == from).unwrap();
        self[at..at + from.len()].copy_from_slice(to);
        self
    }
}

async fn assert_alive(app: &TestApp, after: &str) {
    let health = app
        .request(Method::GET, "/health")
        .send()
        .await
        .unwrap_or_else(|e| panic!("the server stopped after {after}: {e}"));
    assert_eq!(health.status(), 200, "after {after}");
}

async fn assert_refused(response: reqwest::Response, what: &str, says: &str) {
    let problem = assert_problem(response, 422, "validation_failed").await;
    let error = &problem.errors[0];
    assert_eq!(
        (error.field.as_str(), error.code.as_str()),
        ("file", "invalid_pdf"),
        "{what}"
    );
    assert!(error.message.contains(says), "{what}: {}", error.message);
}

async fn every_hostile_pdf_is_refused_at_a_deposit_and_an_annex_and_the_server_lives_on(
    backend: Backend,
) {
    // Made before the server starts: it runs on this test's thread, which must not be busy
    // while connections wait.
    let fixtures = hostile();
    let app = spawn_app(backend).await;
    let apprentice = app.login_demo("alternant").await;
    to_saisie_simple(&app, &apprentice).await;
    let cfa = app.login_demo("cfa").await;
    let deposit = format!("/api/v1/dossiers/{DEMO_DOSSIER}/documents/cerfa");
    let annex = format!(
        "/api/v1/formations/{}/annexes/calendrier",
        crate::helpers::ENGINEERING_ID
    );
    for (what, bytes, says) in fixtures {
        let response = upload(
            &app,
            &apprentice,
            &deposit,
            bytes.clone(),
            "application/pdf",
        )
        .await;
        assert_refused(response, what, says).await;
        assert_alive(&app, what).await;
        let response = upload(&app, &cfa, &annex, bytes, "application/pdf").await;
        assert_refused(response, what, says).await;
        assert_alive(&app, what).await;
    }
    // Nothing was kept, and a real PDF still goes in.
    assert_problem(
        app.get_as(&apprentice, &deposit).await,
        409,
        "document_unavailable",
    )
    .await;
    let response = upload(&app, &apprentice, &deposit, scan(), "application/pdf").await;
    assert_eq!(response.status(), 201);
}

async fn every_hostile_pdf_is_refused_as_a_paper_scan_and_the_circuit_goes_on(backend: Backend) {
    let fixtures = hostile();
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    let started = send_with_paper(&app, &cfa, &["employeur"]).await;
    let employer_id = signer_id(&started, "employeur");
    let path = format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature/signers/{employer_id}/paper");
    for (what, bytes, says) in fixtures {
        let response = upload(&app, &cfa, &path, bytes, "application/pdf").await;
        assert_refused(response, what, says).await;
        assert_alive(&app, what).await;
    }
    let response = upload(&app, &cfa, &path, scan(), "application/pdf").await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

/// F3: a junk CERFA deposited before the gate existed, already out for signature. The last
/// signature answers what to do instead of a 500 on every retry; a paper scan is not blamed
/// for the CERFA; the CFA interrupts and the dossier can go out again.
async fn a_deposited_cerfa_kept_before_the_gate_stops_the_last_signature_with_what_to_do(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let cfa = ready(&app).await;
    let started = send(&app, &cfa).await;
    // What an earlier version kept: stored as the circuit's CERFA, bypassing the gate.
    let junk = b"%PDF-1.4\nnot really a pdf\n%%EOF".to_vec();
    let sha = server::services::documents::sha256_hex(&junk);
    {
        use db::ConnectionTrait;
        let state = &app.state;
        let txn = db::begin_write(&state.db).await.unwrap();
        db::queries::documents::store_blob(
            &txn,
            &state.seal,
            &sha,
            "application/pdf",
            junk,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        txn.execute_unprepared(&format!(
            "UPDATE signature_circuits SET cerfa_sha256 = '{sha}' WHERE id = '{}'",
            started["id"].as_str().unwrap()
        ))
        .await
        .unwrap();
        txn.commit().await.unwrap();
    }
    // Every signer but the employer on paper at once: the circuit would complete.
    let path = format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature/paper");
    let response = upload(&app, &cfa, &path, scan(), "application/pdf").await;
    let problem = assert_problem(response, 409, "document_unreadable").await;
    assert!(
        problem
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("interrompre"),
        "{problem:?}"
    );
    assert_alive(&app, "the junk CERFA").await;
    // Interrupted, the dossier goes out again with a CERFA the platform makes.
    let interrupted = app
        .post_json(
            Some(&cfa),
            &format!("/api/v1/dossiers/{DEMO_DOSSIER}/signature/cancellation"),
            &json!({"comment": "CERFA illisible"}),
        )
        .await;
    assert!(
        interrupted.status().is_success(),
        "{}",
        interrupted.text().await.unwrap()
    );
    assert_eq!(send(&app, &cfa).await["status"], "in_progress");
}
