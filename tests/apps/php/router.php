<?php

declare(strict_types=1);

// The router script of the PHP recipe's app (app.php starts PHP's built-in server with it):
// every request goes to the recipe's verifier (recipes/php/Token.php) with the kind of its
// route, the token read as the product sends it. The configuration comes from app.php in the
// environment: QSH_APP_SECRET, QSH_APP_CLIENT_KEY and, for signed installs, QSH_APP_KEYS.

require_once __DIR__ . '/../../../recipes/php/Token.php';

use ConnectJwt\{Token, TokenError};

const KINDS = ['/module' => 'module', '/webhook' => 'webhook', '/context' => 'context',
    '/installed' => 'lifecycle', '/uninstalled' => 'lifecycle', '/enabled' => 'lifecycle',
    '/disabled' => 'lifecycle'];
const SIGNED_INSTALLS = ['/installed', '/uninstalled'];
const MAX_BODY = 65536;

/** The kid of the token in Authorization, read unverified, if a URL can hold it. */
function unverifiedKid(?string $authorization): ?string
{
    $segment = explode('.', substr($authorization ?? '', 4))[0];
    $header = json_decode((string) base64_decode(strtr($segment, '-_', '+/')));
    $kid = $header instanceof stdClass ? ($header->kid ?? null) : null;
    return is_string($kid) && preg_match('/^[A-Za-z0-9._-]{1,128}$/D', $kid) ? $kid : null;
}

function fetchKey(string $keys, ?string $kid): array
{
    if ($kid === null) {
        return [];
    }
    $context = stream_context_create(['http' => ['timeout' => 5, 'ignore_errors' => true]]);
    $pem = @file_get_contents("$keys/$kid", false, $context, 0, MAX_BODY);
    return $pem !== false && str_contains($http_response_header[0] ?? '', ' 200 ') ? [$kid => $pem] : [];
}

/** [status, text] for the request being served. */
function answer(): array
{
    // REQUEST_URI is the request line's target as it came: what the product signed.
    $target = $_SERVER['REQUEST_URI'];
    $route = explode('?', $target, 2)[0];
    $kind = KINDS[$route] ?? null;
    if ($kind === null) {
        return [404, 'no such route'];
    }
    $body = file_get_contents('php://input', false, null, 0, MAX_BODY + 1);
    if (strlen($body) > MAX_BODY) {
        return [413, 'body too large'];
    }
    $clientKey = null;
    if ($kind === 'lifecycle') {
        $payload = json_decode($body);
        $clientKey = $payload instanceof stdClass && is_string($payload->clientKey ?? null) ? $payload->clientKey : null;
        if ($clientKey === null) {
            return [401, 'the body names no clientKey'];
        }
    }
    $baseUrl = 'http://127.0.0.1:' . $_SERVER['SERVER_PORT'];
    $authorization = array_change_key_case(getallheaders())['authorization'] ?? null;
    $request = ['method' => $_SERVER['REQUEST_METHOD'], 'target' => $target, 'baseUrl' => $baseUrl,
        'profile' => 'product', 'body' => $body, 'contentType' => $_SERVER['CONTENT_TYPE'] ?? null];
    $keys = getenv('QSH_APP_KEYS');
    $signedInstall = $keys !== false && in_array($route, SIGNED_INSTALLS, true);
    try {
        Token::verify($signedInstall ? 'install' : $kind, time(), $request,
            [getenv('QSH_APP_CLIENT_KEY') => getenv('QSH_APP_SECRET')],
            $signedInstall ? fetchKey($keys, unverifiedKid($authorization)) : [], $authorization,
            audience: $signedInstall ? $baseUrl : null, clientKey: $clientKey);
    } catch (TokenError $e) {
        return [401, 'invalid token: ' . $e->getMessage()];
    }
    return [200, 'ok'];
}

[$status, $text] = answer();
http_response_code($status);
header('Content-Type: text/plain');
echo $text;
