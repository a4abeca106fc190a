//! Sending an app's signed call to a product with its target byte for byte as signed. The
//! request is written by hand over a `TcpStream` (TLS with OpenSSL for https): the blocking HTTP
//! clients Debian packages for Rust (ureq, oxhttp) take the target apart as a URL with the url
//! crate, which resolves dot segments (`%2e` among them) and re-encodes, and the product hashes
//! the bytes it receives.

use openssl::ssl::{SslConnector, SslMethod};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A product's answer: its status code and body.
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Sends `METHOD TARGET` to the scheme, host and port of `base_url` (the target already holds
/// any context path), with `Authorization: <authorization>` when given (none to fetch a signed
/// install's public key). `Err` when no answer came.
pub fn send(
    method: &str,
    target: &str,
    base_url: &str,
    authorization: Option<&str>,
) -> Result<Response, String> {
    let (tls, rest) = match base_url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => (true, rest),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => (false, rest),
        _ => return Err(format!("{base_url:?} is not an http or https URL")),
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    // host:port, [v6]:port or host; an empty or no port is the scheme's.
    let default = if tls { "443" } else { "80" };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, "")) => (host, default),
        Some((host, port)) if !port.contains(']') => (host, port),
        _ => (authority, default),
    };
    let port: u16 = port.parse().map_err(|_| format!("{authority:?} has no valid port"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    // A body-less POST, PUT or PATCH says so; a GET or DELETE sends no Content-Length at all.
    let length =
        if matches!(method, "POST" | "PUT" | "PATCH") { "Content-Length: 0\r\n" } else { "" };
    let authorization = authorization.map_or(String::new(), |a| format!("Authorization: {a}\r\n"));
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {authority}\r\n{authorization}{length}\
         Connection: close\r\n\r\n"
    );
    let tcp = TcpStream::connect((host, port)).map_err(|e| format!("{host}:{port}: {e}"))?;
    let timeout = Some(Duration::from_secs(30));
    tcp.set_read_timeout(timeout)
        .and_then(|_| tcp.set_write_timeout(timeout))
        .map_err(|e| e.to_string())?;
    let answer = if tls {
        let connector = SslConnector::builder(SslMethod::tls()).map_err(|e| e.to_string())?.build();
        let stream = connector.connect(host, tcp).map_err(|e| format!("TLS with {host}: {e}"))?;
        exchange(stream, request.as_bytes())
    } else {
        exchange(tcp, request.as_bytes())
    };
    parse_response(&answer.map_err(|e| format!("{method} {target} on {authority}: {e}"))?)
}

/// Writes the request and reads the whole answer (the connection is closed after it).
fn exchange(mut stream: impl Read + Write, request: &[u8]) -> std::io::Result<Vec<u8>> {
    stream.write_all(request)?;
    stream.flush()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    Ok(answer)
}

/// The status and the body of an HTTP/1.1 response: chunked, of a Content-Length, or to the end.
fn parse_response(answer: &[u8]) -> Result<Response, String> {
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no complete response")?;
    let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
    let mut body = &answer[end + 4..];
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or("no status line")?;
    let header = |name: &str| {
        head.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(':')).map(str::trim)
    };
    if header("transfer-encoding").map_or(false, |te| te.ends_with("chunked")) {
        let mut decoded = Vec::new();
        loop {
            let line_end = body.windows(2).position(|w| w == b"\r\n").ok_or("a cut chunk")?;
            let size = String::from_utf8_lossy(&body[..line_end]);
            let size = size.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size, 16).map_err(|_| "a bad chunk size")?;
            let chunk = body.get(line_end + 2..line_end + 2 + size).ok_or("a cut chunk")?;
            if size == 0 {
                return Ok(Response { status, body: decoded });
            }
            decoded.extend_from_slice(chunk);
            body = body.get(line_end + 4 + size..).ok_or("a cut chunk")?;
        }
    }
    if let Some(length) = header("content-length").and_then(|n| n.parse::<usize>().ok()) {
        body = body.get(..length).ok_or("a body shorter than its Content-Length")?;
    }
    Ok(Response { status, body: body.to_vec() })
}
