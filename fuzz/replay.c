/* Replay driver: makes a fuzz target an ordinary program that runs each file it is given (or
 * each file under each folder it is given, sub-folders too) through LLVMFuzzerTestOneInput once.
 * It lets every target build with any C compiler and lets CTest replay the corpora in every
 * build. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap * 2);
            if (grown == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf == NULL) {
        fprintf(stderr, "replay: out of memory reading %s\n", path);
        return -1;
    }
    /* An exact-size copy, so that AddressSanitizer sees reads past the input's end. */
    uint8_t *exact = malloc(len ? len : 1);
    if (exact == NULL) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

/* Deeper than any corpus goes; it stops a folder that links to itself. */
#define REPLAY_MAX_DEPTH 16

typedef struct tally {
    size_t passed, failed;
} tally;

/* Replays a file, or every file under a folder (as libFuzzer reads a corpus folder: sub-folders
 * too, names starting with '.' skipped). What is neither, or cannot be read, counts as failed. */
static void replay_path(const char *path, int depth, tally *t) {
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        t->failed++;
        return;
    }
    if (S_ISREG(st.st_mode)) {
        if (replay_file(path) == 0) {
            t->passed++;
        } else {
            t->failed++;
        }
        return;
    }
    if (!S_ISDIR(st.st_mode) || depth >= REPLAY_MAX_DEPTH) {
        fprintf(stderr, "replay: %s: %s\n", path,
                S_ISDIR(st.st_mode) ? "folders nest too deep" : "not a file or a folder");
        t->failed++;
        return;
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "replay: cannot open the folder %s\n", path);
        t->failed++;
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char sub[4096];
        if (e->d_name[0] == '.') {
            continue;
        }
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub) {
            fprintf(stderr, "replay: path too long in %s\n", path);
            t->failed++;
            continue;
        }
        replay_path(sub, depth + 1, t);
    }
    closedir(d);
}

int main(int argc, char **argv) {
    tally t = {0, 0};
    if (LLVMFuzzerInitialize != NULL) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no such file or folder: %s\n", argv[i]);
            return 2;
        }
        replay_path(argv[i], 0, &t);
    }
    if (t.passed + t.failed == 0) {
        fprintf(stderr, "replay: no inputs given\n");
        return 2;
    }
    printf("%zu passed, %zu failed\n", t.passed, t.failed);
    return t.failed ? 1 : 0;
}
