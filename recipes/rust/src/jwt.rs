//! Connect JWTs: signing an app's call to a product (HS256) and verifying the tokens a product
//! sends to the app, in the order of docs/RULES.md "Connect JWTs", so that the first failure is
//! always the same one.

use crate::qsh::{self, Request};
use hmac::{Hmac, Mac};
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey};
use openssl::sign::Verifier;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{json, Map, Value};
use sha2::Sha256;
use std::collections::HashMap;
use std::fmt;

pub const MAX_TOKEN_LEN: usize = 8192;
pub const MAX_JSON_DEPTH: usize = 16;
/// An app-to-product token lives three minutes, as Atlassian's own libraries sign them.
pub const LIFETIME: i64 = 180;

/// The endpoint a token arrives at, which decides what it may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Module,
    Webhook,
    Context,
    Install,
    AppToProduct,
}

/// What the verifier expects: the clock, the keys, and `aud` where the endpoint requires one.
pub struct Expect<'a> {
    pub kind: Kind,
    pub now: i64,
    pub leeway: i64,
    pub audience: Option<&'a str>,
    /// The tenants' shared secrets by `iss` (their clientKey; the app key for app-to-product).
    pub secrets: &'a HashMap<String, String>,
    /// Install: Atlassian's RS256 public keys (PEM) by `kid`, and the clientKey of the body.
    pub public_keys: &'a HashMap<String, String>,
    pub client_key: Option<&'a str>,
}

