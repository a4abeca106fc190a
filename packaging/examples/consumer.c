/* A program built against an installed libqsh: the canonical request and qsh of the README's
 * Confluence example, as a C project linking the library would compute them. */
#include <qsh/qsh.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    static const char target[] =
        "/wiki/rest/api/content?spaceKey=DEV&title=Release+notes&expand=body.storage,version";
    static const char base[] = "https://your-domain.atlassian.net/wiki";
    qsh_request req = {.method = "GET",
                       .method_len = 3,
                       .target = target,
                       .target_len = sizeof target - 1,
                       .base_url = base,
                       .base_url_len = sizeof base - 1,
                       .profile = QSH_PROFILE_SERVER};
    char canonical[256];
    char hex[QSH_HEX_SIZE];
    qsh_canonical parts;
    qsh_ctx *ctx = qsh_ctx_new();
    if (ctx == NULL) {
        fputs("consumer: out of memory\n", stderr);
        return 1;
    }
    qsh_status st = qsh_canonicalize(ctx, &req, canonical, sizeof canonical, &parts);
    if (st == QSH_OK) {
        st = qsh_compute(ctx, &req, hex);
    }
    qsh_ctx_free(ctx);
    if (st != QSH_OK) {
        fprintf(stderr, "consumer: %s\n", qsh_status_name(st));
        return 1;
    }
    printf("canonical %s\nqsh %s\n", canonical, hex);
    return 0;
}
