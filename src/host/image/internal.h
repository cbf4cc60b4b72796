/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the files of src/host/image only. */
#ifndef HARDRUN_IMAGE_INTERNAL_H
#define HARDRUN_IMAGE_INTERNAL_H

#include <sys/stat.h>
#include <sys/types.h>

/* Open the regular file behind O_PATH descriptor `opath_fd` (whose stat
 * is `st`) for reading, by reopening that descriptor. Returns an fd or a
 * negative errno (-EINVAL: not a regular file). */
int hr_image_open_regular(int opath_fd, const struct stat *st);
/* Read up to `cap` bytes; returns the count or a negative errno. */
ssize_t hr_image_read_fd(int fd, char *buf, size_t cap);

#endif
