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
     * returns the verified claims. $kind: module, webhook, context, install or app-to-product.
     * $request: method, target, baseUrl, profile (product for calls a product made to your
     * app), body, contentType. $authorization is the header's value, null when the token is the
     * target's jwt parameter. $secrets: iss (clientKey) => sharedSecret; $publicKeys: kid => PEM.
     */
    public static function verify(string $kind, int $now, array $request, array $secrets = [], array $publicKeys = [],
                                  ?string $authorization = null, int $leeway = 0, ?string $audience = null,
                                  ?string $clientKey = null): \stdClass
    {
        $segments = explode('.', self::carriedToken($authorization, $request['target']));
        if (count($segments) !== 3) {
            throw new TokenError('SEGMENTS');
        }
        $raw = array_map(self::decodeSegment(...), $segments);
        [$header, $claims] = [self::parseObject($raw[0]), self::parseObject($raw[1])];
        $install = $kind === 'install';
        // alg exactly as expected: never none, never the other family (RS256 only for installs).
        if (($header->alg ?? null) !== ($install ? 'RS256' : 'HS256')) {
            throw new TokenError('ALG_NOT_ALLOWED');
        }
        if (property_exists($header, 'crit')) {
            throw new TokenError('CRIT_UNSUPPORTED'); // no extension is understood here
        }
        // jku, jwk, x5u and x5c are never read; a kid is checked before any key is looked up.
        $kid = $header->kid ?? null;
        if (($install || property_exists($header, 'kid'))
            && !(is_string($kid) && preg_match('/^[A-Za-z0-9._-]{1,128}$/D', $kid) && !str_contains($kid, '..'))) {
            throw new TokenError('KID_INVALID');
        }
        $signed = "$segments[0].$segments[1]";
        if ($install) {
            self::checkRs256($publicKeys, $kid, $signed, $raw[2]);
        } else {
            self::checkHs256($secrets, $claims->iss ?? null, $signed, $raw[2]);
        }
        self::checkClaims($claims, $kind, $now, $leeway, $audience, $clientKey);
        self::checkQsh($claims, $kind, $request);
        return $claims;
    }

    /** "Authorization: JWT <token>" (the scheme case-sensitive, one space) or one jwt parameter. */
    private static function carriedToken(?string $authorization, string $target): string
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
        if ($authorization !== null && !preg_match('/^JWT [^ ]+$/D', $authorization)) {
            throw new TokenError('CARRIAGE_SCHEME');
        }
        $token = $authorization !== null ? substr($authorization, 4) : ($params[0] ?? throw new TokenError('CARRIAGE_MISSING'));
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
     * MAX_DEPTH levels, nothing after it. json_decode keeps the last of a member given twice: a
     * gap (README.md).
     */
    private static function parseObject(string $json): \stdClass
    {
        try {
            $value = json_decode($json, false, self::MAX_DEPTH + 1, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new TokenError($e->getCode() === JSON_ERROR_DEPTH ? 'JSON_TOO_DEEP' : 'JSON_INVALID');
        }
        return $value instanceof \stdClass ? $value : throw new TokenError('JSON_NOT_OBJECT');
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

    private static function checkRs256(array $publicKeys, string $kid, string $signed, string $signature): void
    {
        $pem = $publicKeys[$kid] ?? throw new TokenError('KEY_UNKNOWN');
        $key = openssl_pkey_get_public($pem);
        $details = $key === false ? false : openssl_pkey_get_details($key);
        if ($details === false || $details['type'] !== OPENSSL_KEYTYPE_RSA) {
            throw new TokenError('KEY_INVALID');
        }
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
                                        ?string $clientKey): void
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
        // The install key is Atlassian's: iss must be the tenant of the callback's body.
        if ($kind === 'install' && ($claims->iss ?? null) !== $clientKey) {
            throw new TokenError('ISS_MISMATCH');
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
