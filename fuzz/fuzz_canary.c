/* A planted bug, built only with -DQSHCHECK_FUZZ_CANARY=ON: an input starting with "QSH!"
 * reads past a heap buffer. The fuzz smoke test must find it; if it does not, the fuzzer or
 * AddressSanitizer is not working and no other fuzz result can be trusted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size >= 4 && data[0] == 'Q' && data[1] == 'S' && data[2] == 'H' && data[3] == '!') {
        char *p = malloc(4);
        if (p != NULL) {
            memcpy(p, data, 4);
            volatile char c = p[size]; /* out of bounds for size >= 4 */
            (void)c;
            free(p);
        }
    }
    return 0;
}
