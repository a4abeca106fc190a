//! Connect JWTs: signing an app's call to a product (HS256) and verifying the tokens a product
//! sends to the app, in the order of docs/RULES.md "Connect JWTs", so that the first failure is
//! always the same one; and verifying the Forge Invocation Token of a call to a Forge Remote
//! back end (docs/RULES.md "Forge Invocation Tokens").

use crate::qsh::{self, Request};
use hmac::{Hmac, Mac};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Public};
use openssl::rsa::Rsa;
use openssl::sign::Verifier;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{json, Map, Value};
use sha2::Sha256;
use std::collections::HashMap;
use std::fmt;

pub const MAX_TOKEN_LEN: usize = 8192;
pub const MAX_JSON_DEPTH: usize = 16;
pub const MAX_JWKS_LEN: usize = 65536;
pub const MAX_JWKS_KEYS: usize = 64;
/// An app-to-product token lives three minutes, as Atlassian's own libraries sign them.
pub const LIFETIME: i64 = 180;
/// The `iss` of every Forge Invocation Token.
pub const FIT_ISS: &str = "forge/invocation-token";
/// An app's ARI is this prefix and its id; a Forge Invocation Token's `aud` holds it.
pub const APP_ARI: &str = "ari:cloud:ecosystem::app/";

/// The endpoint a token arrives at, which decides what it may carry. `Lifecycle` is an HS256
/// lifecycle callback (enabled, disabled, and Bitbucket's installed and uninstalled, which took
/// no part in signed installs); `Install` a signed (RS256) install or uninstall callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Module,
    Webhook,
    Context,
    Install,
    Lifecycle,
    AppToProduct,
}

/// What the verifier expects: the clock, the keys, and what the endpoint requires.
pub struct Expect<'a> {
    pub kind: Kind,
    pub now: i64,
    pub leeway: i64,
    /// `aud`, where the endpoint expects one (always for a signed install: your baseUrl).
    pub audience: Option<&'a str>,
    /// The tenants' shared secrets by `iss` (their clientKey; the app key for app-to-product).
    pub secrets: &'a HashMap<String, String>,
    /// Install: Atlassian's RS256 public keys (PEM) by `kid`.
    pub public_keys: &'a HashMap<String, String>,
    /// The clientKey of the body, which `iss` must be: always for an install, and for a
    /// lifecycle callback when given.
    pub client_key: Option<&'a str>,
    /// `sub`, where one is expected: a Bitbucket app-to-product token's, the clientKey.
    pub subject: Option<&'a str>,
}

/// What a Forge Remote expects of a Forge Invocation Token: the clock, the text of the JWK Set
/// it trusts (Forge's production or staging one, fetched by the app: nothing in the token
/// chooses it), and the app's id, bare or as its ARI.
pub struct ForgeExpect<'a> {
    pub now: i64,
    pub leeway: i64,
    pub jwks: &'a str,
    pub app_id: &'a str,
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
    let install = expect.kind == Kind::Install;
    let text = carried_token(authorization, req.target, expect.kind)?;
    let token = parse(&text, install)?;
    let claims = &token.claims;
    if install {
        let kid = token.header["kid"].as_str().unwrap_or("");
        let pem = match expect.public_keys.get(kid) {
            Some(pem) => pem,
            None => return reject("KEY_UNKNOWN", "no public key has this kid"),
        };
        check_rs256(&token, &pem_key(pem)?)?;
    } else {
        check_hs256(&token, expect.secrets)?;
    }
    // A signed install must name the app (its baseUrl) in aud; elsewhere aud is checked when
    // the endpoint expects one.
    let audience = if install { Some(expect.audience.unwrap_or("")) } else { expect.audience };
    check_claims(claims, expect.now, expect.leeway, audience)?;
    // An install's key is Atlassian's, so it says nothing of the tenant: iss must be the body's
    // clientKey; a lifecycle callback's too, when it is given.
    let lifecycle = expect.kind == Kind::Lifecycle && expect.client_key.is_some();
    if (install || lifecycle) && claims.get("iss").and_then(Value::as_str) != expect.client_key {
        return reject("ISS_MISMATCH", "iss is not the clientKey of the body");
    }
    if expect.subject.is_some() && claims.get("sub").and_then(Value::as_str) != expect.subject {
        return reject("SUB_MISMATCH", format!("sub is not {:?}", expect.subject));
    }
    check_qsh(claims, req, expect.kind)?;
    Ok(token.claims)
}

