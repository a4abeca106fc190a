#!/usr/bin/python3
"""Measure what real servlet containers compute for every qsh case of the corpus.

Compiles the Java code of servers/java and the servlet filter of recipes/java, starts four
configurations (stock Tomcat 9, Tomcat with the request charset set to UTF-8 before parameters
are read, that and the connector's relaxed path and query characters of Jira's server.xml, stock
Jetty 9.4) on the loopback, sends every `server`-profile qsh case whose base URL
a server can be given as raw HTTP/1.1 bytes, and records per configuration the canonical
request the servlet computed, or that the container refused the request and with which status.

    measure.py BUILD_DIR            write servers/measured.json
    measure.py --check BUILD_DIR    measure again; exit 1, printing each difference, when the
                                    committed file differs
    measure.py --missing            print the first tool or jar that is missing (for CMake)

Exit status: 0 done (or no difference), 1 differences, 2 usage or a missing tool or jar, 3 a
container failed to start or to answer in time.
"""

import argparse
import glob
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The Java recipe's folders, relative to HERE, compiled with the launchers: its servlet part
# (CanonicalRequest, QshFilter) and the recipe, whose Json writes the launchers' lines.
SERVLET = os.path.join("..", "recipes", "java", "qshcheck", "servlet")
RECIPE = os.path.join("..", "recipes", "java", "qshcheck", "recipe")
ROOT = os.path.dirname(HERE)

# Each configuration: the launcher class, its arguments before the context paths, and the jars
# (in --jars) on its class path. Tomcat runs with its own servlet API jar, Jetty with Debian's.
TOMCAT_JARS = ["tomcat9-servlet-api.jar", "tomcat9-catalina.jar", "tomcat9-coyote.jar",
               "tomcat9-util.jar", "tomcat9-util-scan.jar", "tomcat9-juli.jar",
               "tomcat9-api.jar", "tomcat9-jaspic-api.jar", "tomcat9-annotations-api.jar"]
JETTY_JARS = ["servlet-api.jar", "jetty9-server.jar", "jetty9-servlet.jar", "jetty9-util.jar",
              "jetty9-http.jar", "jetty9-io.jar", "jetty9-security.jar"]
CONFIGURATIONS = {
    "tomcat": ("qshcheck.measure.TomcatLauncher", ["stock"], TOMCAT_JARS),
    "tomcat-utf8": ("qshcheck.measure.TomcatLauncher", ["utf8"], TOMCAT_JARS),
    "tomcat-jira": ("qshcheck.measure.TomcatLauncher", ["jira"], TOMCAT_JARS),
    "jetty": ("qshcheck.measure.JettyLauncher", [], JETTY_JARS),
}
DESCRIPTIONS = {
    "tomcat": "Apache Tomcat, stock settings",
    "tomcat-utf8": "Apache Tomcat, request charset set to UTF-8 by a filter before any "
                   "parameter is read (as Jira's and Confluence's encoding filters do)",
    "tomcat-jira": "Apache Tomcat as Jira configures it: the UTF-8 request charset of "
                   "tomcat-utf8, and the connector's relaxedPathChars \"[]|\" and "
                   "relaxedQueryChars \"[]|{}^\\`\"<>\" of Jira's conf/server.xml",
    "jetty": "Eclipse Jetty, stock settings",
}

STARTUP_SECONDS = 90        # a launcher's own limit is 60 s; this covers a slow JVM start too
REQUEST_SECONDS = 15        # per socket operation
OVERALL_SECONDS = 600       # the whole measurement
MAX_RESPONSE = 16 << 20     # bytes read from one response at most

ABSOLUTE_FORM = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
BASE_URL = re.compile(r"(?i:https?)://([^/?#\s]+)(/[^?#]*)?")
ESCAPES = re.compile(r"%(?![0-9A-Fa-f]{2})")

running = []                # the launcher processes, stopped in a finally block


class Failure(Exception):
    """A container that would not start or answer: exit status 3."""


class Setup(Exception):
    """A missing tool, jar or file: exit status 2."""


# --- the cases --------------------------------------------------------------------------------

