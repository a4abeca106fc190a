/* Judging with what the servlet containers computed (docs/RULES.md, "What the servers
 * compute"): an acceptable case also passes with any container's recorded answer, and
 * `qshcheck run --server NAME` judges an implementation against one container exactly. */
#ifndef QC_SERVERS_H
#define QC_SERVERS_H

#include "corpus/vectors.h"
#include "impl/impl.h"
#include "judge/verdict.h"

/* The container's answer of that name, or NULL when the case was not measured there. */
const qc_server_answer *qc_server_of(const qc_case *c, const char *server);

/* Whether any case of the file was measured on a container of that name. */
int qc_file_has_server(const qc_file *f, const char *server);

/* Judges a's answer to c. Without a server, as qc_judge does, except that a non-strict answer
 * to an acceptable case also passes when it is what a container computed for this very target
 * (its canonical request, or its qsh for a qsh-only answer). With a server, a case measured
 * there is judged as a valid case whose expectation is that container's answer, or skipped
 * when the container refused it; a case not measured there is judged as without a server.
 * view is scratch space the verdict may point into; the case to report against is *shown. */
qc_verdict qc_judge_case(const qc_case *c, const qc_answer *a, int strict, const char *server,
                         qc_case *view, const qc_case **shown);

#endif
