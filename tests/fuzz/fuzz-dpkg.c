/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A dpkg database (status, or a distroless status.d file when the first
 * byte is odd) -> hr_dpkg_parse -> the SBOM's document. Invariants: every
 * package kept has a name and a version within the field bound, no more
 * packages than the bound, and the document (hr_sbom_print) is valid
 * UTF-8 JSON whatever bytes the names hold, with its content key's head
 * differing from the document's only in the serial number and the time.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "hardrun/sbom.h"
#include "sbom_check.h"

const char fz_target_name[] = "dpkg";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hr_packages p = { 0 };
	hr_error err = { 0 };
	bool status_d = size > 0 && (data[0] & 1);
	_cleanup_free_ char *text = fz_text(size ? data + 1 : data, size ? size - 1 : 0);
	int r = hr_dpkg_parse(text, size ? size - 1 : 0, "status", status_d, &p, &err);

	if (r < 0 && (r != HR_E_INVALID || !err.msg[0]))
		fz_die("dpkg: error %d without a message", r);
	fz_check_packages(&p, "dpkg");
	hr_packages_done(&p);
	return 0;
}
