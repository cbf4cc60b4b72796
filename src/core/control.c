/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of controls (control.h): one descriptor per control, each
 * defined in the control's own file, in the order the passes run.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hardrun/control.h"

#define HR_CONTROL_ROW(row, name) &hr_control_##row,
const struct hr_control *const hr_controls[] = { HR_CONTROL_ROWS(HR_CONTROL_ROW) };
#undef HR_CONTROL_ROW
_Static_assert(HR_ARRAY_SIZE(hr_controls) == HR_CONTROLS_N, "one descriptor per row");

void hr_controls_ordered(const char *const *first, const struct hr_control **ret)
{
	bool taken[HR_ARRAY_SIZE(hr_controls)] = { false };
	size_t n = 0;

	for (size_t k = 0; first && first[k]; k++) {
		size_t i = hr_control_index(first[k]);
		if (i == SIZE_MAX)
			abort(); /* a name that is no control: a typo in the caller's list */
		if (!taken[i]) {
			taken[i] = true;
			ret[n++] = hr_controls[i];
		}
	}
	for (size_t i = 0; i < hr_controls_count; i++)
		if (!taken[i])
			ret[n++] = hr_controls[i];
}