/// Why a token is refused; `status` is the strict verifier's reason code.
#[derive(Debug, PartialEq, Eq)]
pub struct Reject {
    pub status: &'static str,
    pub message: String,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for Reject {}

fn reject<T>(status: &'static str, message: impl Into<String>) -> Result<T, Reject> {
    Err(Reject { status, message: message.into() })
}

fn b64(data: &[u8]) -> String {
    base64::encode_config(data, base64::URL_SAFE_NO_PAD)
}

/// The `Authorization` header's value for an app-to-product call: `JWT <token>` with `iss` the
/// app key, `iat`, `exp` and the request's `qsh` (profile `server`, what the product computes).
/// Bitbucket wants `sub` too: the clientKey of the installation.
pub fn sign(
    secret: &[u8],
    iss: &str,
    sub: Option<&str>,
    now: i64,
    req: &Request,
) -> Result<String, qsh::QshError> {
    let mut claims = json!({"iss": iss, "iat": now, "exp": now + LIFETIME, "qsh": qsh::qsh(req)?});
    if let Some(sub) = sub {
        claims["sub"] = json!(sub);
    }
    let input = format!(
        "{}.{}",
        b64(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any size");
    mac.update(input.as_bytes());
    Ok(format!("JWT {}.{}", input, b64(&mac.finalize().into_bytes())))
}

/// Verifies the token of a product-to-app request (the header's value, or the `jwt` query
/// parameter) and returns its claims. Signed installs are RS256, with OpenSSL's verifier.
pub fn verify(
    authorization: Option<&str>,
    req: &Request,
    expect: &Expect,
) -> Result<Map<String, Value>, Reject> {
    let token = carried_token(authorization, req.target)?;
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return reject("SEGMENTS", "a compact JWT has three segments");
    }
    let (header, claims, signature) =
        (unbase64(parts[0])?, unbase64(parts[1])?, unbase64(parts[2])?);
    let (header, claims) = (json_object(&header)?, json_object(&claims)?);

    let install = expect.kind == Kind::Install;
    let alg = if install { "RS256" } else { "HS256" };
    if header.get("alg") != Some(&json!(alg)) {
        return reject("ALG_NOT_ALLOWED", format!("only {alg} is taken here"));
    }
    if header.contains_key("crit") {
        return reject("CRIT_UNSUPPORTED", "no crit extension is understood");
    }
    // jku, jwk, x5u and x5c are never read; a kid is checked before anything looks it up,
    // and ".." never reaches a key store as a path.
    let kid = header.get("kid");
    if install || kid.is_some() {
        let ok = kid.and_then(Value::as_str).map_or(false, |k| {
            (1..=128).contains(&k.len())
                && k.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
                && !k.contains("..")
        });
        if !ok {
            return reject("KID_INVALID", "kid is not 1 to 128 of A-Z a-z 0-9 . _ -");
        }
    }

    let signed = &token.as_bytes()[..parts[0].len() + 1 + parts[1].len()];
    if install {
        let kid = kid.and_then(Value::as_str).unwrap_or("");
        check_rs256(signed, &signature, expect.public_keys.get(kid))?;
    } else {
        check_hs256(signed, &signature, &claims, expect.secrets)?;
    }

    check_times(&claims, expect)?;
    // A signed install must name the app (its baseUrl) in aud; elsewhere aud is checked when
    // the endpoint expects one.
    if install || expect.audience.is_some() {
        let audience = expect.audience.unwrap_or("");
        let aud =
            claims.get("aud").ok_or(Reject { status: "AUD_MISSING", message: "no aud".into() })?;
        let matches = match aud {
            Value::String(s) => s == audience,
            Value::Array(list) => list.iter().any(|a| a.as_str() == Some(audience)),
            _ => false,
        };
        if !matches {
            return reject("AUD_MISMATCH", format!("aud is not {audience:?}"));
        }
    }
    // The key is Atlassian's, so it says nothing of the tenant: iss must be the body's.
    if install && claims.get("iss").and_then(Value::as_str) != expect.client_key {
        return reject("ISS_MISMATCH", "iss is not the clientKey of the body");
    }
    check_qsh(&claims, req, expect.kind)?;
    Ok(claims)
}

/// HS256 with the shared secret of the tenant that `iss` names.
fn check_hs256(
    signed: &[u8],
    signature: &[u8],
    claims: &Map<String, Value>,
    secrets: &HashMap<String, String>,
) -> Result<(), Reject> {
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or(Reject { status: "ISS_MISSING", message: "iss must be a string".into() })?;
    let secret = secrets
        .get(iss)
        .ok_or(Reject { status: "ISS_UNKNOWN", message: format!("no tenant {iss:?}") })?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any size");
    mac.update(signed);
    if mac.verify_slice(signature).is_err() {
        // verify_slice compares in constant time
        return reject("SIG_INVALID", "the HS256 signature does not match");
    }
    Ok(())
}

/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) with the PEM public key the header's kid names.
fn check_rs256(signed: &[u8], signature: &[u8], pem: Option<&String>) -> Result<(), Reject> {
    let pem = match pem {
        Some(pem) => pem,
        None => return reject("KEY_UNKNOWN", "no public key has this kid"),
    };
    let key = match PKey::public_key_from_pem(pem.as_bytes()) {
        Ok(key) if key.id() == Id::RSA => key,
        _ => return reject("KEY_INVALID", "the key is not a PEM RSA public key"),
    };
    // Exactly the key's size: no leading zero dropped or added, nothing appended.
    let valid = signature.len() == key.size()
        && Verifier::new(MessageDigest::sha256(), &key)
            .and_then(|mut verifier| {
                verifier.update(signed)?;
                verifier.verify(signature)
            })
            .unwrap_or(false);
    if !valid {
        return reject("SIG_INVALID", "the RS256 signature does not match");
    }
    Ok(())
}

/// One carrier: `Authorization: JWT <token>` (case-sensitive, one space) or one `jwt` parameter.
fn carried_token(authorization: Option<&str>, target: &str) -> Result<String, Reject> {
    let query = target.split('#').next().unwrap_or("").split_once('?').map_or("", |(_, q)| q);
    let mut params = Vec::new();
    for piece in query.split('&') {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        if qsh::decode(name, true).map_or(false, |n| n == "jwt") {
            params.push(
                qsh::decode(value, true)
                    .map_err(|e| Reject { status: "B64_INVALID", message: e.to_string() })?,
            );
        }
    }
    let token = match (authorization, params.len()) {
        (Some(_), n) if n > 0 => {
            return reject("CARRIAGE_AMBIGUOUS", "a token in both header and query")
        }
        (Some(header), _) => match header.strip_prefix("JWT ") {
            Some(t) if !t.is_empty() && !t.contains(' ') => t.to_string(),
            _ => return reject("CARRIAGE_SCHEME", "the header is not \"JWT <token>\""),
        },
        (None, 0) => return reject("CARRIAGE_MISSING", "no token"),
        (None, 1) => params.remove(0),
        (None, _) => return reject("CARRIAGE_AMBIGUOUS", "the jwt parameter more than once"),
    };
    if token.len() > MAX_TOKEN_LEN {
        return reject("TOKEN_TOO_LARGE", "the token is over 8 KiB");
    }
    Ok(token)
}

/// base64url without padding, nothing else, no unused bits set (base64 0.13 refuses those).
fn unbase64(segment: &str) -> Result<Vec<u8>, Reject> {
    if !segment.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return reject("B64_INVALID", "a segment holds a character outside base64url");
    }
    base64::decode_config(segment, base64::URL_SAFE_NO_PAD)
        .map_err(|e| Reject { status: "B64_INVALID", message: e.to_string() })
}

fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, Reject> {
    let invalid = |e: serde_json::Error| Reject { status: "JSON_INVALID", message: e.to_string() };
    let Strict(value) = serde_json::from_slice(bytes).map_err(invalid)?;
    if depth(&value) > MAX_JSON_DEPTH {
        return reject("JSON_TOO_DEEP", "more than 16 levels of nesting");
    }
    match value {
        Value::Object(map) => Ok(map),
        _ => reject("JSON_NOT_OBJECT", "the header and the claims must be JSON objects"),
    }
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// A NumericDate here is a non-negative JSON integer that fits in an i64: not `1.0`, not `1e9`.
fn numeric_date(
    claims: &Map<String, Value>,
    name: &str,
    type_status: &'static str,
) -> Result<Option<i64>, Reject> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => match v.as_i64() {
            Some(t) if t >= 0 => Ok(Some(t)),
            _ => reject(type_status, format!("{name} is not an integer NumericDate")),
        },
    }
}

fn check_times(claims: &Map<String, Value>, expect: &Expect) -> Result<(), Reject> {
    let exp = numeric_date(claims, "exp", "EXP_TYPE")?
        .ok_or(Reject { status: "EXP_MISSING", message: "no exp".into() })?;
    let iat = numeric_date(claims, "iat", "IAT_TYPE")?
        .ok_or(Reject { status: "IAT_MISSING", message: "no iat".into() })?;
    // In i128: exp may be the largest i64, and exp + leeway must not wrap.
    let (now, leeway) = (i128::from(expect.now), i128::from(expect.leeway));
    if now >= i128::from(exp) + leeway {
        return reject("EXP_EXPIRED", "the token has expired");
    }
    if i128::from(iat) > now + leeway {
        return reject("IAT_IN_FUTURE", "the token was issued in the future");
    }
    if let Some(nbf) = numeric_date(claims, "nbf", "NBF_TYPE")? {
        if i128::from(nbf) > now + leeway {
            return reject("NBF_NOT_YET", "the token is not valid yet");
        }
    }
    if exp <= iat {
        return reject("EXP_BEFORE_IAT", "exp is not after iat");
    }
    Ok(())
}

/// The request's hash, or the literal `context-qsh` on a context endpoint only: taking it
/// anywhere else was CVE-2021-26073 and CVE-2021-26074.
fn check_qsh(claims: &Map<String, Value>, req: &Request, kind: Kind) -> Result<(), Reject> {
    let claim = match claims.get("qsh") {
        None => return reject("QSH_MISSING", "no qsh"),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return reject("QSH_TYPE", "qsh is not a string"),
    };
    if claim == "context-qsh" {
        return match kind {
            Kind::Context => Ok(()),
            _ => {
                reject("QSH_CONTEXT_NOT_ALLOWED", "context-qsh is taken on context endpoints only")
            }
        };
    }
    if claim.len() != 64 || !claim.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return reject("QSH_TYPE", "qsh is not 64 lower-case hex digits");
    }
    let expected =
        qsh::qsh(req).map_err(|e| Reject { status: "REQUEST_INVALID", message: e.to_string() })?;
    if claim != expected {
        return reject("QSH_MISMATCH", "qsh is not the hash of this request");
    }
    Ok(())
}

/// A JSON value from serde_json that refuses a member twice in any object: the other reading
/// of a duplicated `alg` or `exp` is how verifiers get fooled (RFC 8725). Names compare after
/// unescaping, so `"\u0061lg"` is `alg`.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(v.into()) // serde_json refuses numbers out of range (1e400) before this
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if members.insert(name.clone(), value).is_some() {
                return Err(de::Error::custom(format!("JSON_DUP_MEMBER: {name:?} twice")));
            }
        }
        Ok(Value::Object(members))
    }
}
