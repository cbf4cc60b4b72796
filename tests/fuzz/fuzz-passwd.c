/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/passwd text -> hr_passwd_has_uid, for the uids the text names and
 * a few others, against a reference that splits the text into lines and
 * fields the plain way. The reader must agree with it, and look at each
 * byte once (a quadratic reader shows as a timeout).
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "hardrun/image.h"

const char fz_target_name[] = "passwd";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* name:password:UID:... with UID all digits (leading zeros are zeros; a
 * value above 2^32 - 1 is no uid), not a comment: each line cut into
 * fields at its colons, the plain way. */
static bool reference(const char *text, uint32_t uid)
{
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n"), k = 0;
		const char *f[4] = { l, NULL, NULL, NULL };

		for (size_t i = 0; i < n && k < 3; i++)
			if (l[i] == ':')
				f[++k] = l + i + 1;
		if (l[0] != '#' && k == 3) {
			size_t len = (size_t)(f[3] - 1 - f[2]), z = 0;
			uint64_t v = 0;
			bool digits = len > 0;
			while (z < len && f[2][z] == '0')
				z++;
			for (size_t i = 0; i < len && digits; i++)
				digits = f[2][i] >= '0' && f[2][i] <= '9';
			if (len - z > 10)
				digits = false; /* more than 2^32 - 1 */
			for (size_t i = z; i < len && digits; i++)
				v = v * 10 + (uint64_t)(f[2][i] - '0');
			if (digits && v == uid)
				return true;
		}
		l += n;
		if (*l)
			l++;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_text(data, size);
	uint32_t uids[8] = { 0, 1, 65534, 1000, UINT32_MAX };
	size_t n = 5;

	/* The uids the text mentions first. */
	for (const char *p = text; *p && n < HR_ARRAY_SIZE(uids); p++)
		if (*p == ':' && p[1] >= '0' && p[1] <= '9')
			uids[n++] = (uint32_t)strtoul(p + 1, NULL, 10);
	for (size_t i = 0; i < n; i++)
		if (hr_passwd_has_uid(text, uids[i]) != reference(text, uids[i]))
			fz_die("passwd: uid %u: the reader says %d, the reference %d", uids[i],
			       hr_passwd_has_uid(text, uids[i]), reference(text, uids[i]));
	return 0;
}
