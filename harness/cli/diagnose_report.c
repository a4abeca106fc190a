/* The report of `qshcheck diagnose`: each value's explanation in words, or as JSON. */
#include "cli/diagnose.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "corpus/parts.h"
#include "judge/report.h"
#include "mistakes/catalogue.h"

static const char *profile_name(qsh_profile p) {
    return p == QSH_PROFILE_PRODUCT ? "product" : "server";
}

/* Writes text from the request or the values: control bytes escaped (qc_write_text). */
static void out_text(const char *s, size_t n) {
    qc_write_text(stdout, s, n);
}

/* Prints "      correct: OK\n      theirs:  THEIRS" and a caret under the byte `offset` of
 * theirs, where they first differ: as `qshcheck run` reports it, 0 for the first byte. */
static void print_both(const qc_way *ok, const qc_way *w, size_t offset) {
    fputs("      correct: ", stdout);
    out_text(ok->request, ok->len);
    fputs("\n      theirs:  ", stdout);
    size_t col = qc_write_text_at(stdout, w->request, w->len, offset);
    printf("\n      %*s^ first difference at byte %zu\n", (int)(strlen("theirs:  ") + col), "",
           offset);
}

/* Where the part named by qc_first_difference ("method", "uri", "query") lies in req. */
static void part_span(const char *req, size_t n, const char *part, size_t *off, size_t *len) {
    size_t ml, uo, ul, qo;
    qc_split_request(req, n, &ml, &uo, &ul, &qo);
    *off = part[0] == 'm' ? 0 : part[0] == 'u' ? uo : qo;
    *len = part[0] == 'm' ? ml : part[0] == 'u' ? ul : n - qo;
}

/* Whether found[k] is found[k - 1] in the other profile: the same mistakes, the same request. */
static int same_way_other_profile(const qc_ways *ws, const qc_dvalue *v, size_t k) {
    const qc_way *a = &ws->w[v->found[k - 1]], *b = &ws->w[v->found[k]];
    return a->profile != b->profile && memcmp(a->mistake, b->mistake, sizeof a->mistake) == 0 &&
           a->len == b->len && memcmp(a->request, b->request, a->len) == 0;
}

/* Which part of w's canonical request differs from the correct one ok, and where. */
static void print_difference(const qc_way *ok, const qc_way *w) {
    const char *part;
    size_t off;
    if (ok != NULL &&
        qc_first_difference(ok->request, ok->len, w->request, w->len, &part, &off) == 0) {
        size_t a, an, b, bn;
        part_span(ok->request, ok->len, part, &a, &an);
        part_span(w->request, w->len, part, &b, &bn);
        const char *what = strcmp(part, "uri") == 0 ? "URI" : part;
        if (bn == 0) {
            printf("  Whoever computed this value hashed an empty %s; the rules give `", what);
        } else {
            printf("  Whoever computed this value hashed the %s `", what);
            out_text(w->request + b, bn);
            fputs("`; the rules give `", stdout);
        }
        out_text(ok->request + a, an);
        fputs("`.\n", stdout);
        print_both(ok, w, off);
    }
}

static void print_value(const qc_ways *ws, const qc_dvalue *v) {
    printf("\nThe %s value %s\n", v->role, v->hex);
    if (v->level < 0) {
        printf("  matches nothing tried: not the correct canonical request, nor any known\n"
               "  mistake alone or in pairs, in the profiles tried. Check the method, the\n"
               "  target exactly as sent and the base URL; the request may have been changed\n"
               "  on its way (a proxy, a redirect, a client adding parameters).\n");
        return;
    }
    for (size_t k = 0; k < v->nfound; k++) {
        const qc_way *w = &ws->w[v->found[k]];
        const qc_way *ok = qc_ways_correct(ws, w->profile);
        const char *profiles = profile_name(w->profile);
        if (k > 0 && same_way_other_profile(ws, v, k)) {
            continue; /* told with the first profile */
        }
        if (k + 1 < v->nfound && same_way_other_profile(ws, v, k + 1)) {
            profiles = "server and product";
        }
        if (v->level == 0) {
            printf("  is the correct qsh (%s profile%s) of ", profiles,
                   strchr(profiles, ' ') ? "s" : "");
            out_text(w->request, w->len);
            fputc('\n', stdout);
            continue;
        }
        char label[128];
        qc_way_label(w, label, sizeof label);
        fputs("  comes from the canonical request ", stdout);
        out_text(w->request, w->len);
        fputc('\n', stdout);
        printf("  (%s profile%s) made with the mistake%s %s:\n", profiles,
               strchr(profiles, ' ') ? "s" : "", w->mistake[1] >= 0 ? "s" : "", label);
        for (int i = 0; i < QC_WAY_MAX && w->mistake[i] >= 0; i++) {
            const qc_mistake *m = &qc_mistakes[w->mistake[i]];
            printf("    %s: %s;\n      the rule: %s.\n", m->name, m->what, m->rule);
        }
        print_difference(ok, w);
    }
}

