//! The query string hash (qsh) of Atlassian Connect: the canonical request of an HTTP request
//! and its SHA-256, as docs/RULES.md states them. Input the rules cannot canonicalize is an
//! error, never a guess.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

pub const MAX_METHOD_LEN: usize = 64;
pub const MAX_TARGET_LEN: usize = 1024 * 1024;
pub const MAX_BASE_URL_LEN: usize = 4096;
pub const MAX_BODY_LEN: usize = 4 * 1024 * 1024;

/// `Server`: what a product computes for a request it receives (the path as sent).
/// `Product`: what a product signs when it calls an app (the percent-decoded path).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Server,
    Product,
}

/// An HTTP request as sent: `target` is the request target (`/path?query` or an absolute URL),
/// `base_url` the tenant's (or the app's) base URL, or "" for none.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub base_url: &'a str,
    pub profile: Profile,
    pub body: Option<&'a str>,
    pub content_type: Option<&'a str>,
}

/// Why a request cannot be canonicalized; `status` is the reference's name for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QshError {
    pub status: &'static str,
    pub message: String,
}

impl fmt::Display for QshError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for QshError {}

fn fail<T>(status: &'static str, message: impl Into<String>) -> Result<T, QshError> {
    Err(QshError { status, message: message.into() })
}

/// One rule of the input: refused with `status` unless `holds`.
fn ensure(holds: bool, status: &'static str, message: &str) -> Result<(), QshError> {
    holds.then_some(()).ok_or_else(|| QshError { status, message: message.into() })
}

/// The qsh claim: lowercase hex SHA-256 of the canonical request.
pub fn qsh(req: &Request) -> Result<String, QshError> {
    Ok(format!("{:x}", Sha256::digest(canonical_request(req)?.as_bytes())))
}

/// `METHOD&URI&QUERY`.
pub fn canonical_request(req: &Request) -> Result<String, QshError> {
    let method = canonical_method(req.method)?;
    ensure(!req.target.is_empty(), "QSH_E_TARGET_EMPTY", "the request target is empty")?;
    let short = req.target.len() <= MAX_TARGET_LEN;
    ensure(short, "QSH_E_TARGET_TOO_LONG", "the request target is over 1 MiB")?;
    on_the_wire(req.target, "QSH_E_TARGET_BYTE", "the request target")?;
    let (base_origin, base_path) = match req.base_url {
        "" => (None, ""),
        url => parse_base_url(url).map(|(origin, path)| (Some(origin), path))?,
    };
    let body = form_body(req)?;

    let mut rest = req.target;
    if let Some((scheme, authority, after)) = split_absolute(rest) {
        let origin = parse_origin(scheme, authority)
            .or_else(|status| fail(status, format!("bad absolute target {rest:?}")))?;
        // The servers use the path of any origin; it is only relative to the base on its own.
        let same = base_origin.as_ref().map_or(true, |b| *b == origin);
        ensure(same, "QSH_E_ORIGIN_MISMATCH", "the absolute target is on another origin")?;
        rest = after;
    }
    let rest = rest.split('#').next().unwrap_or("");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));

    let uri = canonical_uri(path, base_path, req.profile)?;
    // The body's parameters merge with the query's, as a servlet's parameter map merges them.
    let params = parse_params(query)?.into_iter().chain(parse_params(body)?);
    Ok(format!("{}&{}&{}", method, uri, canonical_query(params)))
}

/// Upper-cased by ASCII rules only: a locale's rules would turn `i` into `İ`.
fn canonical_method(method: &str) -> Result<String, QshError> {
    const TCHAR: &[u8] = b"!#$%&'*+-.^_`|~";
    ensure(!method.is_empty(), "QSH_E_METHOD_EMPTY", "the method is empty")?;
    ensure(method.len() <= MAX_METHOD_LEN, "QSH_E_METHOD_TOO_LONG", "the method is over 64 bytes")?;
    let token = method.bytes().all(|b| b.is_ascii_alphanumeric() || TCHAR.contains(&b));
    ensure(token, "QSH_E_METHOD_INVALID", "the method is not a token (RFC 9110)")?;
    Ok(method.to_ascii_uppercase())
}

/// A space, a control or a non-ASCII byte cannot be sent in a request line or form body.
fn on_the_wire(s: &str, status: &'static str, what: &str) -> Result<(), QshError> {
    match s.bytes().position(|b| !(0x21..=0x7e).contains(&b)) {
        None => Ok(()),
        Some(i) => fail(status, format!("{what} has byte {:#04x} at {i}", s.as_bytes()[i])),
    }
}

/// The body's parameters count exactly as Tomcat reads them: the method as sent is `POST` and
/// the media type (before any `;`, blanks trimmed) is the form type in these very letters.
/// No form body is "": no parameters.
fn form_body<'a>(req: &Request<'a>) -> Result<&'a str, QshError> {
    let media = req.content_type.unwrap_or("").split(';').next().unwrap_or("");
    let form = media.trim_matches(&[' ', '\t'][..]) == "application/x-www-form-urlencoded";
    if req.method != "POST" || !form {
        return Ok("");
    }
    let body = req.body.unwrap_or("");
    ensure(body.len() <= MAX_BODY_LEN, "QSH_E_BODY_TOO_LONG", "the body is over 4 MiB")?;
    on_the_wire(body, "QSH_E_BODY_BYTE", "the form body")?;
    Ok(body)
}

/// `scheme://authority` and the rest, when `s` is an absolute URL.
fn split_absolute(s: &str) -> Option<(&str, &str, &str)> {
    let (scheme, after) = s.split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b));
    valid.then(|| (scheme, &after[..end], &after[end..]))
}

