#include "judge/report.h"

#include <stdlib.h>
#include <string.h>

int qc_format_parse(const char *s, qc_format *out) {
    static const struct {
        const char *name;
        qc_format f;
    } names[] = {{"text", QC_FORMAT_TEXT},
                 {"json", QC_FORMAT_JSON},
                 {"junit", QC_FORMAT_JUNIT},
                 {"tap", QC_FORMAT_TAP}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].f;
            return 0;
        }
    }
    return -1;
}

/* The one escaper of text output. quoted: a C string's body ('"', '\\' and every byte outside
 * printable ASCII escaped). Otherwise text as people read it: UTF-8 kept, and only what a
 * terminal would act on or cannot show (C0 controls, DEL, the C1 controls U+0080 to U+009F,
 * bytes outside UTF-8) written as \xNN. Returns the column at which byte `mark` was written. */
static size_t write_escaped(FILE *out, const char *s, size_t n, size_t mark, int quoted) {
    size_t col = 0, mark_col = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        if (i == mark) {
            mark_col = col;
        }
        size_t k = quoted || b < 0x80 ? 1 : qc_utf8_char(s + i, n - i);
        int c1 = k == 2 && b == 0xC2 && (unsigned char)s[i + 1] < 0xA0;
        if (quoted && (b == '"' || b == '\\')) {
            col += (size_t)fprintf(out, "\\%c", b);
        } else if (b < 0x20 || b == 0x7F || (quoted && b > 0x7F) || k == 0 || c1) {
            k = k == 0 ? 1 : k;
            for (size_t j = 0; j < k; j++) {
                col += (size_t)fprintf(out, "\\x%02X", (unsigned char)s[i + j]);
            }
        } else {
            fwrite(s + i, 1, k, out);
            col++;
        }
        i += k;
    }
    return mark >= n ? col : mark_col;
}

size_t qc_write_escaped(FILE *out, const char *s, size_t n, size_t mark) {
    return write_escaped(out, s, n, mark, 1);
}

void qc_write_text(FILE *out, const char *s, size_t n) {
    (void)write_escaped(out, s, n, n, 0);
}

size_t qc_write_text_at(FILE *out, const char *s, size_t n, size_t mark) {
    return write_escaped(out, s, n, mark, 0);
}

void qc_write_cstr(FILE *out, const char *s) {
    (void)write_escaped(out, s, strlen(s), 0, 0);
}

void qc_print_error(const char *msg) {
    fputs("qshcheck: ", stderr);
    qc_write_cstr(stderr, msg);
    fputc('\n', stderr);
}

size_t qc_utf8_char(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0) {
        return 0;
    }
    if (s[0] < 0x80) {
        return 1;
    }
    size_t len = s[0] >= 0xC2 && s[0] <= 0xDF   ? 2
                 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
                 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                                : 0;
    if (len == 0 || n < len) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
    }
    /* no overlong forms, no surrogates, nothing above U+10FFFF */
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F)) {
        return 0;
    }
    return len;
}

/* A JSON string of s: s itself when it is UTF-8; otherwise each byte outside UTF-8 as the four
 * characters \xNN and each backslash doubled, so that the bytes can be told back (run --help
 * documents this). NULL only when out of memory. */
static json_t *json_text(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && qc_utf8_char(s + i, n - i) > 0) {
        i += qc_utf8_char(s + i, n - i);
    }
    if (i == n) {
        return json_stringn(s, n);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m == NULL) {
        return NULL;
    }
    for (i = 0; i < n;) {
        size_t k = qc_utf8_char(s + i, n - i);
        if (k == 0) {
            fprintf(m, "\\x%02X", (unsigned char)s[i]);
            i++;
        } else {
            if (s[i] == '\\') {
                fputc('\\', m);
            }
            fwrite(s + i, 1, k, m);
            i += k;
        }
    }
    fclose(m);
    json_t *j = json_stringn(buf, len);
    free(buf);
    return j;
}

