<?php

declare(strict_types=1);

// The canonical request and query string hash (qsh) of Atlassian Connect JWTs, following the
// rules of qshcheck's docs/RULES.md. PHP's built-ins only (hash, PCRE).

namespace ConnectJwt;

/** An input the rules cannot canonicalize; $status is the reference's status name. */
final class RequestError extends \RuntimeException
{
    public readonly string $status;

    public function __construct(string $status)
    {
        $this->status = "QSH_E_$status";
        parent::__construct("cannot canonicalize the request: $this->status");
    }
}

final class Qsh
{
    // The named limits, in bytes: over one is an error, never a truncation.
    private const MAX_METHOD = 64;
    private const MAX_TARGET = 1024 * 1024;
    private const MAX_BASE_URL = 4096;
    private const MAX_BODY = 4 * 1024 * 1024;
    private const ABSOLUTE_URL = '~^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)$~sD';
    private const HOST_PORT = '~^(\[[^\]]+\]|[^:\[\]@]+)(?::([0-9]*))?$~D'; // no userinfo

    /**
     * Lowercase hex SHA-256 of the canonical request. $profile 'server' is what a product
     * computes for your app's call (the path as sent); 'product' is what Jira or Confluence
     * signed when it calls your app (the decoded path).
     */
    public static function hash(string $method, string $target, string $baseUrl = '', string $profile = 'server',
                                ?string $body = null, ?string $contentType = null): string
    {
        return hash('sha256', self::canonicalRequest($method, $target, $baseUrl, $profile, $body, $contentType));
    }

    /** METHOD "&" CANONICAL_URI "&" CANONICAL_QUERY */
    public static function canonicalRequest(string $method, string $target, string $baseUrl = '',
                                            string $profile = 'server', ?string $body = null,
                                            ?string $contentType = null): string
    {
        match (true) {
            $method === '' => throw new RequestError('METHOD_EMPTY'),
            strlen($method) > self::MAX_METHOD => throw new RequestError('METHOD_TOO_LONG'),
            // The characters of an HTTP method (RFC 9110).
            !preg_match('/^[!#$%&\'*+\-.^_`|~A-Za-z0-9]+$/D', $method) => throw new RequestError('METHOD_INVALID'),
            $target === '' => throw new RequestError('TARGET_EMPTY'),
            strlen($target) > self::MAX_TARGET => throw new RequestError('TARGET_TOO_LONG'),
            !self::onTheWire($target) => throw new RequestError('TARGET_BYTE'),
            default => null,
        };
        [$baseOrigin, $basePath] = self::parseBaseUrl($baseUrl);
        // Read the body as Jira's Tomcat does: the method exactly POST (as sent), the media type
        // before any ';', blanks trimmed, exactly the form type in these letters.
        $media = trim(explode(';', $contentType ?? '', 2)[0], " \t");
        $withBody = $method === 'POST' && $media === 'application/x-www-form-urlencoded';
        if ($withBody && strlen($body ?? '') > self::MAX_BODY) {
            throw new RequestError('BODY_TOO_LONG');
        }
        if ($withBody && !self::onTheWire($body ?? '')) {
            throw new RequestError('BODY_BYTE');
        }

        $rest = $target;
        if (preg_match(self::ABSOLUTE_URL, $target, $m)) {
            $origin = self::parseOrigin($m[1], $m[2], 'URL_SCHEME', 'URL_INVALID');
            // Its path cannot be made relative to a base URL on another origin.
            if ($baseOrigin !== null && $origin !== $baseOrigin) {
                throw new RequestError('ORIGIN_MISMATCH');
            }
            $rest = $m[3];
        }
        [$path, $query] = explode('?', explode('#', $rest, 2)[0], 2) + [1 => ''];
        if ($profile === 'product') { // a product hashes the decoded path: %20 is a space, %2F a '/'
            $path = self::decode($path, false);
            try {
                $basePath = self::decode($basePath, false);
            } catch (RequestError) {
                throw new RequestError('BASE_URL_INVALID');
            }
        } elseif (preg_match('/%(?![0-9A-Fa-f]{2})/', $path)) { // the server profile keeps the
            throw new RequestError('PERCENT_MALFORMED'); // path as sent (/%FF too), escapes whole
        }
        if ($withBody) {
            $query .= '&' . $body; // merged, as a servlet's parameter map merges them
        }
        return strtoupper($method) . '&' . self::canonicalUri($path, $basePath) . '&' . self::canonicalQuery($query);
    }

