/* For the tests of expected-failure lists: loads a list from text, through a temporary file in
 * the current folder (qc_expect_load reads a path). */
#ifndef QC_TEST_EXPECT_LIST_H
#define QC_TEST_EXPECT_LIST_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "judge/expect.h"

/* 0, or -1 with the loader's message in err. */
static int load_list_text(const char *text, size_t n, qc_expect *x, char *err, size_t errcap) {
    char path[] = "expect_list_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, errcap, "cannot make a temporary file");
        return -1;
    }
    FILE *f = fdopen(fd, "wb");
    if (f == NULL) {
        close(fd);
        remove(path);
        snprintf(err, errcap, "cannot write a temporary file");
        return -1;
    }
    fwrite(text, 1, n, f);
    fclose(f);
    int rc = qc_expect_load(path, x, err, errcap);
    remove(path);
    return rc;
}

#endif
