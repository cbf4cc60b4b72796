/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A software bill of materials of an image's OS packages, as CycloneDX
 * 1.5 JSON. The parsers of the package databases (dpkg's status file and
 * status.d, apk's installed database) and the document are pure
 * (src/core/image/sbom.c); reading them from a root file system is
 * src/host/image/sbom_collect.c.
 */
#ifndef HARDRUN_SBOM_H
#define HARDRUN_SBOM_H

#include <cjson/cJSON.h>

#include "hardrun/image.h"

struct hr_package {
	char *name, *version, *arch;
	char *source;  /* the source package, if it differs (dpkg Source:, apk o:) */
	char *manager; /* "dpkg" or "apk" */
};

/* Bounds of an inventory: beyond them the databases are not a real
 * system's, and reading them is an error that says which bound, not a
 * partial SBOM or an unbounded one. */
#define HR_SBOM_MAX_PACKAGES 65536
#define HR_SBOM_MAX_FIELD 256		/* bytes of a name, version, architecture, source */
#define HR_SBOM_MAX_TEXT (64u << 20)	/* bytes of the document */

struct hr_packages {
	struct hr_package *v;
	size_t n, cap;
};
void hr_packages_done(struct hr_packages *p);

/* /etc/os-release (or /usr/lib/os-release) */
struct hr_os_release {
	char *id, *version_id, *name, *pretty_name;
};
void hr_os_release_done(struct hr_os_release *o);
void hr_os_release_parse(const char *text, struct hr_os_release *out);

/*
 * Append the installed packages of a dpkg status file (stanzas whose
 * Status is "install ok installed", or, in a distroless status.d file,
 * that have no Status at all). `where` names the file in messages.
 * Linear in len. Returns 0 or HR_E_INVALID (a stanza without Package or
 * Version, a field longer than HR_SBOM_MAX_FIELD, more than
 * HR_SBOM_MAX_PACKAGES packages in out).
 */
int hr_dpkg_parse(const char *text, size_t len, const char *where, bool status_d,
		  struct hr_packages *out, hr_error *err);
/* Append the packages of apk's /lib/apk/db/installed (bounds and errors
 * as hr_dpkg_parse). */
int hr_apk_parse(const char *text, size_t len, const char *where, struct hr_packages *out,
		 hr_error *err);
/* Sort by manager, name, arch; drop exact duplicates. */
void hr_packages_sort(struct hr_packages *p);

/* A package URL (purl) of a package of that distribution:
 * pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12. */
char *hr_purl(const struct hr_package *p, const struct hr_os_release *os);

struct hr_sbom_input {
	const struct hr_packages *packages;
	const struct hr_os_release *os;
	const char *image_ref;	  /* from the annotations, or NULL */
	const char *image_digest; /* likewise */
	const char *timestamp;	  /* RFC 3339, UTC */
	const char *serial;	  /* a UUID: urn:uuid:<serial> */
	char *const *not_covered; /* package databases present but not read (rpm, ...) */
};
/* The CycloneDX 1.5 document as a tree (small inventories, tests). */
cJSON *hr_sbom_cyclonedx(const struct hr_sbom_input *in);

/*
 * The same document as text, written component by component: no tree of
 * the whole inventory is built, and memory is the text itself. Also the
 * document's content, for a key that does not change from one launch to
 * the next: the same text with the values of serialNumber and
 * metadata.timestamp empty, given as its head (*ret_keyless_head) and the
 * rest of *ret_text from *ret_body_at on. Returns 0, or HR_E_INVALID when
 * the text would exceed HR_SBOM_MAX_TEXT bytes.
 */
int hr_sbom_print(const struct hr_sbom_input *in, char **ret_text, char **ret_keyless_head,
		  size_t *ret_body_at, hr_error *err);

/* What the SBOM of one root file system is made of. */
struct hr_sbom_facts {
	struct hr_packages packages;
	struct hr_os_release os;
	char **not_covered;
};
void hr_sbom_facts_done(struct hr_sbom_facts *f);

/* The host's half (sbom_collect.c), on a root file system of rootfs.h. */
struct hr_bundle;
struct hr_image_budget;
struct hr_rootfs;

/* Read the package databases of an image (sbom_collect.c). Returns 0 or a
 * negative code with a message naming the file. */
int hr_sbom_collect(const struct hr_rootfs *r, struct hr_sbom_facts *out, hr_error *err);

struct hr_sbom_text {
	char *text;	   /* the document */
	char *key;	   /* SHA-256 (hex) of its content: see hr_sbom_print */
	size_t components; /* packages listed */
	char **not_covered; /* databases present but not read */
};
void hr_sbom_text_done(struct hr_sbom_text *t);

/*
 * The SBOM of the image of `spec` in bundle `b`, with the reference and
 * digest from its annotations; a fresh serial number and the current time.
 * Reading shares `budget` (NULL: one of HR_IMAGE_SECONDS of its own).
 * Returns 0, -ENOENT (no root file system) or another negative code (a
 * database hardrun cannot read, a bound, the deadline).
 */
int hr_sbom_for_spec(const struct hr_bundle *b, const cJSON *spec, struct hr_image_budget *budget,
		     struct hr_sbom_text *out, hr_error *err);

#endif