def authority_host(authority):
    """The Host header of an authority: without userinfo (RFC 9112 section 3.2)."""
    return authority.rpartition("@")[2]


def context_path(base_url):
    """The decoded context path a server is given for base_url, or None if it cannot be one.

    Usable: empty (the root context), or http(s) with a host, a path without whitespace,
    control characters or malformed escapes, valid UTF-8 once decoded, and no query or
    fragment. The trailing '/' goes: a context path never ends in one.
    """
    if base_url == "":
        return ""
    m = BASE_URL.fullmatch(base_url)
    if not m:
        return None
    path = m.group(2) or ""
    if any(ord(c) < 0x21 or ord(c) > 0x7e for c in path) or ESCAPES.search(path):
        return None
    raw = re.sub(r"%([0-9A-Fa-f]{2})", lambda e: chr(int(e.group(1), 16)), path)
    try:
        decoded = raw.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded.rstrip("/")


def case_key(case):
    """The input that identifies a measurement: what is sent, not the file or tcId."""
    key = {"method": case["method"], "target": case["target"], "baseUrl": case["baseUrl"]}
    for name in ("body", "contentType"):
        if name in case:
            key[name] = case[name]
    return key


def key_order(key):
    return json.dumps([key.get(n) for n in ("method", "target", "baseUrl", "body",
                                            "contentType")])


def load_cases(vectors_dir):
    """{key_order: {"key", "context", "vectors": [(file, tcId, canonicalRequest or None)]}}."""
    files = sorted(glob.glob(os.path.join(vectors_dir, "qsh_*.json")))
    if not files:
        raise Setup("no qsh_*.json in " + vectors_dir)
    cases = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for group in doc["testGroups"]:
            for case in group["tests"]:
                if case["profile"] != "server":
                    continue
                context = context_path(case["baseUrl"])
                if context is None:
                    continue
                key = case_key(case)
                entry = cases.setdefault(key_order(key),
                                         {"key": key, "context": context, "vectors": []})
                entry["vectors"].append((os.path.basename(path), case["tcId"],
                                         case.get("canonicalRequest"), case["result"]))
    return cases


# --- the request on the wire ------------------------------------------------------------------

def request_bytes(key):
    """The raw HTTP/1.1 request of a case: the method and target exactly as in the vector."""
    target = key["target"]
    if ABSOLUTE_FORM.match(target):
        # RFC 9112 section 3.2.2: with an absolute-form target, Host repeats its authority.
        rest = target[ABSOLUTE_FORM.match(target).end():]
        host = authority_host(re.split(r"[/?#]", rest, maxsplit=1)[0])
    elif key["baseUrl"]:
        host = authority_host(BASE_URL.fullmatch(key["baseUrl"]).group(1))
    else:
        host = "localhost"
    head = [key["method"].encode() + b" " + target.encode() + b" HTTP/1.1",
            b"Host: " + host.encode(), b"Connection: close"]
    body = b""
    if "body" in key:
        body = key["body"].encode()
        if "contentType" in key:
            head.append(b"Content-Type: " + key["contentType"].encode())
        head.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def exchange(port, data, deadline):
    """Sends data, reads until the server closes; returns the bytes read (maybe none)."""
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_SECONDS) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading everything: read its answer
        chunks, size = [], 0
        while size < MAX_RESPONSE:
            if time.monotonic() > deadline:
                raise Failure("the overall time limit ran out")
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            except socket.timeout:
                raise Failure("no answer within %d s on port %d" % (REQUEST_SECONDS, port))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)


def http09_answer(response):
    """An answer without a status line: Tomcat took a request line without a version (a target
    with a raw CR LF or an empty one) as HTTP/0.9, whose response is the body alone. It is the
    servlet's JSON when the servlet ran; otherwise Tomcat's error page, whose title names the
    status it would have sent."""
    try:
        answer = json.loads(response.decode("ascii"))
        return {"canonicalRequest": answer["canonicalRequest"],
                "contextPath": answer["contextPath"], "http09": True}
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        pass
    m = re.search(rb"<title>HTTP Status (\d{3})", response)
    if m:
        return {"refused": int(m.group(1)), "http09": True}
    return {"refused": None, "error": "a response without a status line"}


