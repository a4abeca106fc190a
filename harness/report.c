#include "report.h"

#include <string.h>

size_t qc_write_escaped(FILE *out, const char *s, size_t n, size_t mark) {
    size_t col = 0, mark_col = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (i == mark) {
            mark_col = col;
        }
        if (b == '"' || b == '\\') {
            col += (size_t)fprintf(out, "\\%c", b);
        } else if (b < 0x20 || b >= 0x7F) {
            col += (size_t)fprintf(out, "\\x%02X", b);
        } else {
            fputc(b, out);
            col++;
        }
    }
    return mark >= n ? col : mark_col;
}

int qc_report_begin(qc_report *r, qc_format format, FILE *out, const char *impl_name) {
    memset(r, 0, sizeof *r);
    r->format = format;
    r->out = out;
    if (format == QC_FORMAT_JSON) {
        r->doc = json_pack("{s:s, s:[]}", "implementation", impl_name, "failures");
        return r->doc ? 0 : -1;
    }
    return 0;
}

static void text_field(FILE *out, const char *label, const char *s, size_t n) {
    fprintf(out, " %s=\"", label);
    qc_write_escaped(out, s, n, n);
    fputc('"', out);
}

static void text_failure(qc_report *r, const char *file, const qc_case *c, const qc_answer *a,
                         const qc_verdict *v) {
    FILE *o = r->out;
    fprintf(o, "FAIL %s tcId %lld: %s\n  comment: %.*s\n  flags:  ", file, c->tc_id, v->why,
            (int)c->comment.n, c->comment.p);
    size_t i;
    json_t *flag;
    json_array_foreach(c->flags, i, flag) {
        fprintf(o, " %s", json_string_value(flag));
    }
    fputs("\n  input:   ", o);
    text_field(o, "method", c->method.p, c->method.n);
    text_field(o, "target", c->target.p, c->target.n);
    if (c->base_url.n) {
        text_field(o, "baseUrl", c->base_url.p, c->base_url.n);
    }
    fprintf(o, " profile=%.*s", (int)c->profile.n, c->profile.p);
    if (c->has_body) {
        text_field(o, "body", c->body.p, c->body.n);
        text_field(o, "contentType", c->content_type.p, c->content_type.n);
    }
    fputc('\n', o);
    if (c->result == QC_INVALID) {
        fprintf(o, "  expected: rejected with %.*s\n", (int)c->status.n, c->status.p);
    } else {
        fputs("  expected: ", o);
        qc_write_escaped(o, c->canonical_request.p, c->canonical_request.n, 0);
        fprintf(o, "%s\n", c->result == QC_ACCEPTABLE ? "   (acceptable)" : "");
    }
    if (a->outcome == QC_OUT_OK) {
        fputs("  actual:   ", o);
        size_t col = qc_write_escaped(o, a->request, a->request_len, v->first_diff);
        fputc('\n', o);
        if (v->has_diff) {
            fprintf(o, "            %*s^ first difference at byte %zu\n", (int)col, "",
                    v->first_diff);
        }
    } else {
        fprintf(o, "  actual:   %s %s\n",
                a->outcome == QC_OUT_ERROR ? "rejected with" : "broken:", a->status);
    }
}

static void json_failure(qc_report *r, const char *file, const qc_case *c, const qc_answer *a,
                         const qc_verdict *v) {
    json_t *input = json_pack("{s:s%, s:s%, s:s%, s:s%}", "method", c->method.p, c->method.n,
                              "target", c->target.p, c->target.n, "baseUrl", c->base_url.p,
                              c->base_url.n, "profile", c->profile.p, c->profile.n);
    if (input && c->has_body) {
        json_object_set_new(input, "body", json_stringn(c->body.p, c->body.n));
        json_object_set_new(input, "contentType",
                            json_stringn(c->content_type.p, c->content_type.n));
    }
    json_t *expected = json_pack("{s:s}", "result", qc_result_name(c->result));
    if (expected && c->result == QC_INVALID) {
        json_object_set_new(expected, "status", json_stringn(c->status.p, c->status.n));
    } else if (expected) {
        json_object_set_new(expected, "canonicalRequest",
                            json_stringn(c->canonical_request.p, c->canonical_request.n));
        json_object_set_new(expected, "qsh", json_stringn(c->qsh.p, c->qsh.n));
    }
    json_t *actual;
    if (a->outcome == QC_OUT_OK) {
        actual = json_pack("{s:s, s:s%, s:s}", "outcome", "canonical", "canonicalRequest",
                           a->request, a->request_len, "qsh", a->qsh);
    } else {
        actual = json_pack("{s:s, s:s}", "outcome",
                           a->outcome == QC_OUT_ERROR ? "rejected" : "broken", "status", a->status);
    }
    json_t *f =
        json_pack("{s:s, s:I, s:s%, s:O*, s:s, s:o*, s:o*, s:o*}", "file", file, "tcId",
                  (json_int_t)c->tc_id, "comment", c->comment.p, c->comment.n, "flags", c->flags,
                  "why", v->why, "input", input, "expected", expected, "actual", actual);
    if (f && v->has_diff) {
        json_object_set_new(f, "firstDifference", json_integer((json_int_t)v->first_diff));
    }
    json_array_append_new(json_object_get(r->doc, "failures"), f);
}

void qc_report_case(qc_report *r, const char *file, const qc_case *c, const qc_answer *a,
                    const qc_verdict *v) {
    if (v->kind == QC_PASS) {
        r->passed++;
        return;
    }
    if (v->kind == QC_SKIP) {
        r->skipped++;
        return;
    }
    r->failed++;
    if (r->format == QC_FORMAT_JSON) {
        json_failure(r, file, c, a, v);
    } else {
        text_failure(r, file, c, a, v);
    }
}

void qc_report_end(qc_report *r) {
    FILE *line_out = r->out;
    if (r->format == QC_FORMAT_JSON) {
        json_object_set_new(r->doc, "passed", json_integer((json_int_t)r->passed));
        json_object_set_new(r->doc, "failed", json_integer((json_int_t)r->failed));
        json_object_set_new(r->doc, "skipped", json_integer((json_int_t)r->skipped));
        json_dumpf(r->doc, r->out, JSON_INDENT(2) | JSON_SORT_KEYS);
        fputc('\n', r->out);
        json_decref(r->doc);
        r->doc = NULL;
        line_out = stderr;
    }
    fprintf(line_out, "%zu passed, %zu failed", r->passed, r->failed);
    if (r->skipped) {
        fprintf(line_out, ", %zu skipped", r->skipped);
    }
    fputc('\n', line_out);
}