/* Text of XML character data or an attribute value: markup escaped, and bytes that XML 1.0
 * cannot carry (controls, bytes outside UTF-8, U+FFFE and U+FFFF) written as \xNN. */
static void write_xml(FILE *o, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x80) {
            size_t k = qc_utf8_char(s + i, n - i);
            int nonchar = k == 3 && b == 0xEF && (unsigned char)s[i + 1] == 0xBF &&
                          (unsigned char)s[i + 2] >= 0xBE;
            if (k == 0 || nonchar) {
                fprintf(o, "\\x%02X", b);
            } else {
                fwrite(s + i, 1, k, o);
                i += k - 1;
            }
            continue;
        }
        switch (b) {
        case '<':
            fputs("&lt;", o);
            break;
        case '>':
            fputs("&gt;", o);
            break;
        case '&':
            fputs("&amp;", o);
            break;
        case '"':
            fputs("&quot;", o);
            break;
        default:
            if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) {
                fprintf(o, "\\x%02X", b);
            } else {
                fputc(b, o);
            }
        }
    }
}

int qc_report_begin(qc_report *r, qc_format format, FILE *out, const char *impl_name) {
    memset(r, 0, sizeof *r);
    r->format = format;
    r->out = out;
    snprintf(r->impl_name, sizeof r->impl_name, "%s", impl_name);
    if (format == QC_FORMAT_JSON) {
        r->doc = json_pack("{s:o, s:[], s:[], s:{}}", "implementation",
                           json_text(impl_name, strlen(impl_name)), "failures", "skips", "files");
        return r->doc ? 0 : -1;
    }
    if (format == QC_FORMAT_JUNIT) {
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"qshcheck ", out);
        write_xml(out, impl_name, strlen(impl_name));
        fputs("\">\n", out);
    }
    if (format == QC_FORMAT_TAP) {
        fputs("TAP version 13\n", out);
    }
    return 0;
}

/* The tallies of one file in the JSON document, so that a reader need not take a case that is
 * not among the failures for a pass (it may have been skipped). Keyed by the stem, as the cases'
 * keys are (two files of one stem add up, as their keys meet), written as json_text writes it
 * when it is not UTF-8. NULL only when out of memory. */
static json_t *json_file_tally(qc_report *r, const char *file_stem) {
    json_t *files = json_object_get(r->doc, "files");
    json_t *name = json_text(file_stem, strlen(file_stem));
    json_t *t = name ? json_object_get(files, json_string_value(name)) : NULL;
    if (name != NULL && t == NULL) {
        t = json_pack("{s:i, s:i, s:i, s:i}", "passed", 0, "failed", 0, "skipped", 0,
                      "expectedFailures", 0);
        if (json_object_set_new(files, json_string_value(name), t) != 0) {
            t = NULL;
        }
    }
    json_decref(name);
    return t;
}

static void json_count(json_t *tally, const char *what) {
    json_t *n = json_object_get(tally, what);
    json_integer_set(n, json_integer_value(n) + 1);
}

void qc_report_file_begin(qc_report *r, const char *file_stem) {
    if (r->format == QC_FORMAT_JSON) {
        r->file = json_file_tally(r, file_stem);
    }
    if (r->format == QC_FORMAT_JUNIT) {
        r->suite = open_memstream(&r->suite_buf, &r->suite_len);
        r->suite_name = file_stem;
        r->suite_tests = r->suite_failures = r->suite_skipped = 0;
    }
}

/* What a failing verdict says: its own reason, or that a listed failure passes. */
static const char *verdict_why(const qc_verdict *v) {
    return v->kind == QC_XPASS ? "listed as an expected failure, but passes" : v->why;
}

static void text_field(FILE *out, const char *label, const char *s, size_t n) {
    fprintf(out, " %s=\"", label);
    qc_write_escaped(out, s, n, n);
    fputc('"', out);
}

