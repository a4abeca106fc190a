//! The Rust recipe's program (recipes/README.md):
//!   qshrecipe                                             the qshcheck line protocol
//!   qshrecipe sign SECRET ISS NOW METHOD TARGET BASE_URL  "JWT <token>" for an app's call
//!   qshrecipe example NOW                                 "JWT <token>" for the seed example
//!   qshrecipe call SECRET ISS METHOD TARGET BASE_URL      signs now and sends the call: prints
//!                                                         the status, then the body

mod call;
mod jwt;
mod qsh;

use jwt::{Expect, ForgeExpect, Kind};
use qsh::{Profile, Request};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

const NAME: &str = "qshcheck-recipe-rust";

/// The seed example: an app calls Jira on a tenant whose base URL has a context path, which
/// the product strips before it hashes the request.
fn example(now: i64) -> Result<String, qsh::QshError> {
    let req = Request {
        method: "GET",
        target: "/jira/rest/api/latest/issue/TEST-2",
        base_url: "https://example.atlassian.net/jira",
        profile: Profile::Server,
        body: None,
        content_type: None,
    };
    jwt::sign(b"example-shared-secret", "com.example.app", None, now, &req)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let signed = match args.as_slice() {
        [] => return serve(),
        ["sign", secret, iss, now, method, target, base_url] => {
            now.parse().map_err(|_| "NOW is not an integer".to_string()).and_then(|now| {
                let req = app_call(method, target, base_url);
                jwt::sign(secret.as_bytes(), iss, None, now, &req).map_err(|e| e.to_string())
            })
        }
        ["example", now] => now
            .parse()
            .map_err(|_| "NOW is not an integer".to_string())
            .and_then(|now| example(now).map_err(|e| e.to_string())),
        ["call", secret, iss, method, target, base_url] => {
            return call(secret, iss, method, target, base_url);
        }
        _ => {
            eprintln!(
                "usage: qshrecipe [sign SECRET ISS NOW METHOD TARGET BASE_URL | example NOW \
                 | call SECRET ISS METHOD TARGET BASE_URL]"
            );
            return ExitCode::from(2);
        }
    };
    match signed {
        Ok(header) => {
            println!("{header}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("qshrecipe: {e}");
            ExitCode::from(1)
        }
    }
}

/// An app-to-product call without a body: what the product hashes in the server profile.
fn app_call<'a>(method: &'a str, target: &'a str, base_url: &'a str) -> Request<'a> {
    Request { method, target, base_url, profile: Profile::Server, body: None, content_type: None }
}

/// Signs an app-to-product call at the current time and sends it to the base URL's origin:
/// exit status 0 when a response came (its status and body printed), 1 on a transport error, 2
/// on bad arguments.
fn call(secret: &str, iss: &str, method: &str, target: &str, base_url: &str) -> ExitCode {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let req = app_call(method, target, base_url);
    // Signing checks the base URL by the rules, so that send() gets an absolute http(s) URL.
    let signed = match base_url {
        "" => Err("a call needs the product's base URL".to_string()),
        _ => jwt::sign(secret.as_bytes(), iss, None, now, &req).map_err(|e| e.to_string()),
    };
    let authorization = match signed {
        Ok(authorization) => authorization,
        Err(e) => {
            eprintln!("qshrecipe: cannot call {target:?} on {base_url:?}: {e}");
            return ExitCode::from(2);
        }
    };
    match call::send(method, target, base_url, Some(&authorization)) {
        Ok(response) => {
            let mut out = io::stdout().lock();
            let printed = write!(out, "{}\n", response.status)
                .and_then(|_| out.write_all(&response.body))
                .and_then(|_| out.flush());
            if printed.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("qshrecipe: {e}");
            ExitCode::from(1)
        }
    }
}