/// Verifies the Forge Invocation Token of a call to a Forge Remote (`Authorization: Bearer
/// <token>`, never the query) and returns its claims. A FIT signs no request: there is no qsh.
pub fn verify_forge_invocation(
    authorization: Option<&str>,
    expect: &ForgeExpect,
) -> Result<Map<String, Value>, Reject> {
    let authorization = match authorization {
        Some(authorization) => authorization,
        None => return reject("CARRIAGE_MISSING", "no Authorization header"),
    };
    let token = parse(header_token(authorization, "Bearer")?, true)?;
    let kid = token.header["kid"].as_str().unwrap_or("");
    check_rs256(&token, &jwks_key(expect.jwks, kid)?)?;
    let ari = match expect.app_id.strip_prefix(APP_ARI) {
        Some(_) => expect.app_id.to_string(),
        None => format!("{APP_ARI}{}", expect.app_id),
    };
    let claims = &token.claims;
    check_claims(claims, expect.now, expect.leeway, Some(&ari))?; // the bare id is not it
    if claims.get("iss").and_then(Value::as_str) != Some(FIT_ISS) {
        return reject("FIT_ISS_INVALID", format!("iss is not {FIT_ISS}"));
    }
    let app = claims.get("app").and_then(Value::as_object);
    let valid_app = app.map_or(false, |app| {
        app.get("installationId").map_or(false, Value::is_string)
            && app.get("apiBaseUrl").map_or(false, Value::is_string)
            && app.get("id").map_or(true, |id| id.as_str() == Some(ari.as_str()))
    });
    if !valid_app {
        return reject("FIT_APP_INVALID", "app lacks installationId or apiBaseUrl, or is another");
    }
    Ok(token.claims)
}

/// A compact token's decoded header and claims, what was signed and the signature.
struct Parsed<'a> {
    header: Map<String, Value>,
    claims: Map<String, Value>,
    signed: &'a [u8],
    signature: Vec<u8>,
}

/// Three base64url segments, two JSON objects, and the header's rules: `alg` exactly HS256 or
/// RS256, never none; no `crit` extension is understood; a `kid` (always there for RS256) of
/// the right syntax before anything looks it up.
fn parse(token: &str, rs256: bool) -> Result<Parsed, Reject> {
    if token.len() > MAX_TOKEN_LEN {
        return reject("TOKEN_TOO_LARGE", "the token is over 8 KiB");
    }
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return reject("SEGMENTS", "a compact JWT has three segments");
    }
    let (header, claims, signature) =
        (unbase64(parts[0])?, unbase64(parts[1])?, unbase64(parts[2])?);
    let (header, claims) = (json_object(&header)?, json_object(&claims)?);

    let alg = if rs256 { "RS256" } else { "HS256" };
    if header.get("alg") != Some(&json!(alg)) {
        return reject("ALG_NOT_ALLOWED", format!("only {alg} is taken here"));
    }
    if header.contains_key("crit") {
        return reject("CRIT_UNSUPPORTED", "no crit extension is understood");
    }
    // jku, jwk, x5u and x5c are never read; a kid is checked before anything looks it up,
    // and ".." never reaches a key store as a path.
    let kid = header.get("kid");
    if rs256 || kid.is_some() {
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
    Ok(Parsed { header, claims, signed, signature })
}

