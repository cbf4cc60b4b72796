/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The first bytes of a program -> hr_elf_interp. Invariants (with ASan
 * watching every read): the loader it names lies inside the bytes given,
 * is shorter than a page and holds no NUL; an input that is not ELF names
 * none.
 */
#include "config.h"

#include <elf.h>
#include <string.h>

#include "fuzz.h"
#include "hardrun/image.h"

const char fz_target_name[] = "elf";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact copy on the heap: a read past it is ASan's to see. */
	uint8_t *buf = hr_xmalloc(size ? size : 1);
	_cleanup_free_ char *interp = NULL;

	memcpy(buf, data, size);
	interp = hr_elf_interp((const char *)buf, size);
	if (interp) {
		size_t n = strlen(interp);
		if (size < SELFMAG || memcmp(buf, ELFMAG, SELFMAG) != 0)
			fz_die("elf: a loader named by a file that is not ELF");
		if (n >= 4096 || !memmem(buf, size, interp, n + 0))
			fz_die("elf: the loader `%.100s` is not inside the input", interp);
	}
	free(buf);
	return 0;
}
