/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Renderings of findings for people. */
#ifndef HARDRUN_REPORT_H
#define HARDRUN_REPORT_H

#include <stdio.h>

#include "hardrun/finding.h"
#include "hardrun/profile.h"

enum {
	HR_REPORT_COLOR = 1 << 0,
	HR_REPORT_REFUSALS_ONLY = 1 << 1,
};

/* One line per finding (two for refusals: the reason and the hint). */
void hr_report_text(FILE *out, const struct hr_findings *f, const struct hr_profile *p,
		    unsigned flags);

#endif
