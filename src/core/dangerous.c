/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The system calls refused on purpose: see include/hardrun/dangerous.h. */
#include "config.h"

#include <string.h>

#include "hardrun/dangerous.h"

struct danger {
	const char *name;
	const char *why;
};

static const struct danger table[] = {
	/* sorted by name: looked up by bsearch */
	{ "acct", "switches process accounting of the whole host" },
	{ "add_key", "uses the kernel keyring, which no namespace separates" },
	{ "bpf", "loads programs into the kernel" },
	{ "clone", "without a condition on its flags, creates namespaces (a user namespace gives every capability inside it)" },
	{ "clone3", "creates namespaces, and its flags cannot be filtered" },
	{ "create_module", "loads kernel modules" },
	{ "delete_module", "removes kernel modules" },
	{ "finit_module", "loads kernel modules" },
	{ "fsconfig", "mounts file systems" },
	{ "fsmount", "mounts file systems" },
	{ "fsopen", "mounts file systems" },
	{ "fspick", "reconfigures mounted file systems" },
	{ "init_module", "loads kernel modules" },
	{ "io_uring_enter", "uses io_uring, a large kernel interface behind many kernel exploits" },
	{ "io_uring_register", "uses io_uring, a large kernel interface behind many kernel exploits" },
	{ "io_uring_setup", "uses io_uring, a large kernel interface behind many kernel exploits" },
	{ "ioperm", "reaches I/O ports of the hardware" },
	{ "iopl", "reaches I/O ports of the hardware" },
	{ "kcmp", "compares other processes' kernel objects" },
	{ "kexec_file_load", "replaces the running kernel" },
	{ "kexec_load", "replaces the running kernel" },
	{ "keyctl", "uses the kernel keyring, which no namespace separates" },
	{ "lookup_dcookie", "reads kernel profiling data" },
	{ "mount", "mounts file systems (in a namespace of its own, over what the profile set up)" },
	{ "mount_setattr", "changes mount options, such as read-only" },
	{ "move_mount", "mounts file systems" },
	{ "name_to_handle_at", "makes file handles, half of opening files past the container's root" },
	{ "nfsservctl", "controls the kernel's NFS server" },
	{ "open_by_handle_at", "opens files by handle, past the container's root" },
	{ "open_tree", "clones mounts" },
	{ "perf_event_open", "observes the kernel and other processes, an interface behind many kernel exploits" },
	{ "personality", "without a condition on its argument, turns off address space randomisation" },
	{ "pivot_root", "changes the root file system" },
	{ "process_vm_readv", "reads other processes' memory" },
	{ "process_vm_writev", "writes other processes' memory" },
	{ "ptrace", "reads and changes other processes" },
	{ "quotactl", "changes disk quotas of the host's file systems" },
	{ "reboot", "restarts the machine or loads a kernel" },
	{ "request_key", "uses the kernel keyring, which no namespace separates" },
	{ "setns", "joins other namespaces" },
	{ "settimeofday", "sets the host's clock" },
	{ "swapoff", "changes the host's swap" },
	{ "swapon", "changes the host's swap" },
	{ "syslog", "reads and clears the kernel's log" },
	{ "umount", "unmounts file systems, uncovering what the profile hid" },
	{ "umount2", "unmounts file systems, uncovering what the profile hid" },
	{ "unshare", "creates namespaces (a user namespace gives every capability inside it)" },
	{ "uselib", "loads a library through an obsolete kernel path" },
	{ "userfaultfd", "stalls the kernel on page faults, a step of many kernel exploits" },
	{ "vm86", "enters virtual 8086 mode" },
	{ "vm86old", "enters virtual 8086 mode" },
};

const char *hr_dangerous_name(size_t i)
{
	return i < HR_ARRAY_SIZE(table) ? table[i].name : NULL;
}

static int cmp_entry(const void *key, const void *e)
{
	return strcmp(key, ((const struct danger *)e)->name);
}

const char *hr_syscall_danger(const char *name)
{
	const struct danger *e = bsearch(name, table, HR_ARRAY_SIZE(table), sizeof table[0],
					 cmp_entry);

	return e ? e->why : NULL;
}

/* A rule that allows its names whatever their arguments. */
static bool allows_outright(const cJSON *rule)
{
	const cJSON *action = cJSON_GetObjectItemCaseSensitive(rule, "action");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(rule, "args");

	return cJSON_IsString(action) && strcmp(action->valuestring, "SCMP_ACT_ALLOW") == 0 &&
	       cJSON_GetArraySize(args) == 0;
}

char **hr_profile_dangerous(const struct hr_profile *p)
{
	const struct hr_seccomp_profile *sp = &p->seccomp;
	struct hr_strv_builder b = { 0 };
	char **v;
	size_t n, k = 0;

	if (p->troubleshooting)
		return NULL;
	/* Both lists are sorted (the allow list by the profile's loader): one
	 * walk over the two, not a search of the table for each of the
	 * profile's 300 names at every start. */
	for (size_t i = 0, t = 0; i < sp->n_allow && t < HR_ARRAY_SIZE(table);) {
		int c = strcmp(sp->allow[i], table[t].name);
		if (c == 0)
			hr_strvb_push(&b, sp->allow[i]);
		i += c <= 0;
		t += c >= 0;
	}
	for (const cJSON *r = sp->rules ? sp->rules->child : NULL; r; r = r->next) {
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
		if (!allows_outright(r))
			continue;
		for (const cJSON *nm = names ? names->child : NULL; nm; nm = nm->next)
			if (cJSON_IsString(nm) && hr_syscall_danger(nm->valuestring))
				hr_strvb_push(&b, nm->valuestring);
	}
	if (!b.n)
		return NULL;
	n = b.n;
	v = hr_strvb_take(&b);
	hr_strv_sort(v, n);
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && strcmp(v[k - 1], v[i]) == 0) {
			free(v[i]);
			continue;
		}
		v[k++] = v[i];
	}
	v[k] = NULL;
	return v;
}

void hr_dangerous_findings(const struct hr_profile *p, struct hr_findings *f)
{
	_cleanup_strv_ char **names = hr_profile_dangerous(p);

	for (size_t i = 0; names && names[i]; i++) {
		hr_finding_add(f, "seccomp.dangerous", HR_WARNED, "/linux/seccomp", NULL, NULL, NULL,
			       "profile `%s` (%s) allows %s, which hardrun's profiles refuse on "
			       "purpose: it %s",
			       p->name, p->source ? p->source : p->name, names[i],
			       hr_syscall_danger(names[i]));
	}
}
