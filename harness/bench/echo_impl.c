/* The trivial implementation of the protocol benchmark: it answers every request at once with
 * a fixed qsh, so that a run measures the harness and the protocol, not an implementation. */
#include <stdio.h>
#include <string.h>

int main(void) {
    static char line[1 << 16];
    static const char *zeros = "0000000000000000000000000000000000000000000000000000000000000000";
    while (fgets(line, sizeof line, stdin) != NULL) {
        int hello = strstr(line, "\"type\":\"hello\"") != NULL;
        const char *id = strstr(line, "\"id\":"); /* the harness writes the id first */
        long long v = 0;
        for (const char *p = id ? id + 5 : ""; *p >= '0' && *p <= '9'; p++) {
            v = v * 10 + (*p - '0');
        }
        size_t n = strlen(line);
        while (n > 0 && line[n - 1] != '\n' && fgets(line, sizeof line, stdin) != NULL) {
            n = strlen(line); /* the rest of a long request */
        }
        if (hello) {
            fputs("{\"type\":\"hello\",\"protocol\":1,\"name\":\"echo\",\"version\":\"1\","
                  "\"operations\":[\"qsh\"]}\n",
                  stdout);
        } else {
            printf("{\"id\":%lld,\"result\":{\"qsh\":\"%s\"}}\n", v, zeros);
        }
        fflush(stdout);
    }
    return 0;
}