/// `scheme://host:port`, lower-cased with the port explicit, so that https://h and
/// https://H:443 are one origin: http(s) only, a host, no userinfo, a port up to 65535.
fn parse_origin(scheme: &str, authority: &str) -> Result<String, &'static str> {
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err("QSH_E_URL_SCHEME"),
    };
    const INVALID: &str = "QSH_E_URL_INVALID";
    // An IPv6 literal keeps its brackets; any other host ends at the first ':'.
    let host_end = match authority.strip_prefix('[') {
        Some(inner) => inner.find(']').filter(|&end| end > 0).ok_or(INVALID)? + 2,
        None => authority.find(':').unwrap_or(authority.len()),
    };
    let (host, port) = authority.split_at(host_end);
    let bracket_elsewhere = !host.starts_with('[') && host.contains(['[', ']']);
    if host.is_empty() || authority.contains('@') || bracket_elsewhere {
        return Err(INVALID);
    }
    let port = match port.strip_prefix(':') {
        None if !port.is_empty() => return Err(INVALID),
        None | Some("") => default_port, // an empty port is the default one
        Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse::<u32>().ok().filter(|&p| p <= 65535).ok_or(INVALID)?
        }
        Some(_) => return Err(INVALID),
    };
    Ok(format!("{scheme}://{}:{port}", host.to_ascii_lowercase()))
}

/// An absolute http(s) URL with no query, fragment or bad escape; its origin and path.
fn parse_base_url(url: &str) -> Result<(String, &str), QshError> {
    let short = url.len() <= MAX_BASE_URL_LEN;
    ensure(short, "QSH_E_BASE_URL_TOO_LONG", "the base URL is over 4096 bytes")?;
    let bad =
        || QshError { status: "QSH_E_BASE_URL_INVALID", message: format!("bad base URL {url:?}") };
    on_the_wire(url, "QSH_E_BASE_URL_INVALID", "the base URL")?;
    let (scheme, authority, path) = split_absolute(url).ok_or_else(bad)?;
    if path.contains(['?', '#']) || decode(path, false).is_err() {
        return Err(bad());
    }
    Ok((parse_origin(scheme, authority).map_err(|_| bad())?, path))
}

fn canonical_uri(path: &str, base_path: &str, profile: Profile) -> Result<String, QshError> {
    // Server: the path as sent, its escapes checked only. Product: the path and base path
    // decoded (parse_base_url has checked the base's escapes).
    let (mut path, base_path) = match profile {
        Profile::Server => (decode(path, false).map(|_| path.to_string())?, base_path.to_string()),
        Profile::Product => (decode(path, false)?, decode(base_path, false)?),
    };
    // The base path comes off on a segment boundary only: /wiki/x -> /x, /wikipedia/x stays.
    let base_path = base_path.trim_end_matches('/');
    match path.strip_prefix(base_path) {
        Some(rest) if !base_path.is_empty() && (rest.is_empty() || rest.starts_with('/')) => {
            path = rest.to_string()
        }
        _ => {}
    }
    if path.len() > 1 && path.ends_with('/') {
        path.pop(); // exactly one trailing slash: /p// -> /p/
    }
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    // A raw & in the path must not hash like a query separator.
    Ok(path.replace('&', "%26"))
}

/// Percent-decodes `s` (and `+` as a space in form data) into UTF-8 text.
pub(crate) fn decode(s: &str, plus_is_space: bool) -> Result<String, QshError> {
    let hex = |b: Option<u8>| b.and_then(|b| (b as char).to_digit(16));
    let (mut out, mut bytes) = (Vec::with_capacity(s.len()), s.bytes());
    while let Some(b) = bytes.next() {
        out.push(match (b, plus_is_space) {
            (b'%', _) => match (hex(bytes.next()), hex(bytes.next())) {
                (Some(hi), Some(lo)) => (hi * 16 + lo) as u8,
                _ => return fail("QSH_E_PERCENT_MALFORMED", "a '%' without two hex digits"),
            },
            (b'+', true) => b' ',
            (b, _) => b,
        });
    }
    // Rust's UTF-8 check rejects overlongs, surrogates and code points above U+10FFFF too.
    String::from_utf8(out)
        .or_else(|e| fail("QSH_E_UTF8_INVALID", format!("{s:?} decodes to bytes not UTF-8 ({e})")))
}

/// Splits on `&` only (`;` is data), each piece at its first `=`. An empty name is dropped, as
/// Tomcat does; `jwt` exactly (`JWT` stays) is the token.
fn parse_params(data: &str) -> Result<Vec<(String, String)>, QshError> {
    let mut params = Vec::new();
    for piece in data.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let (name, value) = (decode(name, true)?, decode(value, true)?);
        if !name.is_empty() && name != "jwt" {
            params.push((name, value));
        }
    }
    Ok(params)
}

/// Groups sorted by encoded name in byte order, each `name=v1,v2`, joined with `&`.
fn canonical_query(params: impl Iterator<Item = (String, String)>) -> String {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in params {
        groups.entry(encode(&name)).or_default().push(value);
    }
    let mut out = Vec::with_capacity(groups.len());
    for (name, mut values) in groups {
        // Decoded values in UTF-16 code-unit order, as Java's String.compareTo sorts them
        // (unlike byte order for characters above U+FFFF against U+E000..U+FFFF).
        values.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        let values: Vec<String> = values.iter().map(|v| encode(v)).collect();
        out.push(format!("{}={}", name, values.join(",")));
    }
    out.join("&")
}

/// Every UTF-8 byte outside `A-Z a-z 0-9 - . _ ~` as `%XX`, upper-case hex (RFC 3986).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}"); // writing to a String cannot fail
        }
    }
    out
}
