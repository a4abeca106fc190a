#include "probe/report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int qc_probe_failed(const qc_probe_req *req, const qc_probe_result *res) {
    return req->attack ? res->cls == QC_PROBE_ACCEPTED : res->cls != QC_PROBE_ACCEPTED;
}

static const char *failure_name(const qc_probe_req *req) {
    return req->attack ? "security" : "interop";
}

static void tally_up(const qc_probe_plan *plan, const qc_probe_result *res, qc_probe_tally *t) {
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < plan->count; i++) {
        if (qc_probe_failed(&plan->reqs[i], &res[i])) {
            *(plan->reqs[i].attack ? &t->security : &t->interop) += 1;
        } else if (plan->reqs[i].attack && res[i].cls == QC_PROBE_OTHER) {
            t->other_rejections++;
        }
    }
}

static void text_request(FILE *out, const qc_probe_req *q, const qc_probe_result *r) {
    fputs("    ", out);
    qc_write_cstr(out, q->method);
    fputc(' ', out);
    qc_write_cstr(out, q->target);
    fputs(" HTTP/1.1\n", out);
    if (q->authorization) {
        fputs("    Authorization: ", out);
        qc_write_cstr(out, q->authorization);
        fputc('\n', out);
    }
    if (q->body) {
        fputs("    Content-Type: ", out);
        qc_write_cstr(out, q->content_type);
        fputs("\n    body: ", out);
        qc_write_cstr(out, q->body);
        fputc('\n', out);
    }
    fputs("    answer: ", out);
    if (r->status == 0) {
        qc_write_cstr(out, r->error);
    } else {
        fprintf(out, "%ld ", r->status);
        qc_write_cstr(out, r->body);
    }
    fputc('\n', out);
}

static void write_text(FILE *out, const qc_probe_route *routes, size_t nroutes,
                       const qc_probe_plan *plan, const qc_probe_result *res) {
    for (size_t k = 0; k < nroutes; k++) {
        size_t n = 0, fails = 0;
        for (size_t i = 0; i < plan->count; i++) {
            n += plan->reqs[i].route == k;
            fails += plan->reqs[i].route == k && qc_probe_failed(&plan->reqs[i], &res[i]);
        }
        fprintf(out, "route %zu: %s ", k + 1, qc_route_kind_name(routes[k].kind));
        qc_write_cstr(out, routes[k].url);
        fprintf(out, ": %zu requests, %zu failures\n", n, fails);
        for (size_t i = 0; i < plan->count; i++) {
            const qc_probe_req *q = &plan->reqs[i];
            if (q->route == k && qc_probe_failed(q, &res[i])) {
                fprintf(out, "  %s failure: ", q->attack ? "SECURITY" : "INTEROP");
                qc_write_cstr(out, q->label);
                fprintf(out, " (%s %s)\n", q->attack ? "an attack" : "a valid request",
                        qc_probe_class_name(res[i].cls));
                text_request(out, q, &res[i]);
            }
        }
    }
}

static json_t *json_result(const qc_probe_route *routes, const qc_probe_req *q,
                           const qc_probe_result *r) {
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:s, s:I, s:s}", "route",
                          (json_int_t)q->route + 1, "kind", qc_route_kind_name(q->kind), "url",
                          routes[q->route].url, "label", q->label, "attack", q->attack, "method",
                          q->method, "target", q->target, "status", (json_int_t)r->status, "class",
                          qc_probe_class_name(r->cls));
    if (j == NULL) {
        return NULL;
    }
    int bad = json_object_set_new(j, "authorization",
                                  q->authorization ? json_string(q->authorization) : json_null());
    bad |= json_object_set_new(j, "body", q->body ? json_string(q->body) : json_null());
    bad |= json_object_set_new(j, "failure",
                               qc_probe_failed(q, r) ? json_string(failure_name(q)) : json_null());
    bad |= json_object_set_new(
        j, "answer",
        json_stringn(r->status ? r->body : r->error, strlen(r->status ? r->body : r->error)));
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static int write_json(FILE *out, const qc_probe_route *routes, const qc_probe_plan *plan,
                      const qc_probe_result *res, const qc_probe_tally *t) {
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < plan->count; i++) {
        json_t *j = json_result(routes, &plan->reqs[i], &res[i]);
        if (j == NULL || json_array_append_new(arr, j) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    json_t *doc =
        arr ? json_pack("{s:I, s:I, s:I, s:o}", "interop_failures", (json_int_t)t->interop,
                        "security_failures", (json_int_t)t->security, "requests",
                        (json_int_t)plan->count, "results", arr)
            : NULL;
    /* Invalid UTF-8 in an answer makes json_string fail above, never a half document. */
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    int rc = text && fputs(text, out) >= 0 && fputc('\n', out) != EOF ? 0 : -1;
    free(text);
    return rc;
}

/* XML text: the five specials as entities; bytes XML 1.0 cannot hold as '?'. */
static void xml_text(FILE *out, const char *s) {
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&apos;", out);
            break;
        default:
            fputc(ch < 0x20 && ch != '\n' && ch != '\t' ? '?' : ch, out);
        }
    }
}

static void write_junit(FILE *out, const qc_probe_route *routes, size_t nroutes,
                        const qc_probe_plan *plan, const qc_probe_result *res,
                        const qc_probe_tally *t) {
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"qshcheck "
            "probe\" tests=\"%zu\" failures=\"%zu\">\n",
            plan->count, t->interop + t->security);
    for (size_t k = 0; k < nroutes; k++) {
        fprintf(out, "  <testsuite name=\"%s ", qc_route_kind_name(routes[k].kind));
        xml_text(out, routes[k].url);
        fputs("\">\n", out);
        for (size_t i = 0; i < plan->count; i++) {
            const qc_probe_req *q = &plan->reqs[i];
            if (q->route != k) {
                continue;
            }
            fputs("    <testcase name=\"", out);
            xml_text(out, q->label);
            fprintf(out, "\" classname=\"%s\">", q->attack ? "attack" : "valid");
            if (qc_probe_failed(q, &res[i])) {
                fprintf(out, "<failure type=\"%s\" message=\"%s %ld\">", failure_name(q),
                        qc_probe_class_name(res[i].cls), res[i].status);
                xml_text(out, q->method);
                fputc(' ', out);
                xml_text(out, q->target);
                if (q->authorization) {
                    fputs("\nAuthorization: ", out);
                    xml_text(out, q->authorization);
                }
                fputs("</failure>", out);
            }
            fputs("</testcase>\n", out);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
}

int qc_probe_report(FILE *out, qc_format format, const qc_probe_route *routes, size_t nroutes,
                    const qc_probe_plan *plan, const qc_probe_result *results,
                    qc_probe_tally *tally) {
    tally_up(plan, results, tally);
    if (format == QC_FORMAT_JSON) {
        return write_json(out, routes, plan, results, tally);
    }
    /* Text and JUnit are written to memory first, so that a report is whole or absent. */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL) {
        return -1;
    }
    if (format == QC_FORMAT_JUNIT) {
        write_junit(mem, routes, nroutes, plan, results, tally);
    } else {
        write_text(mem, routes, nroutes, plan, results);
        fprintf(mem, "%zu requests: %zu interop failures, %zu security failures", plan->count,
                tally->interop, tally->security);
        if (tally->other_rejections) {
            fprintf(mem, " (%zu attacks refused with a status other than 401 or 403)",
                    tally->other_rejections);
        }
        fputc('\n', mem);
    }
    int rc = fclose(mem) == 0 && fwrite(buf, 1, len, out) == len ? 0 : -1;
    free(buf);
    return rc;
}
