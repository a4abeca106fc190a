/* The reference implementation of the Atlassian Connect query string hash. */
#ifndef QSH_QSH_H
#define QSH_QSH_H

#include "qsh/canonical.h"
#include "qsh/limits.h"
#include "qsh/status.h"
#include "qsh/token.h"

#endif