def answer_of(response, method):
    """What a response says: {"canonicalRequest", "contextPath"} or {"refused": status}."""
    if not response:
        return {"refused": None, "error": "connection closed without a response"}
    if not response.startswith(b"HTTP/"):
        return http09_answer(response)
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    m = re.fullmatch(rb"HTTP/1\.[01] (\d{3})(?: .*)?", lines[0])
    if not m:
        return {"refused": None, "error": "not an HTTP/1.x response"}
    status = int(m.group(1))
    if status != 200:
        return {"refused": status}
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if method == "HEAD":
        body = headers.get(b"qshcheck-answer", b"")
    try:
        answer = json.loads(body.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise Failure("a 200 answer that is not the servlet's: %r" % response[:200])
    return {"canonicalRequest": answer["canonicalRequest"],
            "contextPath": answer["contextPath"]}


# --- the containers ---------------------------------------------------------------------------

def compile_java(javac, jars, classes, folders=("java", SERVLET, RECIPE)):
    """Compiles the .java files under HERE's folders into classes (emptied first)."""
    sources = sorted(s for folder in folders
                     for s in glob.glob(os.path.join(HERE, folder, "**", "*.java"),
                                        recursive=True))
    shutil.rmtree(classes, ignore_errors=True)
    os.makedirs(classes)
    cp = os.pathsep.join(os.path.join(jars, j) for j in sorted(set(TOMCAT_JARS + JETTY_JARS)))
    cmd = [javac, "--release", "17", "-Xlint:all", "-Werror", "-encoding", "UTF-8",
           "-d", classes, "-cp", cp] + sources
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    if done.returncode != 0:
        raise Setup("javac failed:\n" + done.stdout.decode(errors="replace"))


def start(name, java, jars, classes, work, contexts, log_dir):
    """Starts one configuration's launcher; returns the process (see wait_ready)."""
    launcher, args, needed = CONFIGURATIONS[name]
    cp = os.pathsep.join([classes] + [os.path.join(jars, j) for j in needed])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log = open(os.path.join(log_dir, name + ".log"), "wb")
    extra = [work] if launcher.endswith("TomcatLauncher") else []
    # Its own session, so that the whole process group can be killed; stdin is a pipe whose
    # end makes the launcher exit even if this script dies without its finally block.
    proc = subprocess.Popen([java, "-Xmx256m", "-Duser.language=en", "-cp", cp, launcher]
                            + args + extra + contexts,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                            start_new_session=True)
    log.close()
    running.append(proc)
    return proc


def wait_ready(name, proc, contexts, log_dir):
    """The launcher's ready line, read within STARTUP_SECONDS."""
    line = b""
    limit = time.monotonic() + STARTUP_SECONDS
    while not line.endswith(b"\n"):
        left = limit - time.monotonic()
        if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
            raise Failure("%s did not start within %d s (see %s.log)"
                          % (name, STARTUP_SECONDS, name))
        byte = os.read(proc.stdout.fileno(), 1)
        if not byte:
            raise Failure("%s exited while starting (status %s; see %s)"
                          % (name, proc.wait(timeout=10), os.path.join(log_dir, name + ".log")))
        line += byte
    ready = json.loads(line)
    if len(ready["ports"]) != len(contexts):
        raise Failure("%s reported %d ports for %d contexts"
                      % (name, len(ready["ports"]), len(contexts)))
    return ready


def stop_all():
    """Stops every launcher: stdin closed (it exits at once), then its process group killed."""
    for proc in running:
        try:
            proc.stdin.close()
        except OSError:
            pass
    for proc in running:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
    running.clear()


def missing(args):
    """The first thing the measurement needs and cannot find, or None."""
    for tool in ("java", "javac"):
        if not (getattr(args, tool) or shutil.which(tool)):
            return "%s (apt-get install openjdk-17-jdk-headless)" % tool
    for jar in sorted(set(TOMCAT_JARS + JETTY_JARS)):
        if not os.path.isfile(os.path.join(args.jars, jar)):
            return "%s in %s (apt-get install libtomcat9-java libjetty9-java)" % (jar, args.jars)
    return None


def measure(args, cases):
    lack = missing(args)
    if lack:
        raise Setup("missing " + lack)
    java = args.java or shutil.which("java")
    javac = args.javac or shutil.which("javac")
    out_dir = os.path.join(os.path.abspath(args.build_dir), "servers")
    os.makedirs(out_dir, exist_ok=True)
    classes = os.path.join(out_dir, "classes")
    compile_java(javac, args.jars, classes)

    contexts = sorted({c["context"] for c in cases.values()})
    deadline = time.monotonic() + OVERALL_SECONDS
    procs = {name: start(name, java, args.jars, classes, os.path.join(out_dir, "work-" + name),
                         contexts, out_dir) for name in CONFIGURATIONS}
    ready = {name: wait_ready(name, procs[name], contexts, out_dir) for name in CONFIGURATIONS}
    answers = {name: {} for name in CONFIGURATIONS}
    errors = []

    def run(name):
        ports = dict(zip(contexts, ready[name]["ports"]))
        try:
            for order, case in sorted(cases.items()):
                key = case["key"]
                response = exchange(ports[case["context"]], request_bytes(key), deadline)
                answers[name][order] = answer_of(response, key["method"])
        except Exception as e:  # reported below; the thread must not die silently
            errors.append("%s: %s: %s" % (name, type(e).__name__, e))

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in CONFIGURATIONS]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()) + 1)
        if t.is_alive():
            errors.append("the overall time limit of %d s ran out" % OVERALL_SECONDS)
            break
    if errors:
        raise Failure("; ".join(errors))

    javas = {r["java"] for r in ready.values()}
    doc = {
        "about": "What real servlet containers compute for the server-profile qsh cases, "
                 "measured by servers/measure.py; each case is keyed by its input.",
        "java": " ".join(sorted(javas)),
        "configurations": {n: {"description": DESCRIPTIONS[n], "server": ready[n]["server"],
                               "version": ready[n]["version"]} for n in CONFIGURATIONS},
        "cases": [],
    }
    for order, case in sorted(cases.items()):
        entry = dict(case["key"])
        entry["answers"] = {n: answers[n][order] for n in CONFIGURATIONS}
        doc["cases"].append(entry)
    return doc


