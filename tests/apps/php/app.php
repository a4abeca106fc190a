<?php

declare(strict_types=1);

// A tiny Connect app on PHP's built-in server that verifies the product's tokens with the PHP
// recipe (recipes/php/Token.php): the recipe's verifier behind the probe
// (tests/test_probe_recipes.py).
//
//   php app.php --secret S --client-key K [--keys URL]
//
// Listens on 127.0.0.1 on an ephemeral port and prints the port on its first line of stdout;
// stops on SIGTERM or SIGINT. The routes are those of connect_app.py (router.php): /module,
// /webhook, /context, and the lifecycle callbacks /installed, /uninstalled, /enabled,
// /disabled, whose iss must be the body's clientKey. With --keys, /installed and /uninstalled
// take signed installs, their key fetched from URL/KID (/enabled and /disabled stay HS256).
//
// This launcher starts `php -S 127.0.0.1:0 router.php`: the server binds a port of the
// system's choice and names it in the line it logs when it starts, which the launcher reads,
// so no port is chosen first and then perhaps taken by someone else.

$opts = getopt('', ['secret:', 'client-key:', 'keys:']);
if (!is_string($opts['secret'] ?? null) || !is_string($opts['client-key'] ?? null)) {
    fwrite(STDERR, "usage: app.php --secret S --client-key K [--keys URL]\n");
    exit(2);
}
$env = getenv() + ['QSH_APP_SECRET' => $opts['secret'], 'QSH_APP_CLIENT_KEY' => $opts['client-key']];
if (is_string($opts['keys'] ?? null)) {
    $env['QSH_APP_KEYS'] = $opts['keys'];
}
// -q: no line logged per request, which nobody reads; errors go to stderr, not into answers.
$server = proc_open([PHP_BINARY, '-q', '-d', 'display_errors=stderr', '-S', '127.0.0.1:0', __DIR__ . '/router.php'],
    [0 => ['file', '/dev/null', 'r'], 1 => STDERR, 2 => ['pipe', 'w']], $pipes, __DIR__, $env);
if ($server === false) {
    fwrite(STDERR, "app.php: cannot start php -S\n");
    exit(1);
}

$stop = false;
pcntl_async_signals(true);
foreach ([SIGTERM, SIGINT] as $signal) {
    pcntl_signal($signal, function () use (&$stop): void {
        $stop = true;
    });
}
$port = null;
// Until a signal comes or the server ends: the port from its first line, its later lines
// (warnings) copied to stderr, so that its pipe never fills.
while (!$stop) {
    $read = [$pipes[2]];
    $none = null;
    if (@stream_select($read, $none, $none, 1) < 1) {
        continue; // nothing yet, or a signal came
    }
    $line = fgets($pipes[2]);
    if ($line === false) {
        break;
    }
    if ($port === null && preg_match('/Development Server \(http:\/\/127\.0\.0\.1:(\d+)\) started/', $line, $m)) {
        $port = $m[1];
        echo "$port\n";
        fflush(STDOUT);
    } else {
        fwrite(STDERR, $line);
    }
}
proc_terminate($server, SIGTERM);
exit(proc_close($server) === -1 || $port === null ? 1 : 0);
