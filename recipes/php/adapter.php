<?php

declare(strict_types=1);

// The PHP recipe's program: with no arguments, qshcheck's line protocol on stdin and stdout
// (harness/protocol/PROTOCOL.md); "sign SECRET ISS NOW METHOD TARGET BASE_URL" prints the
// Authorization header for an app-to-product call; "example NOW" signs the seed example.

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

$args = array_slice($argv, 1);
if ($args === []) {
    serve();
} elseif (count($args) === 7 && $args[0] === 'sign') {
    exit(sign(...array_slice($args, 1)));
} elseif (count($args) === 2 && $args[0] === 'example') {
    // The seed example: Jira with a context path; the base URL's /jira is not hashed.
    exit(sign('example-shared-secret', 'com.example.app', $args[1], 'GET', '/jira/rest/api/latest/issue/TEST-2',
        'https://example.atlassian.net/jira'));
} else {
    fwrite(STDERR, "usage: adapter.php | adapter.php sign SECRET ISS NOW METHOD TARGET BASE_URL | adapter.php example NOW\n");
    exit(2);
}
