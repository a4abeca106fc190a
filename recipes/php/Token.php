<?php

declare(strict_types=1);

// Signing app-to-product calls and verifying product-to-app tokens of Atlassian Connect,
// following docs/RULES.md "Connect JWTs". PHP's built-ins only: hash_hmac, openssl, json.

namespace ConnectJwt;

require_once __DIR__ . '/Qsh.php';

/** A refused token; $reason is the code of the first rule that fails. */
final class TokenError extends \RuntimeException
{
    public function __construct(public readonly string $reason)
    {
        parent::__construct("JWT refused: $reason");
    }
}

final class Token
{
    private const MAX_TOKEN = 8192; // bytes of a carried token
    private const MAX_DEPTH = 16; // levels of JSON
    private const MAX_JWKS = 65536; // bytes of a JWK Set
    private const MAX_JWKS_KEYS = 64;
    private const FIT_ISSUER = 'forge/invocation-token';
    private const APP_ARI = 'ari:cloud:ecosystem::app/';

    /**
     * The Authorization header's value for an app's call to a product: HS256 with the shared
     * secret, iss the app key, a lifetime of 180 s and the qsh of the request as the product
     * computes it (the 'server' profile, the tenant's baseUrl). Bitbucket also wants "sub": the
     * clientKey; add it to the claims if you call Bitbucket.
     */
    public static function signAppToProduct(string $secret, string $appKey, int $now, string $method,
                                            string $target, string $baseUrl): string
    {
        $claims = ['iss' => $appKey, 'iat' => $now, 'exp' => $now + 180, 'qsh' => Qsh::hash($method, $target, $baseUrl)];
        $signed = self::b64('{"alg":"HS256","typ":"JWT"}') . '.' . self::b64(json_encode($claims, JSON_THROW_ON_ERROR));
        return "JWT $signed." . self::b64(hash_hmac('sha256', $signed, $secret, true));
    }

