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
  KID = /\A[A-Za-z0-9._-]{1,128}\z/

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
  # returns the verified claims. kind: :module, :webhook, :context, :install or :app_to_product.
  # authorization is the header's value, nil when the token is the target's jwt parameter.
  def verify(kind:, now:, request:, secrets: {}, public_keys: {}, authorization: nil, leeway: 0,
             audience: nil, client_key: nil, profile: :product)
    token = carried_token(authorization, request[:target])
    segments = token.split(".", -1)
    raise TokenError, "SEGMENTS" unless segments.size == 3

    raw = segments.map { |s| decode_segment(s) }
    header, claims = raw[0, 2].map { |json| parse_object(json) }
    install = kind == :install
    # alg exactly as expected: never none, never the other family (RS256 only for installs).
    raise TokenError, "ALG_NOT_ALLOWED" unless header["alg"] == (install ? "RS256" : "HS256")
    raise TokenError, "CRIT_UNSUPPORTED" if header.key?("crit") # no extension is understood
    # jku, jwk, x5u and x5c are never read; a kid is checked before any key is looked up.
    kid = header["kid"]
    if (install || header.key?("kid")) && !(kid.is_a?(String) && KID.match?(kid) && !kid.include?(".."))
      raise TokenError, "KID_INVALID"
    end

    signed = segments[0, 2].join(".")
    if install
      check_rs256(public_keys, kid, signed, raw[2])
    else
      check_hs256(secrets, claims["iss"], signed, raw[2])
    end
    check_claims(claims, kind, now.to_i, leeway.to_i, audience, client_key)
    check_qsh(claims, kind, request, profile)
    claims
  end

  # "Authorization: JWT <token>" (the scheme case-sensitive, one space) or one jwt parameter.
  def carried_token(authorization, target)
    query = target.split("#", 2).first.to_s.partition("?").last
    params = query.split("&").filter_map do |piece|
      name, _, value = piece.partition("=")
      value if (decode(name, plus: true) rescue nil) == "jwt"
    end
    raise TokenError, "CARRIAGE_AMBIGUOUS" if params.size > 1 || (params.size == 1 && authorization)

    token = authorization || params.first or raise TokenError, "CARRIAGE_MISSING"
    if authorization
      raise TokenError, "CARRIAGE_SCHEME" unless authorization.match?(/\AJWT [^ ]+\z/)

      token = authorization[4..]
    end
    raise TokenError, "TOKEN_TOO_LARGE" if token.bytesize > MAX_TOKEN
    return token if authorization

    begin
      decode(token, plus: true) # a query value is form-decoded, as a server does
    rescue RequestError
      raise TokenError, "B64_INVALID"
    end
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

  def check_rs256(public_keys, kid, signed, signature)
    pem = public_keys[kid] or raise TokenError, "KEY_UNKNOWN"
    key = begin
      OpenSSL::PKey.read(pem)
    rescue OpenSSL::PKey::PKeyError
      nil
    end
    raise TokenError, "KEY_INVALID" unless key.is_a?(OpenSSL::PKey::RSA)
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

  def check_claims(claims, kind, now, leeway, audience, client_key)
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
    # The install key is Atlassian's: iss must be the tenant of the callback's body.
    raise TokenError, "ISS_MISMATCH" if kind == :install && claims["iss"] != client_key
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
