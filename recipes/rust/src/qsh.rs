//! The query string hash (qsh) of Atlassian Connect, as docs/RULES.md states it: the canonical
//! request of an HTTP request and its SHA-256. What the rules refuse is an error, never a guess.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// `Server` hashes the path as sent (a product verifying a call), `Product` the decoded path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Server,
    Product,
}

/// A request as sent: `target` is `/path?query` or an absolute URL, `base_url` "" for none.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub base_url: &'a str,
    pub profile: Profile,
    pub body: Option<&'a str>,
    pub content_type: Option<&'a str>,
}

/// Why a request cannot be canonicalized: the reference's status name, which says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QshError {
    pub status: &'static str,
}

impl fmt::Display for QshError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "cannot canonicalize the request: {}", self.status)
    }
}

impl std::error::Error for QshError {}

/// One rule of the input: refused with `status` unless `holds`.
fn ensure(holds: bool, status: &'static str) -> Result<(), QshError> {
    holds.then_some(()).ok_or(QshError { status })
}

/// The qsh claim: lowercase hex SHA-256 of the canonical request.
pub fn qsh(req: &Request) -> Result<String, QshError> {
    Ok(format!("{:x}", Sha256::digest(canonical_request(req)?.as_bytes())))
}

/// `METHOD&URI&QUERY`.
pub fn canonical_request(req: &Request) -> Result<String, QshError> {
    const TCHAR: &[u8] = b"!#$%&'*+-.^_`|~"; // a method is a token (RFC 9110)
    const FORM: &str = "application/x-www-form-urlencoded";
    let (method, target, base_url) = (req.method, req.target, req.base_url);
    // A space, a control or a non-ASCII byte cannot be in a request line or a form body.
    let on_the_wire = |s: &str| s.bytes().all(|b| (0x21..=0x7e).contains(&b));
    ensure(!method.is_empty(), "QSH_E_METHOD_EMPTY")?;
    ensure(method.len() <= 64, "QSH_E_METHOD_TOO_LONG")?; // the limits of docs/RULES.md
    let token = method.bytes().all(|b| b.is_ascii_alphanumeric() || TCHAR.contains(&b));
    ensure(token, "QSH_E_METHOD_INVALID")?;
    ensure(!target.is_empty(), "QSH_E_TARGET_EMPTY")?;
    ensure(target.len() <= 1024 * 1024, "QSH_E_TARGET_TOO_LONG")?;
    ensure(on_the_wire(target), "QSH_E_TARGET_BYTE")?;
    ensure(base_url.len() <= 4096, "QSH_E_BASE_URL_TOO_LONG")?;
    let (base_origin, base_path) = split_url(base_url).unwrap_or((Err("no base URL"), ""));
    // The base URL is "" or an absolute http(s) URL with no query, fragment or bad escape.
    let base_ok = base_origin.is_ok() && on_the_wire(base_url) && !base_path.contains(['?', '#']);
    let base_ok = base_ok && unescape(base_path, false).is_ok();
    ensure(base_url.is_empty() || base_ok, "QSH_E_BASE_URL_INVALID")?;
    // Tomcat reads a form body only for POST as sent, with the form type in these very letters.
    let media = req.content_type.unwrap_or("").split(';').next().unwrap_or("");
    let form = method == "POST" && media.trim_matches(&[' ', '\t'][..]) == FORM;
    let body = if form { req.body.unwrap_or("") } else { "" };
    ensure(body.len() <= 4 * 1024 * 1024, "QSH_E_BODY_TOO_LONG")?;
    ensure(on_the_wire(body), "QSH_E_BODY_BYTE")?;
    let (origin, rest) = match split_url(target) {
        Some((origin, rest)) => (Some(origin.map_err(|status| QshError { status })?), rest),
        None => (None, target),
    };
    // The servers use the path of any origin; it is only relative to the base on its own.
    let same = base_url.is_empty() || origin.map_or(true, |origin| Ok(origin) == base_origin);
    ensure(same, "QSH_E_ORIGIN_MISMATCH")?;
    let rest = rest.split('#').next().unwrap_or(""); // a fragment is never sent
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    // Server hashes the paths as sent, their escapes checked; Product the decoded paths.
    let uri = match req.profile {
        Profile::Server => unescape(path, false).map(|_| canonical_uri(path, base_path))?,
        Profile::Product => canonical_uri(&decode(path, false)?, &decode(base_path, false)?),
    };
    Ok(format!("{}&{uri}&{}", method.to_ascii_uppercase(), canonical_query(query, body)?))
}

