# frozen_string_literal: true

# The canonical request and query string hash (qsh) of Atlassian Connect JWTs, following the
# rules of qshcheck's docs/RULES.md. Standard library only.
require "openssl"

module ConnectJwt
  # An input the rules cannot canonicalize; #status is the reference's status name.
  class RequestError < StandardError
    attr_reader :status

    def initialize(status)
      @status = "QSH_E_#{status}"
      super("cannot canonicalize the request: #{@status}")
    end
  end

  # The named limits, in bytes: over one is an error, never a truncation.
  MAX_METHOD = 64
  MAX_TARGET = 1024 * 1024
  MAX_BASE_URL = 4096
  MAX_BODY = 4 * 1024 * 1024
  TCHAR = /\A[!#$%&'*+\-.^_`|~A-Za-z0-9]+\z/ # the characters of an HTTP method (RFC 9110)
  ABSOLUTE_URL = %r{\A([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)\z}m
  HOST_PORT = /\A(\[[^\]]+\]|[^:\[\]@]+)(?::([0-9]*))?\z/ # no userinfo
  FORM = "application/x-www-form-urlencoded"

  module_function

  # Lowercase hex SHA-256 of the canonical request. profile: :server is what a product computes
  # for your app's call (the path as sent); :product is what Jira or Confluence signed when it
  # calls your app (the decoded path).
  def qsh(method, target, base_url: "", profile: :server, body: nil, content_type: nil)
    OpenSSL::Digest::SHA256.hexdigest(
      canonical_request(method, target, base_url: base_url, profile: profile, body: body,
                                        content_type: content_type)
    )
  end

  # METHOD "&" CANONICAL_URI "&" CANONICAL_QUERY
  def canonical_request(method, target, base_url: "", profile: :server, body: nil, content_type: nil)
    raise RequestError, "METHOD_EMPTY" if method.empty?
    raise RequestError, "METHOD_TOO_LONG" if method.bytesize > MAX_METHOD
    raise RequestError, "METHOD_INVALID" unless TCHAR.match?(method)
    raise RequestError, "TARGET_EMPTY" if target.empty?
    raise RequestError, "TARGET_TOO_LONG" if target.bytesize > MAX_TARGET
    raise RequestError, "TARGET_BYTE" unless on_the_wire?(target)

    base_origin, base_path = parse_base_url(base_url)
    # Read the body as Jira's Tomcat does: the method exactly POST (as sent), the media type
    # before any ';', blanks trimmed, exactly the form type in these letters.
    with_body = method == "POST" && !content_type.nil? && content_type.split(";", 2).first.to_s.strip == FORM
    if with_body
      raise RequestError, "BODY_TOO_LONG" if body.to_s.bytesize > MAX_BODY
      raise RequestError, "BODY_BYTE" unless on_the_wire?(body.to_s)
    end

    rest = target
    if (m = ABSOLUTE_URL.match(target))
      origin = parse_origin(m[1], m[2], "URL_SCHEME", "URL_INVALID")
      # Its path cannot be made relative to a base URL on another origin.
      raise RequestError, "ORIGIN_MISMATCH" if base_origin && origin != base_origin

      rest = m[3]
    end
    path, _, query = rest.split("#", 2).first.to_s.partition("?")
    if profile == :product # a product hashes the decoded path: %20 is a space, %2F a '/'
      path = decode(path)
      base_path = begin
        decode(base_path)
      rescue RequestError
        raise RequestError, "BASE_URL_INVALID"
      end
    else
      # The server profile keeps the path as sent (its bytes need not be UTF-8: /%FF is a
      # path), but every '%' must start an escape.
      raise RequestError, "PERCENT_MALFORMED" if path.match?(/%(?!\h\h)/)
    end
    query += "&#{body}" if with_body # merged, as a servlet's parameter map merges them
    "#{method.upcase(:ascii)}&#{canonical_uri(path, base_path)}&#{canonical_query(query)}"
  end

  # The origin (scheme, host, port) and the path of an absolute http(s) URL without a query.
  def parse_base_url(url)
    return [nil, ""] if url.empty?
    raise RequestError, "BASE_URL_TOO_LONG" if url.bytesize > MAX_BASE_URL

    m = ABSOLUTE_URL.match(url)
    raise RequestError, "BASE_URL_INVALID" if !on_the_wire?(url) || m.nil? || m[3].match?(/[?#]/)
    raise RequestError, "BASE_URL_INVALID" if m[3].match?(/%(?!\h\h)/)

    [parse_origin(m[1], m[2], "BASE_URL_INVALID", "BASE_URL_INVALID"), m[3]]
  end

  # The default port made explicit, so that https://h and https://H:443 are the same origin.
  def parse_origin(scheme, authority, bad_scheme, bad)
    scheme = scheme.downcase
    port = { "http" => 80, "https" => 443 }[scheme] or raise RequestError, bad_scheme
    m = HOST_PORT.match(authority) or raise RequestError, bad
    port = m[2].to_i unless m[2].nil? || m[2].empty?
    raise RequestError, bad if port > 65_535

    [scheme, m[1].downcase, port]
  end

  def canonical_uri(path, base_path)
    # Strip the base path on a segment boundary only: /wiki/x -> /x, but /wikipedia stays.
    base_path = base_path.sub(%r{/+\z}, "")
    path = path[base_path.size..] if !base_path.empty? && (path == base_path || path.start_with?("#{base_path}/"))
    path = path.chomp("/") if path.size > 1 # exactly one trailing slash goes: /p// -> /p/
    path = "/#{path}" unless path.start_with?("/")
    path.gsub("&", "%26") # a raw & would read as a separator of the canonical request
  end

  def canonical_query(query)
    groups = Hash.new { |h, k| h[k] = [] } # encoded name -> decoded values
    # Split on & only (';' is data), each piece at its first '='; empty pieces are skipped.
    query.split("&").each do |piece|
      raw_name, _, raw_value = piece.partition("=")
      name = decode(raw_name, plus: true)
      value = decode(raw_value, plus: true)
      # Exactly "jwt" is the token: JWT is a parameter like any other. An empty name is dropped.
      groups[encode(name)] << value unless name.empty? || name == "jwt"
    end
    # Names sort by their encoded bytes (a%5Bb%5D before a.c); values by their decoded text
    # in UTF-16 code-unit order, as Java's compareTo sorts them (big-endian UTF-16 bytes
    # compare in that order), not by their encoded form: v=A,%5B.
    groups.sort.map do |name, values|
      "#{name}=#{values.sort_by { |v| v.encode(Encoding::UTF_16BE).b }.map { |v| encode(v) }.join(',')}"
    end.join("&")
  end

  # Percent-decodes s (a plus is a space in a query or form body) into UTF-8 text.
  def decode(str, plus: false)
    raise RequestError, "PERCENT_MALFORMED" if str.match?(/%(?!\h\h)/)

    str = str.tr("+", " ") if plus
    text = str.b.gsub(/%(\h\h)/n) { Regexp.last_match(1).hex.chr }.force_encoding(Encoding::UTF_8)
    # Ruby's UTF-8 refuses overlongs, surrogates, code points above U+10FFFF and cut sequences.
    raise RequestError, "UTF8_INVALID" unless text.valid_encoding?

    text
  end

  # Every UTF-8 byte outside A-Z a-z 0-9 - . _ ~ as %XX, upper-case hex (a space is %20).
  def encode(str)
    str.b.gsub(/[^A-Za-z0-9\-._~]/n) { |c| format("%%%02X", c.ord) }
  end

  # Only visible ASCII can be sent in a request line or a form body; a space, control or
  # non-ASCII byte would have been encoded by the client, and guessing how is wrong.
  def on_the_wire?(str)
    !str.b.match?(/[^\x21-\x7e]/n)
  end
end
