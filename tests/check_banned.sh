#!/bin/sh
# Functions that must not appear in the C sources (after curl's checksrc): unbounded copies and
# formatting, tokenizers with hidden state, conversions without error reporting, and the
# locale-dependent <ctype.h> classifiers. Prints each use and fails if there is any.
root=${1:-.}
pattern='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|atoll|atof|isalpha|isdigit|isalnum|isspace|isupper|islower|isxdigit|isprint|ispunct|toupper|tolower)[[:space:]]*\('
found=$(grep -rnE "$pattern" "$root/ref" "$root/harness" "$root/tests" --include='*.c' --include='*.h' || true)
if [ -n "$found" ]; then
    echo "banned functions used:"
    echo "$found"
    echo "0 passed, 1 failed"
    exit 1
fi
if grep -rn '#include <ctype.h>' "$root/ref" "$root/harness" --include='*.c' --include='*.h'; then
    echo "<ctype.h> is banned: use ref/src/ascii.h"
    exit 1
fi
echo "1 passed, 0 failed"
