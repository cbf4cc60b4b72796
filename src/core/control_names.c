/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The controls' names in table order (control.h's HR_CONTROL_ROWS), for
 * what needs a control's name or index but not its descriptor: the
 * profile's modes, the manifest audit's findings. Apart from the table of
 * descriptors (control.c), which needs every control's file.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "hardrun/control.h"

#define HR_CONTROL_NAME(row, name) name,
const char *const hr_control_names[] = { HR_CONTROL_ROWS(HR_CONTROL_NAME) };
#undef HR_CONTROL_NAME
const size_t hr_controls_count = HR_ARRAY_SIZE(hr_control_names);
_Static_assert(HR_CONTROLS_N <= HR_CONTROLS_MAX, "profile.h: raise HR_CONTROLS_MAX");

size_t hr_control_index(const char *name)
{
	for (size_t i = 0; i < hr_controls_count; i++)
		if (strcmp(hr_control_names[i], name) == 0)
			return i;
	return SIZE_MAX;
}