/* The failure in words: what `run` prints for people, and the body of a JUnit failure. */
/* What the servlet containers computed, for an acceptable case, which any of them passes. */
static void text_servers(FILE *o, const qc_case *c) {
    if (c->result != QC_ACCEPTABLE || c->nservers == 0) {
        return;
    }
    for (size_t i = 0; i < c->nservers; i++) {
        const qc_server_answer *s = &c->servers[i];
        fprintf(o, "  %-9s ", i == 0 ? "servers:" : "");
        qc_write_escaped(o, s->name.p, s->name.n, 0);
        if (s->accepted && !s->http09) {
            fputs(" computes ", o);
            qc_write_escaped(o, s->canonical_request.p, s->canonical_request.n, 0);
            fputc('\n', o);
        } else {
            fprintf(o, " refuses the request (%lld)\n", s->status);
        }
    }
}

static void describe_failure(FILE *o, const qc_case *c, const qc_answer *a, const qc_verdict *v) {
    size_t i;
    json_t *flag;
    fputs("  comment: ", o);
    qc_write_text(o, c->comment.p, c->comment.n);
    fputs("\n  flags:  ", o);
    json_array_foreach(c->flags, i, flag) {
        fputc(' ', o);
        qc_write_cstr(o, json_string_value(flag));
    }
    fputs("\n  input:   ", o);
    if (c->is_token) {
        fputs(" kind=", o);
        qc_write_text(o, c->kind.p, c->kind.n);
        fprintf(o, " now=%lld leeway=%lld", c->now, c->leeway);
        if (c->has_authorization) {
            text_field(o, "authorization", c->authorization.p, c->authorization.n);
        }
    }
    text_field(o, "method", c->method.p, c->method.n);
    text_field(o, "target", c->target.p, c->target.n);
    if (c->base_url.n) {
        text_field(o, "baseUrl", c->base_url.p, c->base_url.n);
    }
    fputs(" profile=", o);
    qc_write_text(o, c->profile.p, c->profile.n);
    if (c->has_body) {
        text_field(o, "body", c->body.p, c->body.n);
        text_field(o, "contentType", c->content_type.p, c->content_type.n);
    }
    fputc('\n', o);
    if (c->result == QC_INVALID || c->rules_reject) {
        fputs("  expected: rejected with ", o);
        qc_write_text(o, c->status.p, c->status.n);
        fprintf(o, "%s\n", c->rules_reject ? "   (acceptable)" : "");
    } else if (c->is_token) {
        fputs("  expected: valid\n", o);
    } else {
        fputs("  expected: ", o);
        qc_write_escaped(o, c->canonical_request.p, c->canonical_request.n, 0);
        fprintf(o, "%s\n", c->result == QC_ACCEPTABLE ? "   (acceptable)" : "");
        if (a->outcome == QC_OUT_OK && a->request == NULL) {
            fputs("  expected qsh: ", o);
            qc_write_text(o, c->qsh.p, c->qsh.n);
            fputc('\n', o);
        }
    }
    text_servers(o, c);
    if (v->kind == QC_XPASS) {
        fputs("  listed as an expected failure (", o);
        qc_write_cstr(o, v->expect_reason);
        fputs("), but it passes\n", o);
    } else if (c->is_token && a->outcome == QC_OUT_OK) {
        fputs("  actual:   valid\n", o);
    } else if (a->outcome == QC_OUT_OK && a->request != NULL) {
        fputs("  actual:   ", o);
        size_t col = qc_write_escaped(o, a->request, a->request_len, v->first_diff);
        fputc('\n', o);
        if (v->has_diff) {
            fprintf(o, "            %*s^ first difference at byte %zu\n", (int)col, "",
                    v->first_diff);
        }
    } else if (a->outcome == QC_OUT_OK) {
        fputs("  actual qsh:   ", o);
        qc_write_cstr(o, a->qsh);
        fputs(" (the implementation gave no canonical request)\n", o);
    } else {
        fprintf(o, "  actual:   %s ", a->outcome == QC_OUT_ERROR ? "rejected with" : "broken:");
        qc_write_cstr(o, a->status);
        fputc('\n', o);
    }
}

