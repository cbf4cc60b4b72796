/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The probe's workloads for denial tracing and learning (probe_trace.c). */
#ifndef PROBE_TRACE_H
#define PROBE_TRACE_H

#include <stdbool.h>

/* True if `mode` is one of them. */
bool probe_trace_mode(const char *mode);
/* Run it; returns the exit status. */
int probe_trace(int argc, char **argv);

#endif
