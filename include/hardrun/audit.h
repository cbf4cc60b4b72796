/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audit log: one JSON line per hardened launch, per refusal and per
 * exec or update that hardrun changed. It is the provenance record of what
 * actually ran: which spec (sha256 before and after), under which profile
 * and why that one, with which image, through which runtime.
 */
#ifndef HARDRUN_AUDIT_H
#define HARDRUN_AUDIT_H

#include <cjson/cJSON.h>

#include "hardrun/finding.h"
#include "hardrun/profile.h"

struct hr_audit_dest {
	const char *file; /* appended to, one line per record; NULL: none */
	bool syslog;	  /* also to syslog(3), facility authpriv */
};

struct hr_audit_record {
	const char *event;	       /* create, run, restore, direct, exec, update, refused */
	const char *container;	       /* the container id, if known */
	const char *bundle;
	const cJSON *annotations;      /* the spec's, for the image reference and digest */
	const struct hr_profile *profile;
	const char *how;	       /* how the profile was chosen */
	const char *before, *after;    /* the spec's text before and after hardening */
	const struct hr_findings *findings;
	const char *runtime;
	const char *reason;	       /* for a refusal or error: the message */
	const cJSON *extra;	       /* more members to add (e.g. denials), borrowed */
};

/* Lowercase hex SHA-256 of `len` bytes; malloc'd. libcrypto is loaded on
 * first use; without it the text says the digest is unavailable. */
char *hr_sha256_hex(const void *data, size_t len);
/* The same of a's bytes followed by b's, without joining them first. */
char *hr_sha256_hex2(const void *a, size_t alen, const void *b, size_t blen);

/* The record as a JSON object (for tests and the writers). */
cJSON *hr_audit_json(const struct hr_audit_record *r);

/* Append the record to the destinations. Returns 0, or a negative errno
 * when the file could not be written (the caller decides whether that
 * stops the launch; hardrun's runtime mode reports it and goes on). */
int hr_audit_write(const struct hr_audit_dest *d, const struct hr_audit_record *r,
		   hr_error *err);

#endif