static void json_failure(qc_report *r, const char *file, const char *key, const qc_case *c,
                         const qc_answer *a, const qc_verdict *v) {
    json_t *input = json_pack("{s:s%, s:s%, s:s%, s:s%}", "method", c->method.p, c->method.n,
                              "target", c->target.p, c->target.n, "baseUrl", c->base_url.p,
                              c->base_url.n, "profile", c->profile.p, c->profile.n);
    if (input && c->has_body) {
        json_object_set_new(input, "body", json_text(c->body.p, c->body.n));
        json_object_set_new(input, "contentType",
                            json_stringn(c->content_type.p, c->content_type.n));
    }
    json_t *expected = json_pack("{s:s}", "result", qc_result_name(c->result));
    if (expected && (c->result == QC_INVALID || c->rules_reject)) {
        json_object_set_new(expected, "status", json_stringn(c->status.p, c->status.n));
    } else if (expected && c->is_token) {
        json_object_set_new(expected, "verdict", json_string("valid"));
    } else if (expected) {
        json_object_set_new(expected, "canonicalRequest",
                            json_stringn(c->canonical_request.p, c->canonical_request.n));
        json_object_set_new(expected, "qsh", json_stringn(c->qsh.p, c->qsh.n));
    }
    json_t *actual;
    if (a->outcome == QC_OUT_OK) {
        actual = json_pack("{s:s}", "outcome", "canonical");
        if (actual && a->request) {
            json_object_set_new(actual, "canonicalRequest", json_text(a->request, a->request_len));
        }
        if (actual && a->has_qsh) {
            json_object_set_new(actual, "qsh", json_text(a->qsh, strlen(a->qsh)));
        }
    } else {
        actual =
            json_pack("{s:s, s:o}", "outcome", a->outcome == QC_OUT_ERROR ? "rejected" : "broken",
                      "status", json_text(a->status, strlen(a->status)));
    }
    json_t *f =
        json_pack("{s:o, s:o, s:I, s:s%, s:O*, s:s, s:s, s:o*, s:o*, s:o*}", "file",
                  json_text(file, strlen(file)), "key", json_text(key, strlen(key)), "tcId",
                  (json_int_t)c->tc_id, "comment", c->comment.p, c->comment.n, "flags", c->flags,
                  "verdict", v->kind == QC_XPASS ? "unexpected-pass" : "fail", "why",
                  verdict_why(v), "input", input, "expected", expected, "actual", actual);
    if (f && v->has_diff && v->kind == QC_FAIL) {
        json_object_set_new(f, "firstDifference", json_integer((json_int_t)v->first_diff));
    }
    json_array_append_new(json_object_get(r->doc, "failures"), f);
}

static void junit_case(qc_report *r, const char *key, const qc_case *c, const qc_answer *a,
                       const qc_verdict *v) {
    FILE *o = r->suite;
    if (o == NULL) {
        return;
    }
    r->suite_tests++;
    fputs("    <testcase classname=\"", o);
    write_xml(o, r->suite_name, strlen(r->suite_name));
    fputs("\" name=\"", o);
    write_xml(o, key, strlen(key));
    fputs(": ", o);
    write_xml(o, c->comment.p, c->comment.n);
    fputs("\" time=\"0\"", o);
    if (v->kind == QC_PASS) {
        fputs("/>\n", o);
        return;
    }
    fputs(">\n", o);
    if (v->kind == QC_SKIP || v->kind == QC_XFAIL) {
        r->suite_skipped++;
        fputs("      <skipped message=\"", o);
        if (v->kind == QC_XFAIL) {
            fputs("expected failure: ", o);
            write_xml(o, v->expect_reason, strlen(v->expect_reason));
        } else {
            write_xml(o, a->status, strlen(a->status));
        }
        fputs("\"/>\n", o);
    } else {
        r->suite_failures++;
        char *body = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&body, &len);
        if (m != NULL) {
            describe_failure(m, c, a, v);
            fclose(m);
        }
        fputs("      <failure message=\"", o);
        write_xml(o, verdict_why(v), strlen(verdict_why(v)));
        fputs("\" type=\"mismatch\">", o);
        if (body != NULL) {
            write_xml(o, body, len);
        }
        fputs("</failure>\n", o);
        free(body);
    }
    fputs("    </testcase>\n", o);
}

