/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apk's installed database -> hr_apk_parse -> the SBOM's document, with
 * the invariants of the dpkg target (sbom_check.h).
 */
#include "config.h"

#include "fuzz.h"
#include "hardrun/sbom.h"
#include "sbom_check.h"

const char fz_target_name[] = "apk";

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
	_cleanup_free_ char *text = fz_text(data, size);
	int r = hr_apk_parse(text, size, "installed", &p, &err);

	if (r < 0 && (r != HR_E_INVALID || !err.msg[0]))
		fz_die("apk: error %d without a message", r);
	fz_check_packages(&p, "apk");
	hr_packages_done(&p);
	return 0;
}