/// HS256 with the shared secret of the tenant that `iss` names: the tenant, and so the
/// secret, comes from `iss` only, never from `aud`.
fn check_hs256(token: &Parsed, secrets: &HashMap<String, String>) -> Result<(), Reject> {
    let iss = token
        .claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or(Reject { status: "ISS_MISSING", message: "iss must be a string".into() })?;
    let secret = secrets
        .get(iss)
        .ok_or(Reject { status: "ISS_UNKNOWN", message: format!("no tenant {iss:?}") })?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any size");
    mac.update(token.signed);
    if mac.verify_slice(&token.signature).is_err() {
        // verify_slice compares in constant time
        return reject("SIG_INVALID", "the HS256 signature does not match");
    }
    Ok(())
}

/// Atlassian's public key for a signed install, from its PEM.
fn pem_key(pem: &str) -> Result<PKey<Public>, Reject> {
    match PKey::public_key_from_pem(pem.as_bytes()) {
        Ok(key) if key.id() == Id::RSA => Ok(key),
        _ => reject("KEY_INVALID", "the key is not a PEM RSA public key"),
    }
}

/// The key of the one JWK whose `kid` is `kid` in a JWK Set document: a JSON object of at most
/// 64 KiB whose `keys` are 1 to 64 objects, two of them with this kid refused (which one is
/// meant cannot be told; other kids are not compared); the JWK an RSA key for RS256 signatures
/// of 2048 to 8192 bits, built from `n` and `e` with OpenSSL.
fn jwks_key(jwks: &str, kid: &str) -> Result<PKey<Public>, Reject> {
    let doc = if jwks.len() <= MAX_JWKS_LEN { json_object(jwks.as_bytes()).ok() } else { None };
    let keys = doc.as_ref().and_then(|doc| doc.get("keys")).and_then(Value::as_array);
    let keys = match keys {
        Some(keys)
            if (1..=MAX_JWKS_KEYS).contains(&keys.len()) && keys.iter().all(Value::is_object) =>
        {
            keys
        }
        _ => {
            return reject("JWKS_INVALID", "not a JSON object of at most 64 KiB with 1 to 64 keys")
        }
    };
    let mut named = keys.iter().filter(|jwk| jwk["kid"].as_str() == Some(kid));
    let jwk = match (named.next(), named.next()) {
        (Some(jwk), None) => jwk,
        (None, _) => return reject("KEY_UNKNOWN", "no key of the JWKS has this kid"),
        (Some(_), Some(_)) => return reject("JWKS_INVALID", "two keys of the JWKS have this kid"),
    };
    // use and alg may be absent; present, they must say what this key is for.
    let optional = |name: &str, value: &str| jwk.get(name).map_or(true, |v| *v == value);
    if jwk["kty"] != "RSA" || !optional("use", "sig") || !optional("alg", "RS256") {
        return reject("KEY_INVALID", "the JWK is not an RSA key for RS256 signatures");
    }
    let (n, e) = (jwk_uint(jwk, "n", 8192 / 8)?, jwk_uint(jwk, "e", 8)?);
    let bits = n.len() * 8 - n[0].leading_zeros() as usize;
    if bits < 2048 || e[e.len() - 1] & 1 == 0 || e == [1] {
        return reject("KEY_INVALID", "n is not of 2048 to 8192 bits, or e is not odd and >= 3");
    }
    BigNum::from_slice(&n)
        .and_then(|n| Rsa::from_public_components(n, BigNum::from_slice(&e)?))
        .and_then(PKey::from_rsa)
        .or_else(|_| reject("KEY_INVALID", "OpenSSL refuses the JWK's n and e"))
}

