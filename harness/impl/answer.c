/* An implementation's answer: its canonical request and where the parts of it are. */
#include <stdlib.h>
#include <string.h>

#include "corpus/parts.h"
#include "impl/impl.h"

void qc_answer_clear(qc_answer *ans) {
    free(ans->request);
    memset(ans, 0, sizeof *ans);
}

int qc_answer_set_request(qc_answer *ans, const char *req, size_t n) {
    free(ans->request);
    ans->request = malloc(n + 1);
    if (ans->request == NULL) {
        return -1;
    }
    memcpy(ans->request, req, n);
    ans->request[n] = '\0';
    ans->request_len = n;
    qc_split_request(req, n, &ans->method_len, &ans->uri_off, &ans->uri_len, &ans->query_off);
    ans->query_len = n - ans->query_off;
    return 0;
}
