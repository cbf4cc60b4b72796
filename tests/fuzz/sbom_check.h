/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The package databases' invariants, shared by fuzz-dpkg.c and fuzz-apk.c. */
#ifndef HARDRUN_FUZZ_SBOM_CHECK_H
#define HARDRUN_FUZZ_SBOM_CHECK_H

#include "hardrun/sbom.h"

void fz_check_packages(struct hr_packages *p, const char *what);

#endif
