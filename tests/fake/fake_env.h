/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host as the golden cases, the pass tests, the fuzz targets and the
 * rewrite benchmark see it: fixed, so that what they record does not
 * depend on the machine. Its paths:
 *
 *   bind sources  an absolute path is a root-owned directory at that very
 *                 path; one whose last component ends in ".sock" is a
 *                 root-owned unix socket; a directory named "sockets"
 *                 holds one ("sockets/api.sock"); a relative one does not
 *                 exist
 *   root.path     relative to the bundle, /bundle; absolute as itself
 *   devices       /dev/... are block devices, *.img regular files
 *   hooks         root's in trusted directories, but below /tmp (owned
 *                 by uid 1000, /tmp writable by all); /proc/N/exe is
 *                 /usr/sbin/dockerd run by root
 *   namespaces    below /proc/1/ and /run/docker/netns/default: the host's
 *   listeners     *.sock below /run: root-owned sockets
 *   cgroups       "/" and paths below /busy hold processes
 *
 * hardrun.conf's defaults, with /usr/libexec/oci/hooks.d/ * as trusted
 * hooks and /run/seccomp-agent.sock as a trusted listener; swap can be
 * limited.
 */
#ifndef HARDRUN_TEST_FAKE_ENV_H
#define HARDRUN_TEST_FAKE_ENV_H

#include "hardrun/harden.h"

extern const struct hr_env hrt_fake_env;

#endif
