//! A tiny Connect app on tiny_http (Debian's librust-tiny-http-dev) that verifies the product's
//! tokens with the Rust recipe (recipes/rust/src/jwt.rs): the recipe's verifier behind the
//! probe (tests/test_probe_recipes.py).
//!
//!     qshrecipeapp --secret S --client-key K [--keys URL]
//!
//! Listens on 127.0.0.1 on an ephemeral port and prints the port on stdout. The routes are those
//! of connect_app.py: /module, /webhook, /context, /installed, /uninstalled, /enabled, /disabled.
//! tiny_http hands over the request target as the request line has it, which is what the
//! product signed. With --keys, /installed and /uninstalled take signed installs, their key
//! fetched from URL/KID. SIGTERM ends the process (its default action): there is nothing to save.

// The recipe's modules, whole, of which the app uses a part.
#[allow(dead_code)]
mod call;
#[allow(dead_code)]
mod jwt;
#[allow(dead_code)]
mod qsh;

use jwt::{Expect, Kind};
use qsh::{Profile, Request};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};
use tiny_http::{Header, Response, Server};

const MAX_BODY: u64 = 65536;

struct App {
    secrets: HashMap<String, String>,
    keys: Option<String>,
    base_url: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = HashMap::new();
    for pair in args.chunks(2) {
        match pair {
            [name, value] if name.starts_with("--") => options.insert(&name[2..], value.clone()),
            _ => None,
        };
    }
    let (secret, client_key) = match (options.get("secret"), options.get("client-key")) {
        (Some(secret), Some(client_key)) if args.len() == options.len() * 2 => (secret, client_key),
        _ => {
            eprintln!("usage: qshrecipeapp --secret S --client-key K [--keys URL]");
            return ExitCode::from(2);
        }
    };
    let server = match Server::http("127.0.0.1:0") {
        Ok(server) => server,
        Err(e) => {
            eprintln!("qshrecipeapp: {e}");
            return ExitCode::from(1);
        }
    };
    let port = server.server_addr().to_ip().map_or(0, |addr| addr.port());
    let app = App {
        secrets: HashMap::from([(client_key.clone(), secret.clone())]),
        keys: options.get("keys").cloned(),
        base_url: format!("http://127.0.0.1:{port}"),
    };
    println!("{port}");
    if std::io::stdout().flush().is_err() {
        return ExitCode::from(1);
    }
    for mut request in server.incoming_requests() {
        let (status, text) = answer(&mut request, &app);
        let content_type =
            Header::from_bytes("Content-Type", "text/plain").expect("a valid header");
        let response = Response::from_string(text).with_status_code(status);
        let _ = request.respond(response.with_header(content_type)); // a client gone is no matter
    }
    ExitCode::SUCCESS
}

/// The status and text of the answer: 200 when the recipe verifies the token, else 401 (404 for
/// no route, 413 for a body over 64 KiB).
fn answer(request: &mut tiny_http::Request, app: &App) -> (u16, String) {
    let target = request.url().to_string();
    let path = target.split('?').next().unwrap_or("");
    let kind = match path {
        "/module" => Kind::Module,
        "/webhook" => Kind::Webhook,
        "/context" => Kind::Context,
        "/installed" | "/uninstalled" | "/enabled" | "/disabled" => Kind::Lifecycle,
        _ => return (404, "no such route".into()),
    };
    let mut body = Vec::new();
    if request.as_reader().take(MAX_BODY + 1).read_to_end(&mut body).is_err() {
        return (400, "the body cannot be read".into());
    }
    if body.len() as u64 > MAX_BODY {
        return (413, "body too large".into());
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    let header = |name: &'static str| {
        request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
    };
    let (authorization, content_type) = (header("Authorization"), header("Content-Type"));
    // A lifecycle token's iss must be the body's clientKey ("" when it names none).
    let client_key = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|doc| doc.get("clientKey").and_then(Value::as_str).map(str::to_string));
    let client_key = (kind == Kind::Lifecycle).then(|| client_key.unwrap_or_default());
    let install = app.keys.is_some() && (path == "/installed" || path == "/uninstalled");
    let public_keys = match &app.keys {
        Some(keys) if install => public_key(keys, authorization),
        _ => HashMap::new(),
    };
    let req = Request {
        method: request.method().as_str(),
        target: &target,
        base_url: &app.base_url,
        profile: Profile::Product,
        body: (!body.is_empty()).then(|| body.as_str()),
        content_type,
    };
    let expect = Expect {
        kind: if install { Kind::Install } else { kind },
        now: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
        leeway: 0,
        audience: install.then(|| app.base_url.as_str()),
        secrets: &app.secrets,
        public_keys: &public_keys,
        client_key: client_key.as_deref(),
        subject: None,
    };
    match jwt::verify(authorization, &req, &expect) {
        Ok(_) => (200, "ok".into()),
        Err(e) => (401, format!("invalid token: {e}")),
    }
}

/// {kid: PEM} of the key the token's kid names on the key service (the kid read unverified,
/// only to know which key to fetch), or {} when there is none.
fn public_key(keys: &str, authorization: Option<&str>) -> HashMap<String, String> {
    let header =
        authorization.and_then(|a| a.strip_prefix("JWT ")).and_then(|t| t.split('.').next());
    let header = header.and_then(|h| base64::decode_config(h, base64::URL_SAFE_NO_PAD).ok());
    let kid = header
        .and_then(|h| serde_json::from_slice::<Value>(&h).ok())
        .and_then(|h| h.get("kid").and_then(Value::as_str).map(str::to_string));
    // Only a kid of the verifier's syntax goes into a URL (jwt.rs refuses the others anyway).
    let syntax = |kid: &str| {
        (1..=128).contains(&kid.len())
            && kid.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            && !kid.contains("..")
    };
    let kid = match kid {
        Some(kid) if syntax(&kid) => kid,
        _ => return HashMap::new(),
    };
    // The key service's path, if its URL has one, and then the kid.
    let path = keys.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]));
    let target = format!("{}/{kid}", path.unwrap_or("").trim_end_matches('/'));
    match call::send("GET", &target, keys, None) {
        Ok(response) if response.status == 200 => {
            HashMap::from([(kid, String::from_utf8_lossy(&response.body).into_owned())])
        }
        _ => HashMap::new(),
    }
}
