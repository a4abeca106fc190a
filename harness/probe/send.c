#include "probe/send.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct qc_probe_sender {
    CURL *curl;
    long timeout_ms;
    double interval; /* seconds between the starts of two requests */
    struct timespec last;
    int sent;
};

qc_probe_class qc_probe_classify(long status) {
    if (status >= 200 && status <= 299) {
        return QC_PROBE_ACCEPTED;
    }
    return status == 401 || status == 403 ? QC_PROBE_REJECTED : QC_PROBE_OTHER;
}

const char *qc_probe_class_name(qc_probe_class c) {
    return c == QC_PROBE_ACCEPTED ? "accepted" : c == QC_PROBE_REJECTED ? "rejected" : "other";
}

qc_probe_sender *qc_probe_sender_new(double timeout, double rate, char *err, size_t errcap) {
    qc_probe_sender *s = calloc(1, sizeof *s);
    if (s == NULL || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
        (s->curl = curl_easy_init()) == NULL) {
        snprintf(err, errcap, "libcurl cannot start");
        free(s);
        return NULL;
    }
    s->timeout_ms = (long)(timeout * 1000.0);
    s->timeout_ms = s->timeout_ms < 1 ? 1 : s->timeout_ms;
    s->interval = rate > 0 ? 1.0 / rate : 0;
    return s;
}

void qc_probe_sender_free(qc_probe_sender *s) {
    if (s != NULL) {
        curl_easy_cleanup(s->curl);
        curl_global_cleanup();
        free(s);
    }
}

/* Keeps the start of the body for the report; the rest is read and dropped. */
static size_t keep_body(char *data, size_t size, size_t n, void *ud) {
    qc_probe_result *r = ud;
    size_t have = strlen(r->body), room = sizeof r->body - 1 - have, len = size * n;
    size_t take = len < room ? len : room;
    for (size_t i = 0; i < take; i++) {
        /* Printable ASCII only: the answer goes into text, JSON and XML reports as it is. */
        unsigned char ch = (unsigned char)data[i];
        r->body[have + i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    r->body[have + take] = '\0';
    return len;
}

static double since(const struct timespec *a) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - a->tv_sec) + (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

static void pace(qc_probe_sender *s) {
    if (s->sent && s->interval > 0) {
        double wait = s->interval - since(&s->last);
        if (wait > 0) {
            struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
            nanosleep(&ts, NULL);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &s->last);
    s->sent = 1;
}

void qc_probe_send(qc_probe_sender *s, const qc_probe_req *req, qc_probe_result *out) {
    memset(out, 0, sizeof *out);
    pace(s);
    CURL *c = s->curl;
    curl_easy_reset(c);
    struct curl_slist *headers = NULL, *h;
    char line[16400];
    int ok = 1;
    /* An empty Expect keeps curl from waiting for a 100 Continue the app may never send. */
    ok &= (h = curl_slist_append(headers, "Expect:")) != NULL;
    headers = h ? h : headers;
    if (req->authorization != NULL) {
        snprintf(line, sizeof line, "Authorization: %s", req->authorization);
        ok &= (h = curl_slist_append(headers, line)) != NULL;
        headers = h ? h : headers;
    }
    if (req->content_type != NULL) {
        snprintf(line, sizeof line, "Content-Type: %s", req->content_type);
        ok &= (h = curl_slist_append(headers, line)) != NULL;
        headers = h ? h : headers;
    }
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_REQUEST_TARGET, req->target);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s->timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    if (req->body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(req->body));
    }
    CURLcode rc = ok ? curl_easy_perform(c) : CURLE_OUT_OF_MEMORY;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    } else {
        snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
    }
    out->cls = qc_probe_classify(out->status);
    curl_slist_free_all(headers);
}
