"""The corpus version every generated vector file carries as corpusVersion.

Semantic versioning for consumers of the vectors: the major number changes when an existing
case's expectation changes (a consumer's passing run may start failing), the minor number when
cases are added, the patch number for comments and notes only. CHANGELOG.md says what changed.
"""

CORPUS_VERSION = "1.0.0"
