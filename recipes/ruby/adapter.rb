# frozen_string_literal: true

# The Ruby recipe's program: with no arguments, qshcheck's line protocol on stdin and stdout
# (harness/protocol/PROTOCOL.md); "sign SECRET ISS NOW METHOD TARGET BASE_URL" prints the
# Authorization header for an app-to-product call; "example NOW" signs the seed example;
# "call SECRET ISS METHOD TARGET BASE_URL" signs a call now and sends it with Net::HTTP.
require "json"
require "net/http"
require_relative "token"

NAME = "qshcheck-recipe-ruby"
VERSION = "1.0"

def hello
  { type: "hello", protocol: 1, name: NAME, version: VERSION,
    operations: %w[canonical qsh verify], profiles: %w[server product] }
end

def answer(msg)
  return hello if msg["type"] == "hello"

  request = { method: msg["method"], target: msg["target"], base_url: msg["baseUrl"],
              body: msg["body"], content_type: msg["contentType"] }
  profile = msg["profile"] == "product" ? :product : :server
  { id: msg["id"], result: result(msg, request, profile) }
rescue ConnectJwt::RequestError => e
  { id: msg["id"], error: { status: e.status, message: e.message } }
rescue ConnectJwt::TokenError => e
  { id: msg["id"], error: { status: e.reason, message: e.message } }
end

def result(msg, request, profile)
  if msg["op"] == "verify"
    ConnectJwt.verify(kind: msg["kind"].tr("-", "_").to_sym, now: msg["now"], request: request,
                      secrets: msg["secrets"] || {}, public_keys: msg["publicKeys"] || {},
                      authorization: msg["authorization"], leeway: msg["leeway"] || 0,
                      audience: msg["audience"], client_key: msg["clientKey"], subject: msg["subject"],
                      jwks: msg["jwks"], app_id: msg["appId"], profile: profile)
    return { valid: true }
  end
  args = [request[:method], request[:target]]
  opts = { base_url: request[:base_url], profile: profile, body: request[:body], content_type: request[:content_type] }
  canonical = ConnectJwt.canonical_request(*args, **opts)
  { canonicalRequest: canonical, qsh: OpenSSL::Digest::SHA256.hexdigest(canonical) }
end

def serve
  $stdout.sync = true # one answer a line, flushed: requests are pipelined
  $stdin.each_line { |line| puts JSON.generate(answer(JSON.parse(line))) }
end

def sign(secret, iss, now, method, target, base_url)
  seconds = Integer(now, 10, exception: false) or abort "adapter.rb: NOW is not a number of seconds: #{now.inspect}"
  puts ConnectJwt.sign_app_to_product(secret, iss, seconds, method, target, base_url)
rescue ConnectJwt::RequestError => e
  abort "adapter.rb: #{e.message}"
end

# Signs an app-to-product call at the current time and sends it with Net::HTTP to BASE_URL's
# origin followed by the target exactly as given (the context path is in the target); prints
# the response's status code, then its body. Exit 0 when a response came, 1 when none did, 2
# for arguments it cannot send.
def call(secret, iss, method, target, base_url)
  base = URI.parse(base_url)
  abort_usage("BASE_URL is not an http(s) URL: #{base_url.inspect}") unless base.is_a?(URI::HTTP) && base.hostname
  abort_usage("TARGET must start with /: #{target.inspect}") unless target.start_with?("/")
  header = ConnectJwt.sign_app_to_product(secret, iss, Time.now, method, target, base_url)
  # A request made from a String path writes it into the request line as it is; one made from
  # a URI needs URI.parse, which refuses targets products take (a raw [ or |).
  request = Net::HTTPGenericRequest.new(method, false, method != "HEAD", target, { "Authorization" => header })
  response = Net::HTTP.start(base.hostname, base.port, use_ssl: base.scheme == "https",
                                                      open_timeout: 30, read_timeout: 30) do |http|
    http.request(request) # a redirect is not followed: the token is signed for this target only
  end
  puts response.code
  $stdout.write(response.body.to_s)
rescue URI::InvalidURIError, ConnectJwt::RequestError => e
  abort_usage(e.message)
rescue SystemCallError, IOError, SocketError, Timeout::Error, OpenSSL::SSL::SSLError, Net::ProtocolError => e
  abort "adapter.rb: #{e.class}: #{e.message}"
end

def abort_usage(message)
  warn "adapter.rb: #{message}"
  exit 2
end

case ARGV
in [] then serve
in ["sign", secret, iss, now, method, target, base_url] then sign(secret, iss, now, method, target, base_url)
in ["call", secret, iss, method, target, base_url] then call(secret, iss, method, target, base_url)
in ["example", now]
  # The seed example: Jira with a context path; the base URL's /jira is not hashed.
  sign("example-shared-secret", "com.example.app", now, "GET", "/jira/rest/api/latest/issue/TEST-2",
       "https://example.atlassian.net/jira")
else
  warn "usage: adapter.rb | adapter.rb sign SECRET ISS NOW METHOD TARGET BASE_URL | adapter.rb example NOW | " \
       "adapter.rb call SECRET ISS METHOD TARGET BASE_URL"
  exit 2
end
