<?php

declare(strict_types=1);

// The PHP recipe's program: with no arguments, qshcheck's line protocol on stdin and stdout
// (harness/protocol/PROTOCOL.md); "sign SECRET ISS NOW METHOD TARGET BASE_URL" prints the
// Authorization header for an app-to-product call; "example NOW" signs the seed example;
// "call SECRET ISS METHOD TARGET BASE_URL" signs a call now and sends it with PHP's http stream.

require_once __DIR__ . '/Token.php';

use ConnectJwt\{Qsh, RequestError, Token, TokenError};

const NAME = 'qshcheck-recipe-php';
const VERSION = '1.0';

function answer(array $msg): array
{
    if (($msg['type'] ?? null) === 'hello') {
        return ['type' => 'hello', 'protocol' => 1, 'name' => NAME, 'version' => VERSION,
            'operations' => ['canonical', 'qsh', 'verify'], 'profiles' => ['server', 'product']];
    }
    try {
        if ($msg['op'] === 'verify') {
            Token::verify($msg['kind'], $msg['now'], $msg, $msg['secrets'] ?? [], $msg['publicKeys'] ?? [],
                $msg['authorization'] ?? null, $msg['leeway'] ?? 0, $msg['audience'] ?? null, $msg['clientKey'] ?? null,
                $msg['subject'] ?? null, $msg['jwks'] ?? null, $msg['appId'] ?? null);
            return ['id' => $msg['id'], 'result' => ['valid' => true]];
        }
        $canonical = Qsh::canonicalRequest($msg['method'], $msg['target'], $msg['baseUrl'], $msg['profile'],
            $msg['body'] ?? null, $msg['contentType'] ?? null);
        return ['id' => $msg['id'], 'result' => ['canonicalRequest' => $canonical, 'qsh' => hash('sha256', $canonical)]];
    } catch (RequestError $e) {
        return ['id' => $msg['id'], 'error' => ['status' => $e->status, 'message' => $e->getMessage()]];
    } catch (TokenError $e) {
        return ['id' => $msg['id'], 'error' => ['status' => $e->reason, 'message' => $e->getMessage()]];
    }
}

function serve(): void
{
    while (($line = fgets(STDIN)) !== false) {
        $msg = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
        // One answer a line, flushed: requests are pipelined. The answer's strings are UTF-8.
        fwrite(STDOUT, json_encode(answer($msg), JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES) . "\n");
        fflush(STDOUT);
    }
}

function sign(string $secret, string $iss, string $now, string $method, string $target, string $baseUrl): int
{
    if (!preg_match('/^[0-9]+$/D', $now)) {
        fwrite(STDERR, "adapter.php: NOW is not a number of seconds: $now\n");
        return 1;
    }
    try {
        echo Token::signAppToProduct($secret, $iss, (int) $now, $method, $target, $baseUrl), "\n";
        return 0;
    } catch (RequestError $e) {
        fwrite(STDERR, 'adapter.php: ' . $e->getMessage() . "\n");
        return 1;
    }
}

/**
 * Signs an app-to-product call at the current time and sends it with PHP's http stream wrapper
 * to BASE_URL's origin followed by the target exactly as given (the context path is in the
 * target); prints the response's status code, then its body. Returns 0 when a response came,
 * 1 when none did, 2 for arguments it cannot send.
 */
function call(string $secret, string $iss, string $method, string $target, string $baseUrl): int
{
    $base = parse_url($baseUrl);
    if (!in_array($base['scheme'] ?? null, ['http', 'https'], true) || !isset($base['host'])) {
        fwrite(STDERR, "adapter.php: BASE_URL is not an http(s) URL: $baseUrl\n");
        return 2;
    }
    // The wrapper writes the path and the query of the URL it is given into the request line
    // as parse_url splits them, undecoded; a target they would not rebuild is refused.
    $url = "{$base['scheme']}://{$base['host']}" . (isset($base['port']) ? ":{$base['port']}" : '') . $target;
    $parts = parse_url($url);
    if (!str_starts_with($target, '/') || $parts === false
        || ($parts['path'] ?? '') . (isset($parts['query']) ? "?{$parts['query']}" : '') !== $target) {
        fwrite(STDERR, "adapter.php: the http stream cannot send TARGET unchanged: $target\n");
        return 2;
    }
    try {
        $header = Token::signAppToProduct($secret, $iss, time(), $method, $target, $baseUrl);
    } catch (RequestError $e) {
        fwrite(STDERR, 'adapter.php: ' . $e->getMessage() . "\n");
        return 2;
    }
    // ignore_errors: a 401 is an answer too, with the product's text. No redirect is followed:
    // the token is signed for this target only.
    $context = stream_context_create(['http' => ['method' => $method, 'header' => "Authorization: $header",
        'ignore_errors' => true, 'follow_location' => 0, 'timeout' => 30, 'protocol_version' => 1.1]]);
    $body = @file_get_contents($url, false, $context);
    if ($body === false || !isset($http_response_header[0])) {
        fwrite(STDERR, 'adapter.php: ' . (error_get_last()['message'] ?? 'no response') . "\n");
        return 1;
    }
    echo explode(' ', $http_response_header[0])[1] ?? '', "\n", $body;
    return 0;
}

$args = array_slice($argv, 1);
if ($args === []) {
    serve();
} elseif (count($args) === 7 && $args[0] === 'sign') {
    exit(sign(...array_slice($args, 1)));
} elseif (count($args) === 6 && $args[0] === 'call') {
    exit(call(...array_slice($args, 1)));
} elseif (count($args) === 2 && $args[0] === 'example') {
    // The seed example: Jira with a context path; the base URL's /jira is not hashed.
    exit(sign('example-shared-secret', 'com.example.app', $args[1], 'GET', '/jira/rest/api/latest/issue/TEST-2',
        'https://example.atlassian.net/jira'));
} else {
    fwrite(STDERR, "usage: adapter.php | adapter.php sign SECRET ISS NOW METHOD TARGET BASE_URL | adapter.php example NOW"
        . " | adapter.php call SECRET ISS METHOD TARGET BASE_URL\n");
    exit(2);
}
