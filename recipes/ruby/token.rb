# frozen_string_literal: true

# Signing app-to-product calls and verifying product-to-app tokens of Atlassian Connect,
# following docs/RULES.md "Connect JWTs". Standard library only: openssl, json, base64.
require "base64"
require "json"
require "openssl"
require_relative "qsh"

module ConnectJwt
  # A refused token; #reason is the code of the first rule that fails.
  class TokenError < StandardError
    attr_reader :reason

    def initialize(reason)
      @reason = reason
      super("JWT refused: #{reason}")
    end
  end

  MAX_TOKEN = 8192 # bytes of a carried token
  MAX_DEPTH = 16 # levels of JSON
  KINDS = %i[module webhook context lifecycle install app_to_product forge_invocation].freeze
  KID = /\A[A-Za-z0-9._-]{1,128}\z/
  MAX_JWKS = 65_536 # bytes of a JWK Set
  MAX_JWKS_KEYS = 64
  FIT_ISSUER = "forge/invocation-token"
  APP_ARI = "ari:cloud:ecosystem::app/"

  # A Hash that refuses a member twice; JSON.parse fills its objects with []=, after unescaping
  # the names, so "\u0061lg" is alg.
  class StrictObject < Hash
    def []=(name, value)
      raise TokenError, "JSON_DUP_MEMBER" if key?(name)

      super
    end
  end

  module_function

  # The Authorization header's value for an app's call to a product: HS256 with the shared
  # secret, iss the app key, a lifetime of 180 s and the qsh of the request as the product
  # computes it (the :server profile, the tenant's baseUrl). Bitbucket also wants "sub": the
  # clientKey; add it to the claims if you call Bitbucket.
  def sign_app_to_product(secret, app_key, now, method, target, base_url)
    claims = { iss: app_key, iat: now.to_i, exp: now.to_i + 180, qsh: qsh(method, target, base_url: base_url) }
    signed = [{ alg: "HS256", typ: "JWT" }, claims].map { |part| b64(JSON.generate(part)) }.join(".")
    "JWT #{signed}.#{b64(OpenSSL::HMAC.digest('SHA256', secret, signed))}"
  end

  def b64(bytes)
    Base64.urlsafe_encode64(bytes, padding: false)
  end

  # Checks a token strictly, in a fixed order so that the first failure is always the same;
  # returns the verified claims. kind: :module, :webhook, :context, :lifecycle (HS256 enabled
  # and disabled callbacks, and Bitbucket's installed and uninstalled), :install (RS256 signed
  # installs), :app_to_product, or :forge_invocation (a Forge Invocation Token: RS256 with a
  # key of the JWK Set text you configure in jwks, never one a token names; app_id bare or as
  # its ARI). authorization is the header's value, nil when the token is the jwt parameter.
  # client_key: the body's clientKey of a callback, which iss must be; subject: the sub
  # expected (Bitbucket's app-to-product tokens: the clientKey).
  def verify(kind:, now:, request:, secrets: {}, public_keys: {}, authorization: nil, leeway: 0,
             audience: nil, client_key: nil, subject: nil, jwks: nil, app_id: nil, profile: :product)
    # A typo must not pick the rules: a kind outside the list is refused.
    raise TokenError, "KIND_INVALID" unless KINDS.include?(kind)

    token = kind == :forge_invocation ? bearer_token(authorization) : carried_token(authorization, request[:target], kind)
    segments = token.split(".", -1)
    raise TokenError, "SEGMENTS" unless segments.size == 3

    raw = segments.map { |s| decode_segment(s) }
    header, claims = raw[0, 2].map { |json| parse_object(json) }
    rs256 = %i[install forge_invocation].include?(kind)
    # alg exactly as expected: never none, never the other family (RS256 only for installs and
    # Forge Invocation Tokens).
    raise TokenError, "ALG_NOT_ALLOWED" unless header["alg"] == (rs256 ? "RS256" : "HS256")
    raise TokenError, "CRIT_UNSUPPORTED" if header.key?("crit") # no extension is understood
    # jku, jwk, x5u and x5c are never read; a kid is checked before any key is looked up.
    kid = header["kid"]
    if (rs256 || header.key?("kid")) && !(kid.is_a?(String) && KID.match?(kid) && !kid.include?(".."))
      raise TokenError, "KID_INVALID"
    end

    signed = segments[0, 2].join(".")
    case kind
    when :forge_invocation then check_rs256(jwks_key(jwks, kid), signed, raw[2])
    when :install then check_rs256(install_key(public_keys, kid), signed, raw[2])
    else check_hs256(secrets, claims["iss"], signed, raw[2])
    end
    audience = APP_ARI + app_id.to_s.delete_prefix(APP_ARI) if kind == :forge_invocation
    check_claims(claims, kind, now.to_i, leeway.to_i, audience, client_key, subject)
    check_qsh(claims, kind, request, profile) unless kind == :forge_invocation # a FIT has no qsh
    claims
  end

  # "Authorization: JWT <token>" (the scheme case-sensitive, one space) or one jwt parameter,
  # never for :app_to_product (the products answer 401 since 2022). A compact token holds no
  # '=': "JWT token=<jwt>" is not the format.
  def carried_token(authorization, target, kind)
    query = target.split("#", 2).first.to_s.partition("?").last
    params = query.split("&").filter_map do |piece|
      name, _, value = piece.partition("=")
      value if (decode(name, plus: true) rescue nil) == "jwt"
    end
    raise TokenError, "CARRIAGE_AMBIGUOUS" if params.size > 1 || (params.size == 1 && authorization)

    token = authorization || params.first or raise TokenError, "CARRIAGE_MISSING"
    if authorization
      raise TokenError, "CARRIAGE_SCHEME" unless authorization.match?(/\AJWT [^ =]+\z/)

      token = authorization[4..]
    elsif kind == :app_to_product
      raise TokenError, "CARRIAGE_QUERY_NOT_ALLOWED"
    end
    raise TokenError, "TOKEN_TOO_LARGE" if token.bytesize > MAX_TOKEN
    return token if authorization

    begin
      decode(token, plus: true) # a query value is form-decoded, as a server does
    rescue RequestError
      raise TokenError, "B64_INVALID"
    end
  end

  # A Forge Invocation Token travels only as "Authorization: Bearer <token>".
  def bearer_token(authorization)
    raise TokenError, "CARRIAGE_MISSING" if authorization.nil?
    raise TokenError, "CARRIAGE_SCHEME" unless authorization.match?(/\ABearer [^ =]+\z/)
    raise TokenError, "TOKEN_TOO_LARGE" if authorization.bytesize - 7 > MAX_TOKEN

    authorization[7..]
  end

  # base64url without padding, strictly: what does not encode back to the same text (padding,
  # other characters, unused bits set) is refused.
  def decode_segment(text)
    raise TokenError, "B64_INVALID" unless text.match?(/\A[A-Za-z0-9_-]*\z/)

    bytes = (text.tr("-_", "+/") + ("=" * (-text.size % 4))).unpack1("m0")
    raise TokenError, "B64_INVALID" unless b64(bytes) == text

    bytes
  rescue ArgumentError
    raise TokenError, "B64_INVALID"
  end

  # A JSON object: UTF-8, no member twice, at most MAX_DEPTH levels, nothing after it.
  def parse_object(bytes)
    text = bytes.dup.force_encoding(Encoding::UTF_8)
    raise TokenError, "JSON_INVALID" unless text.valid_encoding?

    value = JSON.parse(text, object_class: StrictObject, max_nesting: MAX_DEPTH)
    # JSON.parse writes a lone low surrogate escape as bytes that are not UTF-8.
    raise TokenError, "JSON_INVALID" unless valid_text?(value)
    raise TokenError, "JSON_NOT_OBJECT" unless value.is_a?(Hash)

    value
  rescue JSON::NestingError
    raise TokenError, "JSON_TOO_DEEP"
  rescue JSON::ParserError
    raise TokenError, "JSON_INVALID"
  end

  def valid_text?(value)
    case value
    when Hash then value.all? { |k, v| valid_text?(k) && valid_text?(v) }
    when Array then value.all? { |v| valid_text?(v) }
    when String then value.valid_encoding?
    else true
    end
  end

  def check_hs256(secrets, iss, signed, signature)
    raise TokenError, "ISS_MISSING" unless iss.is_a?(String)

    secret = secrets[iss] or raise TokenError, "ISS_UNKNOWN"
    expected = OpenSSL::HMAC.digest("SHA256", secret, signed)
    raise TokenError, "SIG_INVALID" unless OpenSSL.secure_compare(expected, signature) # constant time
  end

  def install_key(public_keys, kid)
    pem = public_keys[kid] or raise TokenError, "KEY_UNKNOWN"
    key = begin
      OpenSSL::PKey.read(pem)
    rescue OpenSSL::PKey::PKeyError
      nil
    end
    raise TokenError, "KEY_INVALID" unless key.is_a?(OpenSSL::PKey::RSA)

    key
  end

  # The RSA key of kid in a JWK Set document: a JSON object (at most 64 KiB, no member twice,
  # bounded depth) whose keys hold 1 to 64 objects, and kid in one of them only. That JWK has
  # kty RSA, use sig and alg RS256 when present, n and e as minimal unpadded base64url
  # (RFC 7518 section 6.3.1), n of 2048 to 8192 bits, e odd and at least 3.
  def jwks_key(jwks, kid)
    doc = begin
      parse_object(jwks.to_s) if jwks.to_s.bytesize <= MAX_JWKS
    rescue TokenError
      nil
    end
    keys = doc && doc["keys"]
    raise TokenError, "JWKS_INVALID" unless keys.is_a?(Array) && keys.size.between?(1, MAX_JWKS_KEYS)
    raise TokenError, "JWKS_INVALID" unless keys.all?(Hash) # every key a JWK

    found = keys.select { |k| k["kid"] == kid }
    raise TokenError, "JWKS_INVALID" if found.size > 1 # the kid twice
    jwk = found.first or raise TokenError, "KEY_UNKNOWN"
    unless jwk["kty"] == "RSA" && (!jwk.key?("use") || jwk["use"] == "sig") && (!jwk.key?("alg") || jwk["alg"] == "RS256")
      raise TokenError, "KEY_INVALID"
    end
    n = base64url_uint(jwk["n"], 8192 / 8)
    e = base64url_uint(jwk["e"], 8)
    raise TokenError, "KEY_INVALID" unless n && e && n.num_bits >= 2048 && e.odd? && e > 1

    OpenSSL::PKey::RSA.new(OpenSSL::ASN1::Sequence([OpenSSL::ASN1::Integer(n), OpenSSL::ASN1::Integer(e)]).to_der)
  end

  # A Base64urlUInt (RFC 7518 section 2): unpadded base64url of the fewest octets (no leading
  # zero), at most max of them; nil when value is not one.
  def base64url_uint(value, max)
    bytes = value.is_a?(String) ? decode_segment(value) : ""
    OpenSSL::BN.new(bytes, 2) unless bytes.empty? || bytes.bytesize > max || bytes.getbyte(0).zero?
  rescue TokenError
    nil
  end

  def check_rs256(key, signed, signature)
    # Exactly the key's size: no leading zero dropped or added, nothing appended.
    unless signature.bytesize == key.n.num_bytes && key.verify("SHA256", signature, signed)
      raise TokenError, "SIG_INVALID"
    end
  end

  # An integer NumericDate >= 0 within 64 bits (JSON.parse gives a Float for 1.0 or 1e400).
  def numeric_date(claims, name)
    value = claims[name]
    return nil if value.nil? && !claims.key?(name)
    raise TokenError, "#{name.upcase}_TYPE" unless value.is_a?(Integer) && value >= 0 && value < 2**63

    value
  end

  def check_claims(claims, kind, now, leeway, audience, client_key, subject)
    exp = numeric_date(claims, "exp") or raise TokenError, "EXP_MISSING"
    iat = numeric_date(claims, "iat") or raise TokenError, "IAT_MISSING"
    nbf = numeric_date(claims, "nbf")
    raise TokenError, "EXP_EXPIRED" if now - leeway >= exp
    raise TokenError, "IAT_IN_FUTURE" if iat - leeway > now
    raise TokenError, "NBF_NOT_YET" if nbf && nbf - leeway > now
    raise TokenError, "EXP_BEFORE_IAT" if exp <= iat

    if audience || kind == :install
      raise TokenError, "AUD_MISSING" unless claims.key?("aud")
      raise TokenError, "AUD_MISMATCH" unless Array(claims["aud"]).any? { |a| a.is_a?(String) && a == audience }
    end
    # A signed install's key is Atlassian's, and Bitbucket's callbacks are signed with the secret
    # of the body: either way iss must be the body's tenant.
    if (kind == :install || (kind == :lifecycle && client_key)) && claims["iss"] != client_key
      raise TokenError, "ISS_MISMATCH"
    end
    raise TokenError, "SUB_MISMATCH" if subject && claims["sub"] != subject
    check_forge_claims(claims, audience) if kind == :forge_invocation
  end

  # A Forge Invocation Token names its issuer and the app installation it is for.
  def check_forge_claims(claims, ari)
    raise TokenError, "FIT_ISS_INVALID" unless claims["iss"] == FIT_ISSUER

    app = claims["app"]
    unless app.is_a?(Hash) && app["installationId"].is_a?(String) && app["apiBaseUrl"].is_a?(String) &&
           (!app.key?("id") || app["id"] == ari)
      raise TokenError, "FIT_APP_INVALID"
    end
  end

  def check_qsh(claims, kind, request, profile)
    raise TokenError, "QSH_MISSING" unless claims.key?("qsh")

    value = claims["qsh"]
    if value == "context-qsh"
      # The literal is never a hash; taking it on every endpoint was CVE-2021-26073.
      raise TokenError, "QSH_CONTEXT_NOT_ALLOWED" unless kind == :context

      return
    end
    raise TokenError, "QSH_TYPE" unless value.is_a?(String) && value.match?(/\A[0-9a-f]{64}\z/)

    expected = begin
      qsh(request[:method], request[:target], base_url: request[:base_url] || "", profile: profile,
                                              body: request[:body], content_type: request[:content_type])
    rescue RequestError
      raise TokenError, "REQUEST_INVALID"
    end
    raise TokenError, "QSH_MISMATCH" unless OpenSSL.secure_compare(expected, value)
  end
end
