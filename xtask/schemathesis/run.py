#!/usr/bin/env python3
"""The API gate of `cargo xtask test`: schemathesis against the real server.

For each backend (a SQLite file; a PostgreSQL database made for the run and dropped after),
starts `opuntia` in development mode with its demo data, signs in the four demo accounts, then
runs schemathesis over the committed `openapi/openapi.json` as each of them and anonymously:
every check, a fixed seed, a bounded number of examples per operation. The run fails on any
5xx, any answer outside the documented statuses, content types or schemas, and any error that
is not problem+json. Writes what it saw to `<out>/summary.json` (docs/security.md quotes it).

usage: run.py <opuntia binary> <openapi.json> <out dir> [postgres admin url]
"""

import concurrent.futures
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

SEED = 20261201
MAX_EXAMPLES = int(os.environ.get("OPUNTIA_FUZZ_EXAMPLES", "5"))
ROLES = ["alternant", "employeur", "formation", "cfa"]
PASSWORD = "opuntia-demo"
# Every check schemathesis has, but those that assume what this API does not promise:
# - positive_data_acceptance: valid-looking bodies are refused for reasons the schema cannot say
#   (a SIRET's key, a date before another, a dossier that is not the caller's);
# - use_after_free, ensure_resource_availability: need OpenAPI links, which the document has not.
EXCLUDED_CHECKS = "positive_data_acceptance,use_after_free,ensure_resource_availability"
CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def wait_for(url, process, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at start-up (exit {process.returncode})")
        try:
            request(url)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url} within {seconds} s")


def run_backend(name, binary, spec, out, database_url):
    data_dir = tempfile.mkdtemp(prefix=f"opuntia-fuzz-{name}-")
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "OPUNTIA__MODE": "development",
            "OPUNTIA__DATA_DIR": data_dir,
            "OPUNTIA__SERVER__PORT": str(port),
            "OPUNTIA__SERVER__HOST": "127.0.0.1",
            "OPUNTIA__DATABASE__URL": database_url or "",
            "RUST_LOG": "warn",
        }
    )
    log = open(os.path.join(out, f"server-{name}.log"), "w")
    server = subprocess.Popen([binary], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        wait_for(f"{base}/health", server)
        tokens = {"anonymous": None}
        for role in ROLES:
            answer = request(
                f"{base}/api/v1/auth/login",
                {"email": f"{role}@demo.opuntia.test", "password": PASSWORD},
            )
            tokens[role] = answer["access_token"]
        for caller, token in tokens.items():
            report = os.path.join(out, f"{name}-{caller}.ndjson")
            command = [
                "schemathesis", "--config-file", CONFIG, "run", spec,
                "--url", base,
                "--checks", "all",
                "--exclude-checks", EXCLUDED_CHECKS,
                "--seed", str(SEED),
                "--max-examples", str(MAX_EXAMPLES),
                "--workers", "1",
                "--phases", "examples,coverage,fuzzing",
                "--suppress-health-check", "all",
                "--request-timeout", "30",
                "--no-color",
                "--report", "ndjson",
                "--report-ndjson-path", report,
            ]
            if token:
                command += ["--header", f"Authorization: Bearer {token}"]
            started = time.time()
            # Run from the output directory: schemathesis keeps a cache where it runs.
            hooks = dict(os.environ, SCHEMATHESIS_HOOKS="hooks",
                         PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
            done = subprocess.run(command, capture_output=True, text=True, cwd=out, env=hooks)
            text = done.stdout + done.stderr
            with open(os.path.join(out, f"{name}-{caller}.txt"), "w") as f:
                f.write(text)
            results[caller] = summarise(report, text, done.returncode, time.time() - started)
            status = "ok" if done.returncode == 0 else "FAILED"
            print(
                f"  {name:<10} {caller:<10} {results[caller]['requests']:>5} requests, "
                f"{results[caller]['server_errors']} × 5xx, {results[caller]['seconds']:.0f} s: {status}",
                flush=True,
            )
            if done.returncode != 0:
                print(text[-6000:], flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    return results


def summarise(report, text, code, seconds):
    """Requests and status codes from the ndjson event stream."""
    statuses = {}
    requests = 0
    if os.path.exists(report):
        with open(report) as f:
            for line in f:
                for status in re.findall(r'"status_code":\s*(\d{3})', line):
                    requests += 1
                    statuses[status] = statuses.get(status, 0) + 1
    return {
        "passed": code == 0,
        "requests": requests,
        "server_errors": sum(n for s, n in statuses.items() if s.startswith("5")),
        "statuses": dict(sorted(statuses.items())),
        "seconds": round(seconds, 1),
        "summary": text.strip().splitlines()[-12:],
    }


def run_postgresql(pg_admin, binary, spec, out):
    """The run on a PostgreSQL database made for it and dropped after."""
    name = f"opuntia_fuzz_{uuid.uuid4().hex[:12]}"
    psql(f"{pg_admin}/postgres", f'CREATE DATABASE "{name}"')
    try:
        return run_backend("postgresql", binary, spec, out, f"{pg_admin}/{name}")
    finally:
        psql(f"{pg_admin}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def psql(admin_url, sql):
    subprocess.run(["psql", admin_url, "-q", "-c", sql], check=True, capture_output=True)


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    binary, spec, out = (os.path.abspath(arg) for arg in sys.argv[1:4])
    pg_admin = sys.argv[4] if len(sys.argv) > 4 else None
    os.makedirs(out, exist_ok=True)
    summary = {"seed": SEED, "max_examples": MAX_EXAMPLES, "excluded_checks": EXCLUDED_CHECKS}
    # The two backends at once, each with its own server: one schemathesis process and one
    # server leave the second core mostly idle.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        sqlite = pool.submit(run_backend, "sqlite", binary, spec, out, None)
        postgresql = pool.submit(run_postgresql, pg_admin, binary, spec, out) if pg_admin else None
        summary["sqlite"] = sqlite.result()
        if postgresql:
            summary["postgresql"] = postgresql.result()
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2, ensure_ascii=False)
    failed = [
        f"{backend}/{caller}"
        for backend, callers in summary.items()
        if isinstance(callers, dict)
        for caller, result in callers.items()
        if isinstance(result, dict) and not result.get("passed", True)
    ]
    if failed:
        raise SystemExit(f"schemathesis found problems as: {', '.join(failed)} (details in {out})")


if __name__ == "__main__":
    main()
