/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one thing hardrun reads of an ELF program: its loader (PT_INTERP),
 * to say before a container starts that the loader is missing. The
 * header is the image author's: every offset and size in it is checked
 * against the bytes actually read, in a form that cannot wrap around
 * (a + b <= n is written b <= n - a once a <= n is known).
 */
#include "config.h"

#include <elf.h>
#include <string.h>

#include "hardrun/image.h"

/* [off, off + size) lies inside n bytes. */
static bool inside(uint64_t off, uint64_t size, size_t n)
{
	return off <= n && size <= n - off;
}

char *hr_elf_interp(const char *buf, size_t n)
{
	bool is64;
	uint64_t phoff;
	unsigned phnum, phentsize;

	if (n < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return NULL;
	is64 = buf[EI_CLASS] == ELFCLASS64;
	if (is64 && n >= sizeof(Elf64_Ehdr)) {
		Elf64_Ehdr eh;
		memcpy(&eh, buf, sizeof eh);
		phoff = eh.e_phoff;
		phnum = eh.e_phnum;
		phentsize = eh.e_phentsize;
		if (phentsize < sizeof(Elf64_Phdr))
			return NULL;
	} else if (buf[EI_CLASS] == ELFCLASS32 && n >= sizeof(Elf32_Ehdr)) {
		Elf32_Ehdr eh;
		memcpy(&eh, buf, sizeof eh);
		phoff = eh.e_phoff;
		phnum = eh.e_phnum;
		phentsize = eh.e_phentsize;
		if (phentsize < sizeof(Elf32_Phdr))
			return NULL;
	} else {
		return NULL;
	}
	/* At most 65535 headers, each looked at once. */
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t off = (uint64_t)i * phentsize, p_offset, p_filesz;
		uint32_t p_type;

		if (!inside(phoff, off, n) || !inside(phoff + off, is64 ? sizeof(Elf64_Phdr)
								   : sizeof(Elf32_Phdr), n))
			return NULL;
		if (is64) {
			Elf64_Phdr ph;
			memcpy(&ph, buf + phoff + off, sizeof ph);
			p_type = ph.p_type;
			p_offset = ph.p_offset;
			p_filesz = ph.p_filesz;
		} else {
			Elf32_Phdr ph;
			memcpy(&ph, buf + phoff + off, sizeof ph);
			p_type = ph.p_type;
			p_offset = ph.p_offset;
			p_filesz = ph.p_filesz;
		}
		if (p_type != PT_INTERP)
			continue;
		/* The kernel wants a NUL-terminated path shorter than a page. */
		if (p_filesz < 2 || p_filesz > 4096 || !inside(p_offset, p_filesz, n))
			return NULL;
		return hr_xasprintf("%.*s", (int)strnlen(buf + p_offset, (size_t)p_filesz - 1),
				    buf + p_offset);
	}
	return NULL;
}