/* A test line's description: '#' would start a directive and a newline end the line, so both
 * become blanks; the rest is text. */
static void tap_text(FILE *o, const char *s, size_t n) {
    size_t from = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '#' || s[i] == '\n') {
            qc_write_text(o, s + from, i - from);
            if (i < n) {
                fputc(' ', o);
            }
            from = i + 1;
        }
    }
}

static void tap_case(qc_report *r, const char *key, const qc_case *c, const qc_answer *a,
                     const qc_verdict *v) {
    FILE *o = r->out;
    r->tap_n++;
    int ok = v->kind == QC_PASS || v->kind == QC_SKIP;
    fprintf(o, "%s %zu - ", ok ? "ok" : "not ok", r->tap_n);
    tap_text(o, key, strlen(key));
    fputc(' ', o);
    tap_text(o, c->comment.p, c->comment.n);
    if (v->kind == QC_SKIP) {
        fputs(" # SKIP ", o);
        qc_write_cstr(o, a->status);
        fputc('\n', o);
    } else if (v->kind == QC_XFAIL) {
        fputs(" # TODO expected failure: ", o);
        qc_write_cstr(o, v->expect_reason);
        fputc('\n', o);
    } else {
        fputc('\n', o);
    }
    if (v->kind == QC_FAIL || v->kind == QC_XPASS) {
        fputs("  ---\n  message: \"", o);
        qc_write_escaped(o, verdict_why(v), strlen(verdict_why(v)), 0);
        fputs("\"\n  expected: \"", o);
        if (c->result == QC_INVALID || c->rules_reject) {
            qc_write_escaped(o, c->status.p, c->status.n, 0);
        } else if (c->is_token) {
            fputs("valid", o);
        } else {
            qc_write_escaped(o, c->canonical_request.p, c->canonical_request.n, 0);
        }
        fputs("\"\n  actual: \"", o);
        if (a->outcome == QC_OUT_OK && a->request != NULL) {
            qc_write_escaped(o, a->request, a->request_len, 0);
        } else if (a->outcome == QC_OUT_OK) {
            qc_write_escaped(o, a->qsh, strlen(a->qsh), 0);
        } else {
            qc_write_escaped(o, a->status, strlen(a->status), 0);
        }
        fputs("\"\n  ...\n", o);
    }
}

void qc_report_case(qc_report *r, const char *file, const char *key, const qc_case *c,
                    const qc_answer *a, const qc_verdict *v) {
    const char *tally = v->kind == QC_PASS    ? "passed"
                        : v->kind == QC_SKIP  ? "skipped"
                        : v->kind == QC_XFAIL ? "expectedFailures"
                                              : "failed";
    switch (v->kind) {
    case QC_PASS:
        r->passed++;
        break;
    case QC_SKIP:
        r->skipped++;
        break;
    case QC_XFAIL:
        r->xfailed++;
        break;
    default:
        r->failed++;
    }
    if (r->format == QC_FORMAT_JSON && r->file != NULL) {
        json_count(r->file, tally);
    }
    if (r->format == QC_FORMAT_JSON && v->kind == QC_SKIP) {
        json_array_append_new(json_object_get(r->doc, "skips"),
                              json_pack("{s:o, s:o}", "key", json_text(key, strlen(key)), "why",
                                        json_text(a->status, strlen(a->status))));
    }
    switch (r->format) {
    case QC_FORMAT_JUNIT:
        junit_case(r, key, c, a, v);
        return;
    case QC_FORMAT_TAP:
        tap_case(r, key, c, a, v);
        return;
    default:
        break;
    }
    if (v->kind != QC_FAIL && v->kind != QC_XPASS) {
        return;
    }
    if (r->format == QC_FORMAT_JSON) {
        json_failure(r, file, key, c, a, v);
        return;
    }
    fprintf(r->out, "%s ", v->kind == QC_XPASS ? "XPASS" : "FAIL");
    qc_write_cstr(r->out, file);
    fprintf(r->out, " tcId %lld: %s\n", c->tc_id, verdict_why(v));
    describe_failure(r->out, c, a, v);
}