    private static function b64(string $bytes): string
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }

    /**
     * Checks a token strictly, in a fixed order so that the first failure is always the same;
     * returns the verified claims. $kind: module, webhook, context, lifecycle (HS256 enabled and
     * disabled callbacks, and Bitbucket's installed and uninstalled), install (RS256 signed
     * installs), app-to-product, or forge-invocation (a Forge Invocation Token: RS256 with a key
     * of the JWK Set text you configure in $jwks, never one a token names; $appId bare or as its
     * ARI). $request: method, target, baseUrl, profile (product for calls a product made to your
     * app), body, contentType. $authorization is the header's value, null when the token is the
     * target's jwt parameter. $secrets: iss (clientKey) => sharedSecret; $publicKeys: kid => PEM.
     * $clientKey: the body's clientKey of a callback, which iss must be; $subject: the sub
     * expected (Bitbucket's app-to-product tokens: the clientKey).
     */
    public static function verify(string $kind, int $now, array $request, array $secrets = [], array $publicKeys = [],
                                  ?string $authorization = null, int $leeway = 0, ?string $audience = null,
                                  ?string $clientKey = null, ?string $subject = null, ?string $jwks = null,
                                  ?string $appId = null): \stdClass
    {
        $kinds = ['module', 'webhook', 'context', 'lifecycle', 'install', 'app-to-product', 'forge-invocation'];
        if (!in_array($kind, $kinds, true)) {
            throw new TokenError('KIND_INVALID'); // a typo must not pick the rules
        }
        $fit = $kind === 'forge-invocation';
        $token = $fit ? self::bearerToken($authorization) : self::carriedToken($authorization, $request['target'], $kind);
        $segments = explode('.', $token);
        if (count($segments) !== 3) {
            throw new TokenError('SEGMENTS');
        }
        $raw = array_map(self::decodeSegment(...), $segments);
        [$header, $claims] = [self::parseObject($raw[0]), self::parseObject($raw[1])];
        $rs256 = $fit || $kind === 'install';
        // alg exactly as expected: never none, never the other family (RS256 only for installs
        // and Forge Invocation Tokens).
        if (($header->alg ?? null) !== ($rs256 ? 'RS256' : 'HS256')) {
            throw new TokenError('ALG_NOT_ALLOWED');
        }
        if (property_exists($header, 'crit')) {
            throw new TokenError('CRIT_UNSUPPORTED'); // no extension is understood here
        }
        // jku, jwk, x5u and x5c are never read; a kid is checked before any key is looked up.
        $kid = $header->kid ?? null;
        if (($rs256 || property_exists($header, 'kid'))
            && !(is_string($kid) && preg_match('/^[A-Za-z0-9._-]{1,128}$/D', $kid) && !str_contains($kid, '..'))) {
            throw new TokenError('KID_INVALID');
        }
        $signed = "$segments[0].$segments[1]";
        match ($kind) {
            'forge-invocation' => self::checkRs256(self::jwksKey($jwks ?? '', $kid), $signed, $raw[2]),
            'install' => self::checkRs256(self::installKey($publicKeys, $kid), $signed, $raw[2]),
            default => self::checkHs256($secrets, $claims->iss ?? null, $signed, $raw[2]),
        };
        if ($fit) { // the app's ARI, whether configured bare or as the ARI
            $audience = self::APP_ARI . (str_starts_with($appId ?? '', self::APP_ARI) ? substr($appId, strlen(self::APP_ARI)) : ($appId ?? ''));
        }
        self::checkClaims($claims, $kind, $now, $leeway, $audience, $clientKey, $subject);
        if (!$fit) { // a Forge Invocation Token has no qsh
            self::checkQsh($claims, $kind, $request);
        }
        return $claims;
    }

    /**
     * "Authorization: JWT <token>" (the scheme case-sensitive, one space) or one jwt parameter,
     * never for app-to-product (the products answer 401 since 2022). A compact token holds no
     * '=': "JWT token=<jwt>" is not the format.
     */
    private static function carriedToken(?string $authorization, string $target, string $kind): string
    {
        $query = explode('?', explode('#', $target, 2)[0], 2)[1] ?? '';
        $params = [];
        foreach (explode('&', $query) as $piece) {
            [$name, $value] = explode('=', $piece, 2) + [1 => ''];
            if (!preg_match('/%(?![0-9A-Fa-f]{2})/', $name) && urldecode($name) === 'jwt') {
                $params[] = $value;
            }
        }
        if (count($params) > 1 || ($params && $authorization !== null)) {
            throw new TokenError('CARRIAGE_AMBIGUOUS');
        }
        if ($authorization !== null && !preg_match('/^JWT [^ =]+$/D', $authorization)) {
            throw new TokenError('CARRIAGE_SCHEME');
        }
        $token = $authorization !== null ? substr($authorization, 4) : ($params[0] ?? throw new TokenError('CARRIAGE_MISSING'));
        if ($authorization === null && $kind === 'app-to-product') {
            throw new TokenError('CARRIAGE_QUERY_NOT_ALLOWED');
        }
        if (strlen($token) > self::MAX_TOKEN) {
            throw new TokenError('TOKEN_TOO_LARGE');
        }
        if ($authorization !== null) {
            return $token;
        }
        if (preg_match('/%(?![0-9A-Fa-f]{2})/', $token)) {
            throw new TokenError('B64_INVALID');
        }
        return urldecode($token); // a query value is form-decoded, as a server does
    }

    /** A Forge Invocation Token travels only as "Authorization: Bearer <token>". */
    private static function bearerToken(?string $authorization): string
    {
        if ($authorization === null) {
            throw new TokenError('CARRIAGE_MISSING');
        }
        if (!preg_match('/^Bearer [^ =]+$/D', $authorization)) {
            throw new TokenError('CARRIAGE_SCHEME');
        }
        if (strlen($authorization) - 7 > self::MAX_TOKEN) {
            throw new TokenError('TOKEN_TOO_LARGE');
        }
        return substr($authorization, 7);
    }

    /**
     * base64url without padding, strictly: what does not encode back to the same text (padding,
     * other characters, unused bits set) is refused.
     */
    private static function decodeSegment(string $text): string
    {
        $bytes = base64_decode(strtr($text, '-_', '+/'), true);
        if (!preg_match('/^[A-Za-z0-9_-]*$/D', $text) || $bytes === false || self::b64($bytes) !== $text) {
            throw new TokenError('B64_INVALID');
        }
        return $bytes;
    }

    /**
     * A JSON object: UTF-8 (json_decode refuses other bytes and lone surrogate escapes), at most
     * MAX_DEPTH levels, nothing after it, no member twice.
     */
    private static function parseObject(string $json): \stdClass
    {
        try {
            $value = json_decode($json, false, self::MAX_DEPTH + 1, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new TokenError($e->getCode() === JSON_ERROR_DEPTH ? 'JSON_TOO_DEEP' : 'JSON_INVALID');
        }
        if (self::namesAMemberTwice($json)) {
            throw new TokenError('JSON_DUP_MEMBER');
        }
        return $value instanceof \stdClass ? $value : throw new TokenError('JSON_NOT_OBJECT');
    }

    /**
     * Whether JSON text that json_decode has accepted names a member twice in one object, the
     * names compared after unescaping ("\u0061lg" is alg): json_decode itself keeps the last and
     * says nothing. Valid JSON needs only its strings and structural characters read for this.
     */
    private static function namesAMemberTwice(string $json): bool
    {
        preg_match_all('/"(?:[^"\\\\]++|\\\\.)*+"|[{}\[\],]/s', $json, $tokens);
        $open = []; // per open object the names it holds, per open array null
        $nameNext = false; // whether the next string is a member's name
        foreach ($tokens[0] as $token) {
            if ($token === '{' || $token === '[') {
                $open[] = $token === '{' ? [] : null;
                $nameNext = $token === '{';
            } elseif ($token === '}' || $token === ']') {
                array_pop($open);
            } elseif ($token === ',') {
                $nameNext = is_array($open[count($open) - 1]);
            } elseif ($nameNext) {
                $name = json_decode($token); // as an array key "1" becomes 1, but no two names meet
                if (isset($open[count($open) - 1][$name])) {
                    return true;
                }
                $open[count($open) - 1][$name] = true;
                $nameNext = false;
            }
        }
        return false;
    }

    private static function checkHs256(array $secrets, mixed $iss, string $signed, string $signature): void
    {
        if (!is_string($iss)) {
            throw new TokenError('ISS_MISSING');
        }
        $secret = $secrets[$iss] ?? throw new TokenError('ISS_UNKNOWN');
        if (!hash_equals(hash_hmac('sha256', $signed, $secret, true), $signature)) { // constant time
            throw new TokenError('SIG_INVALID');
        }
    }

    private static function installKey(array $publicKeys, string $kid): \OpenSSLAsymmetricKey
    {
        $pem = $publicKeys[$kid] ?? throw new TokenError('KEY_UNKNOWN');
        $key = openssl_pkey_get_public($pem);
        $details = $key === false ? false : openssl_pkey_get_details($key);
        if ($details === false || $details['type'] !== OPENSSL_KEYTYPE_RSA) {
            throw new TokenError('KEY_INVALID');
        }
        return $key;
    }

    /**
     * The RSA key of $kid in a JWK Set document: a JSON object (at most 64 KiB, no member twice,
     * bounded depth) whose keys hold 1 to 64 objects, and $kid in one of them only. That JWK has
     * kty RSA, use sig and alg RS256 when present, n and e as minimal unpadded base64url
     * (RFC 7518 section 6.3.1), n of 2048 to 8192 bits, e odd and at least 3.
     */
    private static function jwksKey(string $jwks, string $kid): \OpenSSLAsymmetricKey
    {
        try {
            $doc = strlen($jwks) <= self::MAX_JWKS ? self::parseObject($jwks) : null;
        } catch (TokenError) {
            $doc = null;
        }
        $keys = $doc->keys ?? null;
        if (!is_array($keys) || count($keys) < 1 || count($keys) > self::MAX_JWKS_KEYS
            || count(array_filter($keys, is_object(...))) !== count($keys)) {
            throw new TokenError('JWKS_INVALID'); // not a JWK Set, or a key that is not a JWK
        }
        $found = array_values(array_filter($keys, fn (\stdClass $jwk) => ($jwk->kid ?? null) === $kid));
        if (count($found) > 1) {
            throw new TokenError('JWKS_INVALID'); // the kid twice
        }
        $jwk = $found[0] ?? throw new TokenError('KEY_UNKNOWN');
        if (($jwk->kty ?? null) !== 'RSA' || (property_exists($jwk, 'use') && $jwk->use !== 'sig')
            || (property_exists($jwk, 'alg') && $jwk->alg !== 'RS256')) {
            throw new TokenError('KEY_INVALID');
        }
        $n = self::base64urlUint($jwk->n ?? null, 8192 / 8);
        $e = self::base64urlUint($jwk->e ?? null, 8);
        $bits = $n === null ? 0 : (strlen($n) - 1) * 8 + strlen(decbin(ord($n[0])));
        if ($bits < 2048 || $e === null || (ord($e[-1]) & 1) === 0 || $e === "\x01") {
            throw new TokenError('KEY_INVALID'); // n of 2048 bits or more, e odd and at least 3
        }
        // PHP's openssl makes no public key from n and e: give it a SubjectPublicKeyInfo in DER.
        $int = fn (string $bytes) => self::der(0x02, (ord($bytes[0]) & 0x80 ? "\0" : '') . $bytes);
        $rsaEncryption = self::der(0x06, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01") . "\x05\x00";
        $spki = self::der(0x30, self::der(0x30, $rsaEncryption) . self::der(0x03, "\0" . self::der(0x30, $int($n) . $int($e))));
        $pem = "-----BEGIN PUBLIC KEY-----\n" . chunk_split(base64_encode($spki), 64, "\n") . "-----END PUBLIC KEY-----\n";
        return openssl_pkey_get_public($pem) ?: throw new TokenError('KEY_INVALID');
    }

    /**
     * A Base64urlUInt (RFC 7518 section 2): unpadded base64url of the fewest octets (no leading
     * zero), at most $max of them; null when $value is not one.
     */
    private static function base64urlUint(mixed $value, int $max): ?string
    {
        try {
            $bytes = is_string($value) ? self::decodeSegment($value) : '';
        } catch (TokenError) {
            return null;
        }
        return $bytes === '' || strlen($bytes) > $max || $bytes[0] === "\0" ? null : $bytes;
    }

    /** One DER element: its tag, its length (short or long form) and its content. */
    private static function der(int $tag, string $content): string
    {
        $length = strlen($content) < 0x80 ? chr(strlen($content)) : ltrim(pack('N', strlen($content)), "\0");
        return chr($tag) . (strlen($content) < 0x80 ? $length : chr(0x80 | strlen($length)) . $length) . $content;
    }

    private static function checkRs256(\OpenSSLAsymmetricKey $key, string $signed, string $signature): void
    {
        $details = openssl_pkey_get_details($key);
        // Exactly the key's size: no leading zero dropped or added, nothing appended.
        if (strlen($signature) !== strlen($details['rsa']['n'])
            || openssl_verify($signed, $signature, $key, OPENSSL_ALGO_SHA256) !== 1) {
            throw new TokenError('SIG_INVALID');
        }
    }

    /** An integer NumericDate >= 0 (json_decode gives a float for 1.0, 1e400 or 2^63). */
    private static function numericDate(\stdClass $claims, string $name): ?int
    {
        if (!property_exists($claims, $name)) {
            return null;
        }
        $value = $claims->$name;
        return is_int($value) && $value >= 0 ? $value : throw new TokenError(strtoupper($name) . '_TYPE');
    }

    private static function checkClaims(\stdClass $claims, string $kind, int $now, int $leeway, ?string $audience,
                                        ?string $clientKey, ?string $subject): void
    {
        $exp = self::numericDate($claims, 'exp') ?? throw new TokenError('EXP_MISSING');
        $iat = self::numericDate($claims, 'iat') ?? throw new TokenError('IAT_MISSING');
        $nbf = self::numericDate($claims, 'nbf');
        // Compared as now - leeway against a date, so that no sum can overflow.
        match (true) {
            $now - $leeway >= $exp => throw new TokenError('EXP_EXPIRED'),
            $iat - $leeway > $now => throw new TokenError('IAT_IN_FUTURE'),
            $nbf !== null && $nbf - $leeway > $now => throw new TokenError('NBF_NOT_YET'),
            $exp <= $iat => throw new TokenError('EXP_BEFORE_IAT'),
            default => null,
        };
        if ($audience !== null || $kind === 'install') {
            if (!property_exists($claims, 'aud')) {
                throw new TokenError('AUD_MISSING');
            }
            if (!in_array($audience, is_array($claims->aud) ? $claims->aud : [$claims->aud], true)) {
                throw new TokenError('AUD_MISMATCH');
            }
        }
        // A signed install's key is Atlassian's, and Bitbucket's callbacks are signed with the
        // secret of the body: either way iss must be the body's tenant.
        if (($kind === 'install' || ($kind === 'lifecycle' && $clientKey !== null)) && ($claims->iss ?? null) !== $clientKey) {
            throw new TokenError('ISS_MISMATCH');
        }
        if ($subject !== null && ($claims->sub ?? null) !== $subject) {
            throw new TokenError('SUB_MISMATCH');
        }
        if ($kind === 'forge-invocation') {
            self::checkForgeClaims($claims, $audience);
        }
    }

    /** A Forge Invocation Token names its issuer and the app installation it is for. */
    private static function checkForgeClaims(\stdClass $claims, string $ari): void
    {
        if (($claims->iss ?? null) !== self::FIT_ISSUER) {
            throw new TokenError('FIT_ISS_INVALID');
        }
        $app = $claims->app ?? null;
        if (!$app instanceof \stdClass || !is_string($app->installationId ?? null) || !is_string($app->apiBaseUrl ?? null)
            || (property_exists($app, 'id') && $app->id !== $ari)) {
            throw new TokenError('FIT_APP_INVALID');
        }
    }

    private static function checkQsh(\stdClass $claims, string $kind, array $request): void
    {
        if (!property_exists($claims, 'qsh')) {
            throw new TokenError('QSH_MISSING');
        }
        if ($claims->qsh === 'context-qsh') {
            // The literal is never a hash; taking it on every endpoint was CVE-2021-26073.
            if ($kind !== 'context') {
                throw new TokenError('QSH_CONTEXT_NOT_ALLOWED');
            }
            return;
        }
        if (!is_string($claims->qsh) || !preg_match('/^[0-9a-f]{64}$/D', $claims->qsh)) {
            throw new TokenError('QSH_TYPE');
        }
        try {
            $expected = Qsh::hash($request['method'], $request['target'], $request['baseUrl'] ?? '',
                $request['profile'] ?? 'product', $request['body'] ?? null, $request['contentType'] ?? null);
        } catch (RequestError) {
            throw new TokenError('REQUEST_INVALID');
        }
        if (!hash_equals($expected, $claims->qsh)) {
            throw new TokenError('QSH_MISMATCH');
        }
    }
}
