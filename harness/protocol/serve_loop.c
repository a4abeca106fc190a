#include "protocol/serve_loop.h"

#include <stdlib.h>
#include <string.h>

#include "protocol/messages.h"

int qc_serve_lines(const qc_server *s, FILE *in, FILE *out) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &cap, in)) > 0) {
        if (line[n - 1] == '\n') {
            line[--n] = '\0';
        }
        json_error_t je;
        json_t *j = json_loadb(line, (size_t)n, JSON_ALLOW_NUL, &je);
        const char *type = json_string_value(json_object_get(j, "type"));
        json_t *ans = NULL;
        if (type != NULL && strcmp(type, "hello") == 0) {
            ans = json_pack("{s:s, s:i, s:s, s:s, s:o}", "type", "hello", "protocol",
                            QC_PROTOCOL_VERSION, "name", s->name, "version",
                            s->version ? s->version : "", "operations", s->operations(s->ud));
        } else if (json_is_integer(json_object_get(j, "id"))) {
            ans = s->answer(s->ud, j, json_integer_value(json_object_get(j, "id")));
        }
        char *text = ans ? json_dumps(ans, JSON_COMPACT) : NULL;
        json_decref(ans);
        json_decref(j);
        if (text == NULL) {
            fprintf(stderr, "qshcheck %s: cannot answer a request\n", s->who);
            rc = 1;
            break;
        }
        fputs(text, out);
        fputc('\n', out);
        fflush(out);
        free(text);
    }
    free(line);
    return rc;
}