static json_t *way_json(const qc_ways *ws, const qc_way *w) {
    json_t *names = json_array();
    for (int i = 0; i < QC_WAY_MAX && w->mistake[i] >= 0; i++) {
        json_array_append_new(names, json_string(qc_mistakes[w->mistake[i]].name));
    }
    json_t *j = json_pack("{s:s, s:o, s:s%, s:s}", "profile", profile_name(w->profile), "mistakes",
                          names, "canonicalRequest", w->request, w->len, "qsh", w->hex);
    const qc_way *ok = qc_ways_correct(ws, w->profile);
    const char *part;
    size_t off;
    if (ok != NULL &&
        qc_first_difference(ok->request, ok->len, w->request, w->len, &part, &off) == 0) {
        json_object_set_new(j, "differsIn", json_string(part));
        json_object_set_new(j, "firstDifference", json_integer((json_int_t)off));
    }
    return j;
}

static json_t *request_json(const qsh_request *req) {
    return json_pack("{s:s%, s:s%, s:s%}", "method", req->method, req->method_len, "target",
                     req->target, req->target_len, "baseUrl", req->base_url, req->base_url_len);
}

static json_t *notes_json(const qc_diagnosis *d) {
    json_t *notes = json_array();
    for (size_t i = 0; i < d->nnotes; i++) {
        json_array_append_new(notes, json_string(d->notes[i]));
    }
    return notes;
}

void qc_diagnosis_print_json(const qc_diagnosis *d) {
    const qc_ways *ws = &d->ws;
    json_t *correct = json_array(), *values = json_array();
    for (int p = QSH_PROFILE_SERVER; p <= QSH_PROFILE_PRODUCT; p++) {
        const qc_way *ok = qc_ways_correct(ws, (qsh_profile)p);
        if (ok != NULL) {
            json_array_append_new(correct, way_json(ws, ok));
        }
    }
    for (int i = 0; i < 2; i++) {
        const qc_dvalue *v = &d->vals[i];
        if (!v->given) {
            continue;
        }
        json_t *matches = json_array();
        for (size_t k = 0; k < v->nfound; k++) {
            json_array_append_new(matches, way_json(ws, &ws->w[v->found[k]]));
        }
        json_array_append_new(values,
                              json_pack("{s:s, s:s, s:b, s:o}", "role", v->role, "qsh", v->hex,
                                        "explained", v->level >= 0, "matches", matches));
    }
    json_t *doc = json_pack("{s:o, s:o, s:o, s:{s:I, s:I, s:I}}", "request", request_json(&d->req),
                            "correct", correct, "values", values, "tried", "correct",
                            (json_int_t)ws->tried[0], "singleMistakes", (json_int_t)ws->tried[1],
                            "pairsOfMistakes", (json_int_t)ws->tried[2]);
    if (d->nnotes > 0) {
        json_object_set_new(doc, "notes", notes_json(d));
    }
    json_dumpf(doc, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(doc);
}

void qc_diagnosis_print_rejected(const qc_diagnosis *d, qsh_status st) {
    json_t *doc = json_pack("{s:o, s:{s:s, s:s}}", "request", request_json(&d->req), "rejected",
                            "status", qsh_status_name(st), "message", qsh_status_message(st));
    json_dumpf(doc, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(doc);
}

void qc_diagnosis_print_text(const qc_diagnosis *d) {
    const qc_ways *ws = &d->ws;
    const qsh_request *req = &d->req;
    fputs("Request: ", stdout);
    out_text(req->method, req->method_len);
    fputc(' ', stdout);
    out_text(req->target, req->target_len);
    if (req->base_url_len) {
        fputs(" with base URL ", stdout);
        out_text(req->base_url, req->base_url_len);
    }
    fputc('\n', stdout);
    for (size_t i = 0; i < d->nnotes; i++) {
        fputs("Note: ", stdout);
        qc_write_cstr(stdout, d->notes[i]);
        fputc('\n', stdout);
    }
    for (int p = QSH_PROFILE_SERVER; p <= QSH_PROFILE_PRODUCT; p++) {
        const qc_way *ok = qc_ways_correct(ws, (qsh_profile)p);
        if (ok != NULL) {
            printf("Correct canonical request (%s profile): ", profile_name(ok->profile));
            out_text(ok->request, ok->len);
            printf("\n  qsh %s\n", ok->hex);
        } else if (d->profiles & (1u << p)) {
            printf("The %s profile rejects this request.\n", profile_name((qsh_profile)p));
        }
    }
    for (int i = 0; i < 2; i++) {
        if (d->vals[i].given) {
            print_value(ws, &d->vals[i]);
        }
    }
    if (ws->levels < 3) {
        printf("\nTried, in %zu profile%s: the correct rules and each of the %d known mistakes "
               "alone (pairs were not needed).\n",
               ws->tried[0], ws->tried[0] > 1 ? "s" : "", QC_MISTAKE_COUNT);
    } else {
        printf("\nTried, in %zu profile%s: the correct rules, each of the %d known mistakes "
               "alone and all %zu pairs of them.\n",
               ws->tried[0], ws->tried[0] > 1 ? "s" : "", QC_MISTAKE_COUNT,
               ws->tried[2] / (ws->tried[0] ? ws->tried[0] : 1));
    }
}
