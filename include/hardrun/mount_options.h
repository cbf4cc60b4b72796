/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's table of mount options, from libmount, for the core's check
 * of a profile's tmpfs options (struct hr_mount_options, profile.h).
 */
#ifndef HARDRUN_MOUNT_OPTIONS_H
#define HARDRUN_MOUNT_OPTIONS_H

#include "hardrun/profile.h"

/* libmount's answers. It is loaded on the first ready(), not linked: see
 * src/host/runtime/mount_options.c. The table is static; nothing to free. */
const struct hr_mount_options *hr_mount_options_host(void);

#endif