void qc_report_file_end(qc_report *r) {
    if (r->format != QC_FORMAT_JUNIT || r->suite == NULL) {
        return;
    }
    fclose(r->suite);
    r->suite = NULL;
    fputs("  <testsuite name=\"", r->out);
    write_xml(r->out, r->suite_name, strlen(r->suite_name));
    fprintf(r->out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"0\">\n",
            r->suite_tests, r->suite_failures, r->suite_skipped);
    fwrite(r->suite_buf, 1, r->suite_len, r->out);
    fputs("  </testsuite>\n", r->out);
    free(r->suite_buf);
    r->suite_buf = NULL;
}

void qc_report_end(qc_report *r) {
    FILE *line_out = r->out;
    switch (r->format) {
    case QC_FORMAT_JSON:
        json_object_set_new(r->doc, "passed", json_integer((json_int_t)r->passed));
        json_object_set_new(r->doc, "failed", json_integer((json_int_t)r->failed));
        json_object_set_new(r->doc, "skipped", json_integer((json_int_t)r->skipped));
        json_object_set_new(r->doc, "expectedFailures", json_integer((json_int_t)r->xfailed));
        if (r->restarts) {
            json_object_set_new(r->doc, "restarts", json_integer((json_int_t)r->restarts));
        }
        json_dumpf(r->doc, r->out, JSON_INDENT(2) | JSON_SORT_KEYS);
        fputc('\n', r->out);
        json_decref(r->doc);
        r->doc = NULL;
        line_out = stderr;
        break;
    case QC_FORMAT_JUNIT:
        fputs("</testsuites>\n", r->out);
        line_out = stderr;
        break;
    case QC_FORMAT_TAP:
        fprintf(r->out, "1..%zu\n", r->tap_n);
        line_out = stderr;
        break;
    default:
        break;
    }
    if (r->xfailed) {
        fprintf(line_out, "%zu expected failures\n", r->xfailed);
    }
    if (r->restarts) {
        fprintf(line_out, "the implementation was restarted %zu time%s\n", r->restarts,
                r->restarts == 1 ? "" : "s");
    }
    fprintf(line_out, "%zu passed, %zu failed", r->passed, r->failed);
    if (r->skipped) {
        fprintf(line_out, ", %zu skipped", r->skipped);
    }
    fputc('\n', line_out);
}

void qc_report_abandon(qc_report *r) {
    /* Whatever was written stays a well-formed document: JUnit closes its elements, TAP bails
     * out, and JSON, built in memory, is not written at all. */
    if (r->format == QC_FORMAT_JUNIT) {
        qc_report_file_end(r);
        fputs("</testsuites>\n", r->out);
    } else if (r->format == QC_FORMAT_TAP) {
        fputs("Bail out! the run was abandoned\n", r->out);
    }
    if (r->suite != NULL) {
        fclose(r->suite);
        r->suite = NULL;
    }
    free(r->suite_buf);
    r->suite_buf = NULL;
    json_decref(r->doc);
    r->doc = NULL;
}
