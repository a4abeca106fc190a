#!/bin/bash -eu
# ClusterFuzzLite builds exactly what OSS-Fuzz builds.
exec bash "$SRC/qshcheck/fuzz/oss-fuzz/build.sh"
