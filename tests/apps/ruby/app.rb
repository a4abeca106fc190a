# frozen_string_literal: true

# A tiny Connect app on WEBrick that verifies the product's tokens with the Ruby recipe
# (recipes/ruby/token.rb): the recipe's verifier behind the probe (tests/test_probe_recipes.py).
#
#   ruby app.rb --secret S --client-key K [--keys URL]
#
# Listens on 127.0.0.1 on an ephemeral port and prints the port on its first line of stdout;
# stops on SIGTERM or SIGINT. The routes are those of connect_app.py: /module, /webhook,
# /context, and the lifecycle callbacks /installed, /uninstalled, /enabled, /disabled, whose
# iss must be the body's clientKey. With --keys, /installed and /uninstalled take signed
# installs, their key fetched from URL/KID (/enabled and /disabled stay HS256).
require "base64"
require "json"
require "net/http"
require "optparse"
require "webrick"
require_relative "../../../recipes/ruby/token"

KINDS = { "/module" => :module, "/webhook" => :webhook, "/context" => :context,
          "/installed" => :lifecycle, "/uninstalled" => :lifecycle, "/enabled" => :lifecycle,
          "/disabled" => :lifecycle }.freeze
SIGNED_INSTALLS = %w[/installed /uninstalled].freeze
MAX_BODY = 65_536

# The qsh is computed over the target as it came, but WEBrick rewrites the target it parses
# (a leading "//" becomes "/" in place, dot segments are resolved) and answers 400 to one that
# URI.parse refuses, such as the raw [ of "?fields[]=x" that products send. This request keeps
# the target as received and lets WEBrick parse "/" instead: one handler serves every path.
class RawTargetRequest < WEBrick::HTTPRequest
  attr_reader :raw_target

  def parse_uri(str, scheme = "http")
    @raw_target = str.dup.freeze
    super(+"/", scheme)
  end
end

# WEBrick's server with RawTargetRequest for every request.
class RawTargetServer < WEBrick::HTTPServer
  def create_request(config)
    RawTargetRequest.new(config)
  end
end

# The kid of the token in Authorization, read unverified, if a URL can hold it.
def unverified_kid(authorization)
  header = JSON.parse(Base64.urlsafe_decode64(authorization.to_s.delete_prefix("JWT ").split(".").first.to_s))
  kid = header.is_a?(Hash) && header["kid"]
  kid if kid.is_a?(String) && ConnectJwt::KID.match?(kid)
rescue ArgumentError, JSON::ParserError
  nil
end

def fetch_key(keys, kid)
  return {} if kid.nil?

  uri = URI("#{keys}/#{kid}")
  response = Net::HTTP.start(uri.hostname, uri.port, open_timeout: 5, read_timeout: 5) { |h| h.get(uri.path) }
  response.code == "200" ? { kid => response.body.to_s } : {}
rescue SystemCallError, IOError, Timeout::Error, Net::ProtocolError
  {}
end

def client_key_of(body)
  doc = JSON.parse(body)
  doc["clientKey"] if doc.is_a?(Hash) && doc["clientKey"].is_a?(String)
rescue JSON::ParserError
  nil
end

# [status, text] for one request.
def answer(req, opts, base_url)
  target = req.raw_target || req.unparsed_uri
  route = target.split("?", 2).first
  kind = KINDS[route] or return [404, "no such route"]
  # Read in chunks and stop past the limit: req.body alone would hold all of it first.
  body = +""
  req.body do |chunk|
    body << chunk
    return [413, "body too large"] if body.bytesize > MAX_BODY
  end
  body = nil if body.empty?

  client_key = client_key_of(body.to_s) if kind == :lifecycle
  return [401, "the body names no clientKey"] if kind == :lifecycle && client_key.nil?

  authorization = req["Authorization"]
  args = { kind: kind, now: Time.now, authorization: authorization, client_key: client_key,
           request: { method: req.request_method, target: target, base_url: base_url, body: body,
                      content_type: req["Content-Type"] },
           secrets: { opts[:client_key] => opts[:secret] } }
  if opts[:keys] && SIGNED_INSTALLS.include?(route)
    args.merge!(kind: :install, audience: base_url,
                public_keys: fetch_key(opts[:keys], unverified_kid(authorization)))
  end
  ConnectJwt.verify(**args)
  [200, "ok"]
rescue ConnectJwt::TokenError => e
  [401, "invalid token: #{e.message}"]
end

def main
  opts = {}
  OptionParser.new do |o|
    o.on("--secret S") { |v| opts[:secret] = v }
    o.on("--client-key K") { |v| opts[:client_key] = v }
    o.on("--keys URL") { |v| opts[:keys] = v }
  end.parse!
  unless opts[:secret] && opts[:client_key]
    warn "usage: app.rb --secret S --client-key K [--keys URL]"
    exit 2
  end

  server = RawTargetServer.new(BindAddress: "127.0.0.1", Port: 0, DoNotReverseLookup: true,
                               Logger: WEBrick::Log.new($stderr, WEBrick::Log::WARN), AccessLog: [])
  base_url = "http://127.0.0.1:#{server.config[:Port]}"
  server.mount_proc("/") do |req, res|
    res.status, res.body = answer(req, opts, base_url)
    res["Content-Type"] = "text/plain"
    # WEBrick writes the head and the body apart; on a kept-alive connection the client's
    # delayed ACK then holds each answer back for 40 ms.
    res.keep_alive = false
  end
  %w[TERM INT].each { |signal| trap(signal) { server.shutdown } }
  puts server.config[:Port]
  $stdout.flush
  server.start
end

main