# --- the file, the check, the summary ---------------------------------------------------------

def dump(doc):
    """Stable text: sorted keys, ASCII only, one line per case so that a diff names cases."""
    lines = ["{"]
    for name in ("about", "java", "configurations"):
        lines.append(" %s: %s," % (json.dumps(name), json.dumps(doc[name], sort_keys=True)))
    lines.append(' "cases": [')
    cases = [json.dumps(c, sort_keys=True) for c in doc["cases"]]
    lines.append(",\n".join("  " + c for c in cases))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def short(text, limit=100):
    text = json.dumps(text)
    return text if len(text) <= limit else text[:limit] + "...(%d chars)" % len(text)


def differences(old, new):
    """What the containers answer differently. The Java runtime's version is not compared: the
    containers are pinned Debian packages, but a fresh machine gets the current OpenJDK 17
    update, and a runtime that changed an answer shows in the answers."""
    out = []
    for name in CONFIGURATIONS:
        was = old.get("configurations", {}).get(name, {})
        for field, now in sorted(new["configurations"][name].items()):
            if was.get(field) != now:
                out.append("%s %s: committed %s, measured %s"
                           % (name, field, json.dumps(was.get(field)), json.dumps(now)))
    before = {key_order(c): c for c in old.get("cases", [])}
    after = {key_order(c): c for c in new["cases"]}
    for order in sorted(set(before) | set(after)):
        label = short(order, 160)
        if order not in after:
            out.append("case %s: committed, no longer measured" % label)
        elif order not in before:
            out.append("case %s: measured, not in the committed file" % label)
        else:
            for name in CONFIGURATIONS:
                was = before[order]["answers"].get(name)
                now = after[order]["answers"][name]
                if was != now:
                    out.append("case %s: %s: committed %s, measured %s"
                               % (label, name, short(was), short(now)))
    return out


