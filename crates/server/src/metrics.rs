//! Prometheus metrics, written in the text exposition format by hand: a few counters and one
//! histogram do not justify a metrics framework.

use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

/// Upper bounds of the request-duration histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    /// `(method, route pattern, status)` → count.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    durations: Mutex<Histogram>,
    mails_delivered: AtomicU64,
    mails_failed: AtomicU64,
}

impl Metrics {
    /// Records one answered request. `route` is the matched pattern (`/api/v1/formations/{id}`),
    /// never the raw path, so that ids do not multiply the series.
    pub fn request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests
                .entry((method.to_owned(), route.to_owned(), status))
                .or_default() += 1;
        }
        if let Ok(mut histogram) = self.durations.lock() {
            let seconds = elapsed.as_secs_f64();
            for (i, bound) in BUCKETS.iter().enumerate() {
                if seconds <= *bound {
                    histogram.counts[i] += 1;
                }
            }
            histogram.count += 1;
            histogram.sum += seconds;
        }
    }

    /// One mail delivered.
    pub fn mail_delivered(&self) {
        self.mails_delivered.fetch_add(1, Ordering::Relaxed);
    }

    /// One failed delivery attempt.
    pub fn mail_failed(&self) {
        self.mails_failed.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text, with the outbox's current counts per status.
    pub fn render(&self, outbox: &[(String, i64)]) -> String {
        let mut out = String::new();
        out.push_str("# HELP opuntia_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE opuntia_http_requests_total counter\n");
        if let Ok(requests) = self.requests.lock() {
            for ((method, route, status), count) in requests.iter() {
                let _ = writeln!(
                    out,
                    "opuntia_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                    route.replace('\\', "\\\\").replace('"', "\\\"")
                );
            }
        }
        out.push_str("# HELP opuntia_http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE opuntia_http_request_duration_seconds histogram\n");
        if let Ok(histogram) = self.durations.lock() {
            for (bound, count) in BUCKETS.iter().zip(histogram.counts) {
                let _ = writeln!(
                    out,
                    "opuntia_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "opuntia_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                out,
                "opuntia_http_request_duration_seconds_sum {}",
                histogram.sum
            );
            let _ = writeln!(
                out,
                "opuntia_http_request_duration_seconds_count {}",
                histogram.count
            );
        }
        out.push_str(
            "# HELP opuntia_mails_delivered_total Mails delivered by the outbox worker.\n",
        );
        out.push_str("# TYPE opuntia_mails_delivered_total counter\n");
        let _ = writeln!(
            out,
            "opuntia_mails_delivered_total {}",
            self.mails_delivered.load(Ordering::Relaxed)
        );
        out.push_str("# HELP opuntia_mail_failures_total Failed delivery attempts.\n");
        out.push_str("# TYPE opuntia_mail_failures_total counter\n");
        let _ = writeln!(
            out,
            "opuntia_mail_failures_total {}",
            self.mails_failed.load(Ordering::Relaxed)
        );
        out.push_str("# HELP opuntia_outbox_mails Mails in the outbox, per status.\n");
        out.push_str("# TYPE opuntia_outbox_mails gauge\n");
        for (status, count) in outbox {
            let _ = writeln!(out, "opuntia_outbox_mails{{status=\"{status}\"}} {count}");
        }
        out
    }
}