/// One JSON object a line each way, each answer flushed (harness/protocol/PROTOCOL.md).
fn serve() -> ExitCode {
    let stdin = io::stdin();
    let mut out = io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("qshrecipe: reading standard input: {e}");
                return ExitCode::from(1);
            }
        };
        let msg: Value = match serde_json::from_str(&line) {
            Ok(msg) => msg,
            Err(e) => {
                eprintln!("qshrecipe: a line that is not JSON: {e}");
                continue;
            }
        };
        let answer = if msg["type"] == "hello" {
            json!({"type": "hello", "protocol": 1, "name": NAME, "version": env!("CARGO_PKG_VERSION"),
                   "operations": ["canonical", "qsh", "verify"], "profiles": ["server", "product"]})
        } else {
            let mut answer = answer(&msg);
            answer["id"] = msg["id"].clone();
            answer
        };
        if writeln!(out, "{answer}").and_then(|_| out.flush()).is_err() {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}

fn error(status: &str, message: &str) -> Value {
    json!({"error": {"status": status, "message": message}})
}

fn answer(msg: &Value) -> Value {
    let text = |name: &str| msg[name].as_str();
    let profile = match text("profile") {
        Some("server") => Profile::Server,
        Some("product") => Profile::Product,
        _ => return error("QSH_E_PROFILE_INVALID", "profile is server or product"),
    };
    let (method, target) = match (text("method"), text("target")) {
        (Some(method), Some(target)) => (method, target),
        _ => return error("BAD_REQUEST", "method and target are strings"),
    };
    let req = Request {
        method,
        target,
        base_url: text("baseUrl").unwrap_or(""),
        profile,
        body: text("body"),
        content_type: text("contentType"),
    };
    match text("op") {
        Some("canonical") => match (qsh::canonical_request(&req), qsh::qsh(&req)) {
            (Ok(c), Ok(h)) => json!({"result": {"canonicalRequest": c, "qsh": h}}),
            (Err(e), _) | (_, Err(e)) => error(e.status, &e.to_string()),
        },
        Some("qsh") => match qsh::qsh(&req) {
            Ok(h) => json!({"result": {"qsh": h}}),
            Err(e) => error(e.status, &e.to_string()),
        },
        Some("verify") => verify(msg, &req),
        _ => error("BAD_REQUEST", "op is canonical, qsh or verify"),
    }
}

fn verify(msg: &Value, req: &Request) -> Value {
    let (now, leeway) = (msg["now"].as_i64().unwrap_or(0), msg["leeway"].as_i64().unwrap_or(0));
    let kind = match msg["kind"].as_str() {
        Some("module") => Kind::Module,
        Some("webhook") => Kind::Webhook,
        Some("context") => Kind::Context,
        Some("install") => Kind::Install,
        Some("lifecycle") => Kind::Lifecycle,
        Some("app-to-product") => Kind::AppToProduct,
        Some("forge-invocation") => {
            let (jwks, app_id) = match (msg["jwks"].as_str(), msg["appId"].as_str()) {
                (Some(jwks), Some(app_id)) => (jwks, app_id),
                _ => return error("BAD_REQUEST", "a Forge Invocation Token needs jwks and appId"),
            };
            let expect = ForgeExpect { now, leeway, jwks, app_id };
            return match jwt::verify_forge_invocation(msg["authorization"].as_str(), &expect) {
                Ok(_) => json!({"result": {"valid": true}}),
                Err(e) => error(e.status, &e.message),
            };
        }
        _ => return error("BAD_REQUEST", "unknown kind"),
    };
    let strings = |name: &str| -> HashMap<String, String> {
        msg[name]
            .as_object()
            .map(|m| {
                m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect()
            })
            .unwrap_or_default()
    };
    let (secrets, public_keys) = (strings("secrets"), strings("publicKeys"));
    let expect = Expect {
        kind,
        now,
        leeway,
        audience: msg["audience"].as_str(),
        secrets: &secrets,
        public_keys: &public_keys,
        client_key: msg["clientKey"].as_str(),
        subject: msg["subject"].as_str(),
    };
    match jwt::verify(msg["authorization"].as_str(), req, &expect) {
        Ok(_) => json!({"result": {"valid": true}}),
        Err(e) => error(e.status, &e.message),
    }
}