def summary(doc, cases):
    by_order = {key_order(c): c for c in doc["cases"]}
    lines = []
    for name in CONFIGURATIONS:
        accepted = agree = 0
        refused = {}
        disagree = []
        for order, case in sorted(cases.items()):
            answer = by_order[order]["answers"][name]
            expected = {v[2] for v in case["vectors"]}
            where = ", ".join("%s %s (%s)" % (f[4:-5], t, r) for f, t, _, r in case["vectors"])
            if "refused" in answer:
                status = answer["refused"]
                refused[status] = refused.get(status, 0) + 1
                if expected != {None}:
                    disagree.append("  %s: refused %s; vector expects %s"
                                    % (where, status, short(sorted(expected - {None})[0])))
                continue
            accepted += 1
            got = answer["canonicalRequest"]
            if got in expected:
                agree += 1
            elif expected == {None}:
                disagree.append("  %s: computed %s; vector expects a rejection"
                                % (where, short(got)))
            else:
                disagree.append("  %s: computed %s; vector expects %s"
                                % (where, short(got), short(sorted(expected - {None})[0])))
        by_status = ", ".join("%s: %d" % (s, n)
                              for s, n in sorted(refused.items(), key=lambda i: str(i[0])))
        lines.append("%s (%s): %d sent, %d accepted, %d refused (%s), %d agree with the "
                     "vector's canonicalRequest, %d disagree"
                     % (name, doc["configurations"][name]["server"], len(cases), accepted,
                        sum(refused.values()), by_status or "none", agree, len(disagree)))
        lines.extend(disagree)
    return "\n".join(lines)


def on_signal(signum, _frame):
    raise KeyboardInterrupt("signal %d" % signum)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir", nargs="?",
                        help="where the Java classes and the containers' files go")
    parser.add_argument("--missing", action="store_true",
                        help="print what the measurement needs and cannot find, and exit")
    parser.add_argument("--check", action="store_true",
                        help="fail, printing each difference, if the committed file differs")
    parser.add_argument("--vectors", default=os.path.join(ROOT, "vectors"))
    parser.add_argument("--out", default=os.path.join(HERE, "measured.json"))
    parser.add_argument("--jars", default="/usr/share/java")
    parser.add_argument("--java")
    parser.add_argument("--javac")
    args = parser.parse_args()
    if args.missing:
        print(missing(args) or "")
        return 0
    if not args.build_dir:
        parser.error("the build folder is needed")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    started = time.monotonic()
    try:
        cases = load_cases(args.vectors)
        doc = measure(args, cases)
    except Setup as e:
        print("measure.py: %s" % e, file=sys.stderr)
        return 2
    except Failure as e:
        print("measure.py: %s" % e, file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("measure.py: interrupted", file=sys.stderr)
        return 130
    finally:
        stop_all()
    print(summary(doc, cases))
    print("measured %d cases x %d configurations in %.1f s"
          % (len(cases), len(CONFIGURATIONS), time.monotonic() - started))
    text = dump(doc)
    if not args.check:
        with open(args.out, "w", encoding="ascii") as f:
            f.write(text)
        return 0
    try:
        with open(args.out, encoding="ascii") as f:
            committed = f.read()
    except OSError as e:
        print("measure.py: cannot read %s: %s" % (args.out, e), file=sys.stderr)
        return 1
    old = json.loads(committed)
    if old.get("java") != doc["java"]:
        print("note: measured with Java %s, the file with %s" % (doc["java"], old.get("java")))
    diffs = differences(old, doc)
    if committed == text or (not diffs and dict(old, java=doc["java"]) == doc):
        print("%s is up to date" % os.path.basename(args.out))
        return 0
    for line in diffs or ["the answers agree but the text differs: rerun servers/measure.py"]:
        print(line)
    print("%s differs from a fresh measurement (%d differences): run servers/measure.py"
          % (os.path.basename(args.out), len(diffs)))
    return 1


if __name__ == "__main__":
    sys.exit(main())