    /** @return array{?string, string} the origin and the path of an absolute http(s) URL without a query */
    private static function parseBaseUrl(string $url): array
    {
        if ($url === '') {
            return [null, ''];
        }
        if (strlen($url) > self::MAX_BASE_URL) {
            throw new RequestError('BASE_URL_TOO_LONG');
        }
        if (!self::onTheWire($url) || !preg_match(self::ABSOLUTE_URL, $url, $m) || strpbrk($m[3], '?#') !== false
            || preg_match('/%(?![0-9A-Fa-f]{2})/', $m[3])) {
            throw new RequestError('BASE_URL_INVALID');
        }
        return [self::parseOrigin($m[1], $m[2], 'BASE_URL_INVALID', 'BASE_URL_INVALID'), $m[3]];
    }

    /** The default port made explicit, so that https://h and https://H:443 are the same origin. */
    private static function parseOrigin(string $scheme, string $authority, string $badScheme, string $bad): string
    {
        $scheme = strtolower($scheme);
        $port = ['http' => 80, 'https' => 443][$scheme] ?? throw new RequestError($badScheme);
        if (!preg_match(self::HOST_PORT, $authority, $m)) {
            throw new RequestError($bad);
        }
        if (($m[2] ?? '') !== '') {
            // Compare the digits without integer overflow: leading zeros, then at most 5 digits.
            $digits = ltrim($m[2], '0');
            $port = strlen($digits) > 5 ? 65536 : (int) $digits;
        }
        if ($port > 65535) {
            throw new RequestError($bad);
        }
        return "$scheme://" . strtolower($m[1]) . ":$port";
    }

    private static function canonicalUri(string $path, string $basePath): string
    {
        // Strip the base path on a segment boundary only: /wiki/x -> /x, but /wikipedia stays.
        $basePath = rtrim($basePath, '/');
        if ($basePath !== '' && ($path === $basePath || str_starts_with($path, "$basePath/"))) {
            $path = substr($path, strlen($basePath));
        }
        if (strlen($path) > 1 && str_ends_with($path, '/')) {
            $path = substr($path, 0, -1); // exactly one trailing slash goes: /p// -> /p/
        }
        if (!str_starts_with($path, '/')) {
            $path = "/$path";
        }
        return str_replace('&', '%26', $path); // a raw & would read as a separator of the canonical request
    }

    private static function canonicalQuery(string $query): string
    {
        $groups = []; // encoded name -> decoded values
        // Split on & only (';' is data), each piece at its first '='; empty pieces are skipped.
        foreach (explode('&', $query) as $piece) {
            [$rawName, $rawValue] = explode('=', $piece, 2) + [1 => ''];
            $name = self::decode($rawName, true);
            $value = self::decode($rawValue, true);
            // Exactly "jwt" is the token: JWT is a parameter like any other. An empty name is dropped.
            if ($name !== '' && $name !== 'jwt') {
                $groups[rawurlencode($name)][] = $value;
            }
        }
        // Names sort by their encoded bytes: a%5Bb%5D before a.c. (Keys like "1" become integers
        // in a PHP array, so compare them as strings.)
        uksort($groups, fn ($a, $b) => strcmp((string) $a, (string) $b));
        $parts = [];
        foreach ($groups as $name => $values) {
            // Values sort by their decoded text in UTF-16 code-unit order, as Java's compareTo
            // sorts them. UTF-8 bytes sort in code-point order, which differs only in that
            // characters above U+FFFF (surrogate pairs) come before U+E000..U+FFFF: lifting
            // those characters' lead bytes EE and EF above F0..F4 gives the UTF-16 order.
            usort($values, fn ($a, $b) => strcmp(strtr($a, "\xEE\xEF", "\xF5\xF6"), strtr($b, "\xEE\xEF", "\xF5\xF6")));
            // rawurlencode keeps A-Z a-z 0-9 - . _ ~ and writes every other byte as %XX, upper case.
            $parts[] = "$name=" . implode(',', array_map('rawurlencode', $values));
        }
        return implode('&', $parts);
    }

    /** Percent-decodes $s (a plus is a space in a query or a form body) into UTF-8 text. */
    public static function decode(string $s, bool $plusIsSpace): string
    {
        if (preg_match('/%(?![0-9A-Fa-f]{2})/', $s)) {
            throw new RequestError('PERCENT_MALFORMED');
        }
        $text = $plusIsSpace ? urldecode($s) : rawurldecode($s);
        // PCRE's UTF-8 check refuses overlongs, surrogates, code points above U+10FFFF and cut sequences.
        if (!preg_match('//u', $text)) {
            throw new RequestError('UTF8_INVALID');
        }
        return $text;
    }

    /**
     * Only visible ASCII can be sent in a request line or a form body; a space, control or
     * non-ASCII byte would have been encoded by the client, and guessing how is wrong.
     */
    private static function onTheWire(string $s): bool
    {
        return !preg_match('/[^\x21-\x7e]/', $s);
    }
}