/// A JWK's Base64urlUInt (RFC 7518 section 2): strict base64url of the fewest octets.
fn jwk_uint(jwk: &Value, name: &str, max_octets: usize) -> Result<Vec<u8>, Reject> {
    let text = jwk[name].as_str().filter(|text| text.len() <= (max_octets * 4 + 2) / 3);
    match text.map(unbase64) {
        Some(Ok(bytes)) if !bytes.is_empty() && bytes[0] != 0 && bytes.len() <= max_octets => {
            Ok(bytes)
        }
        _ => reject("KEY_INVALID", format!("the JWK's {name} is not a minimal base64url integer")),
    }
}

/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) with the key the header's kid names.
fn check_rs256(token: &Parsed, key: &PKey<Public>) -> Result<(), Reject> {
    // Exactly the key's size: no leading zero dropped or added, nothing appended.
    let valid = token.signature.len() == key.size()
        && Verifier::new(MessageDigest::sha256(), key)
            .and_then(|mut verifier| {
                verifier.update(token.signed)?;
                verifier.verify(&token.signature)
            })
            .unwrap_or(false);
    if !valid {
        return reject("SIG_INVALID", "the RS256 signature does not match");
    }
    Ok(())
}

/// One carrier: `Authorization: JWT <token>` or one `jwt` parameter, never the query for an
/// app-to-product call (the products answer 401 to it since 2022-02-01).
fn carried_token(authorization: Option<&str>, target: &str, kind: Kind) -> Result<String, Reject> {
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
    match (authorization, params.len()) {
        (Some(_), n) if n > 0 => reject("CARRIAGE_AMBIGUOUS", "a token in both header and query"),
        (Some(header), _) => header_token(header, "JWT").map(str::to_string),
        (None, 0) => reject("CARRIAGE_MISSING", "no token"),
        (None, 1) if kind == Kind::AppToProduct => {
            reject("CARRIAGE_QUERY_NOT_ALLOWED", "an app's token in the query")
        }
        (None, 1) => Ok(params.remove(0)),
        (None, _) => reject("CARRIAGE_AMBIGUOUS", "the jwt parameter more than once"),
    }
}

/// The token of `Authorization: SCHEME <token>`: the scheme exactly, one space, and no `=`
/// (`JWT token=<jwt>` is an auth-param, not the format; a compact token never holds one).
fn header_token<'a>(authorization: &'a str, scheme: &str) -> Result<&'a str, Reject> {
    let token = authorization.strip_prefix(scheme).and_then(|rest| rest.strip_prefix(' '));
    match token {
        Some(token) if !token.is_empty() && !token.contains([' ', '=']) => Ok(token),
        _ => reject("CARRIAGE_SCHEME", format!("the header is not \"{scheme} <token>\"")),
    }
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

/// The time claims with the leeway, then `aud` when one is expected.
fn check_claims(
    claims: &Map<String, Value>,
    now: i64,
    leeway: i64,
    audience: Option<&str>,
) -> Result<(), Reject> {
    let exp = numeric_date(claims, "exp", "EXP_TYPE")?
        .ok_or(Reject { status: "EXP_MISSING", message: "no exp".into() })?;
    let iat = numeric_date(claims, "iat", "IAT_TYPE")?
        .ok_or(Reject { status: "IAT_MISSING", message: "no iat".into() })?;
    let nbf = numeric_date(claims, "nbf", "NBF_TYPE")?;
    // In i128: exp may be the largest i64, and exp + leeway must not wrap.
    let (now, leeway) = (i128::from(now), i128::from(leeway));
    if now >= i128::from(exp) + leeway {
        return reject("EXP_EXPIRED", "the token has expired");
    }
    if i128::from(iat) > now + leeway {
        return reject("IAT_IN_FUTURE", "the token was issued in the future");
    }
    if nbf.map_or(false, |nbf| i128::from(nbf) > now + leeway) {
        return reject("NBF_NOT_YET", "the token is not valid yet");
    }
    if exp <= iat {
        return reject("EXP_BEFORE_IAT", "exp is not after iat");
    }
    if let Some(audience) = audience {
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
