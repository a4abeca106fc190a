#!/bin/sh
# Prints a target's .options file (libFuzzer's INI form, as OSS-Fuzz reads it) as libFuzzer
# flags, so that a direct run uses the same max_len and dictionary as OSS-Fuzz:
#
#   options.sh fuzz/fuzz_token_verify.options fuzz/dict   ->  -max_len=8300 -dict=fuzz/dict/...
#
# A relative dict name is looked up in DICT_DIR.
set -eu
file=$1 dict_dir=$2
awk -v d="$dict_dir" '
    /^[ \t]*(#|;|$)/ || /^\[/ { next }
    {
        line = $0
        sub(/^[ \t]+/, "", line)
        key = line; sub(/[ \t]*=.*$/, "", key)
        val = line; sub(/^[^=]*=[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
        if (key == "dict" && val !~ /^\//) val = d "/" val
        printf "-%s=%s\n", key, val
    }' "$file"