/// The origin (`scheme://host:port`, lower-cased, the port explicit: https://H is https://h:443,
/// or what is wrong with it) and the rest of an absolute URL; `None` for no `scheme://`.
fn split_url(s: &str) -> Option<(Result<String, &'static str>, &str)> {
    let (scheme, after) = s.split_once("://").filter(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
    })?;
    let (authority, rest) = after.split_at(after.find(['/', '?', '#']).unwrap_or(after.len()));
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Some((Err("QSH_E_URL_SCHEME"), rest)),
    };
    // An IPv6 literal keeps its brackets; any other host ends at the first ':' and has none.
    let host_end = match authority.strip_prefix('[') {
        Some(inner) => inner.find(']').filter(|&end| end > 0).map_or(0, |end| end + 2),
        None => authority.find(['[', ']', ':']).unwrap_or(authority.len()),
    };
    let (host, port) = authority.split_at(host_end);
    let digits = if port.is_empty() { Some("") } else { port.strip_prefix(':') };
    let port = match digits.filter(|d| d.bytes().all(|b| b.is_ascii_digit())) {
        Some("") => Some(default_port), // an empty port is the default one
        digits => digits.and_then(|d| d.parse().ok()).filter(|&port: &u32| port <= 65535),
    };
    match port {
        Some(port) if !host.is_empty() && !authority.contains('@') => {
            Some((Ok(format!("{scheme}://{}:{port}", host.to_ascii_lowercase())), rest))
        }
        _ => Some((Err("QSH_E_URL_INVALID"), rest)),
    }
}

fn canonical_uri(path: &str, base_path: &str) -> String {
    // The base path comes off on a segment boundary only: /wiki/x -> /x, /wikipedia/x stays.
    let base_path = base_path.trim_end_matches('/');
    let path = match path.strip_prefix(base_path) {
        Some(rest) if !base_path.is_empty() && (rest.is_empty() || rest.starts_with('/')) => rest,
        _ => path,
    };
    // Exactly one trailing slash goes: /p// -> /p/.
    let path = if path.len() > 1 { path.strip_suffix('/').unwrap_or(path) } else { path };
    let slash = if path.starts_with('/') { "" } else { "/" };
    // A raw & in the path must not hash like a query separator.
    format!("{slash}{}", path.replace('&', "%26"))
}

/// Percent-decodes `s` into bytes, and a `+` into a space in form data.
fn unescape(s: &str, plus_is_space: bool) -> Result<Vec<u8>, QshError> {
    let hex = |b: Option<u8>| b.and_then(|b| (b as char).to_digit(16));
    let (mut out, mut bytes) = (Vec::with_capacity(s.len()), s.bytes());
    while let Some(b) = bytes.next() {
        out.push(match b {
            b'%' => match hex(bytes.next()).zip(hex(bytes.next())) {
                Some((hi, lo)) => (hi * 16 + lo) as u8,
                None => return Err(QshError { status: "QSH_E_PERCENT_MALFORMED" }),
            },
            b'+' if plus_is_space => b' ',
            b => b,
        });
    }
    Ok(out)
}

/// Percent-decodes `s` (and `+` as a space in form data) into UTF-8 text.
pub(crate) fn decode(s: &str, plus_is_space: bool) -> Result<String, QshError> {
    // Rust's UTF-8 check rejects overlongs, surrogates and code points above U+10FFFF too.
    String::from_utf8(unescape(s, plus_is_space)?)
        .map_err(|_| QshError { status: "QSH_E_UTF8_INVALID" })
}

/// The query's and the form body's parameters, merged as a servlet's parameter map merges
/// them: groups sorted by encoded name in byte order, each `name=v1,v2`, joined with `&`.
fn canonical_query(query: &str, body: &str) -> Result<String, QshError> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Split on `&` only (`;` is data), each piece at its first `=`.
    for piece in query.split('&').chain(body.split('&')) {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let (name, value) = (decode(name, true)?, decode(value, true)?);
        // An empty name (or piece) is dropped, as Tomcat does; `jwt` exactly is the token.
        if !name.is_empty() && name != "jwt" {
            groups.entry(encode(&name)).or_default().push(value);
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for (name, mut values) in groups {
        // Decoded values in UTF-16 code-unit order, as Java's String.compareTo sorts them
        // (unlike byte order for characters above U+FFFF against U+E000..U+FFFF).
        values.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        let values: Vec<String> = values.iter().map(|v| encode(v)).collect();
        out.push(format!("{name}={}", values.join(",")));
    }
    Ok(out.join("&"))
}

/// Every UTF-8 byte outside `A-Z a-z 0-9 - . _ ~` as `%XX`, upper-case hex (RFC 3986).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            write!(out, "%{b:02X}").expect("a String takes every write");
        }
    }
    out
}
