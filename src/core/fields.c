/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The field table (see include/hardrun/fields.h) and the walk that holds a
 * spec to it. The rows follow runtime-spec's specs-go/config.go, 1.0.0 to
 * 1.2.1 and, for Linux, 1.3's additions; annotations follow what runc and
 * crun declare they read (their `features` output) and what containerd,
 * Docker and podman set. Control names are those of hr_controls (control.h); "fields"
 * is the table itself: it keeps a harmless field after checking its type,
 * and applies the fixed rules (a field removed or refused whatever the
 * profile says). Adding a field = adding a row here and a line in
 * hardrun(1)'s FIELDS section (tests/unit/test-docs.c checks both).
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/fields.h"
#include "hardrun/json.h"

#define END { NULL, 0, 0, NULL, NULL, NULL, NULL, NULL }
/* Judged (by a control), removed or refused; with or without children. */
#define J(n, t, ctl, since, doc) { n, t, HR_FD_JUDGED, ctl, NULL, since, doc, NULL }
#define JR(n, t, ctl, rule, since, doc) { n, t, HR_FD_JUDGED, ctl, rule, since, doc, NULL }
#define JC(n, t, ctl, since, doc, kids) { n, t, HR_FD_JUDGED, ctl, NULL, since, doc, kids }
#define RM(n, t, rule, since, doc, kids) { n, t, HR_FD_REMOVED, "fields", rule, since, doc, kids }
#define RF(n, t, rule, since, doc) { n, t, HR_FD_REFUSED, "fields", rule, since, doc, NULL }
#define RFC(n, t, rule, since, doc, kids) { n, t, HR_FD_REFUSED, "fields", rule, since, doc, kids }
#define KEEP(n, t, since, doc) J(n, t, "fields", since, doc)
#define OTHER(n, since, what) RF(n, HR_FT_OBJECT, "spec.other-platform", since, what)

#define O HR_FT_OBJECT
#define A HR_FT_ARRAY
#define M HR_FT_MAP
#define S HR_FT_STRING
#define N HR_FT_NUMBER
#define B HR_FT_BOOL
#define SS HR_FT_STRINGS
#define NN HR_FT_NUMBERS

/* --- process ----------------------------------------------------------------- */

static const struct hr_field console_size[] = {
	KEEP("height", N, "1.0.0", "the terminal's rows"),
	KEEP("width", N, "1.0.0", "the terminal's columns"),
	END,
};

static const struct hr_field user[] = {
	J("uid", N, "user", "1.0.0", "0 or absent becomes the profile's uid unless it allows root"),
	J("gid", N, "user", "1.0.0", "0 or absent becomes the profile's gid unless it allows root"),
	J("umask", N, "user", "1.0.2", "gains the bits of the profile's umask"),
	J("additionalGids", NN, "user", "1.0.0", "group 0 is removed unless the profile allows root"),
	RF("username", S, "spec.other-platform", "1.0.0", "Windows only"),
	END,
};

static const struct hr_field capabilities[] = {
	J("bounding", SS, "capabilities", "1.0.0", "cut to the profile's allowlist"),
	J("effective", SS, "capabilities", "1.0.0", "cut to the profile's allowlist"),
	J("inheritable", SS, "capabilities", "1.0.0", "cut to the allowlist, raised when ambient"),
	J("permitted", SS, "capabilities", "1.0.0", "cut to the profile's allowlist"),
	J("ambient", SS, "capabilities", "1.0.0", "emptied unless the profile makes capabilities ambient"),
	END,
};

static const struct hr_field rlimit[] = {
	J("type", S, "rlimits", "1.0.0", "one of the 16 RLIMIT_ names; see Rlimits"),
	J("hard", N, "rlimits", "1.0.0", "lowered to the profile's maximum for this type"),
	J("soft", N, "rlimits", "1.0.0", "kept at or below the hard limit"),
	END,
};

static const struct hr_field rlimits[] = {
	JC("*", O, "rlimits", "1.0.0", "one limit", rlimit),
	END,
};

static const struct hr_field scheduler[] = {
	J("policy", S, "process", "1.1.0",
	  "SCHED_FIFO, SCHED_RR and SCHED_DEADLINE are refused unless process.realtime"),
	J("nice", N, "process", "1.1.0", "raised to the profile's process.niceMin"),
	J("priority", N, "process", "1.1.0", "a real-time priority: only with a real-time policy"),
	J("flags", SS, "process", "1.1.0", "kept: SCHED_FLAG_* names"),
	J("runtime", N, "process", "1.1.0", "SCHED_DEADLINE only"),
	J("deadline", N, "process", "1.1.0", "SCHED_DEADLINE only"),
	J("period", N, "process", "1.1.0", "SCHED_DEADLINE only"),
	END,
};

static const struct hr_field io_priority[] = {
	J("class", S, "process", "1.1.0", "IOPRIO_CLASS_RT is refused unless process.realtime"),
	J("priority", N, "process", "1.1.0", "kept, 0 to 7"),
	END,
};

static const struct hr_field cpu_affinity[] = {
	KEEP("initial", S, "1.2.1", "CPUs an exec'd process starts on, within the cgroup's"),
	KEEP("final", S, "1.2.1", "CPUs an exec'd process ends on, within the cgroup's"),
	END,
};

static const struct hr_field process[] = {
	KEEP("terminal", B, "1.0.0", "whether the process gets a pseudo-terminal"),
	JC("consoleSize", O, "fields", "1.0.0", "the terminal's size", console_size),
	JC("user", O, "user", "1.0.0", "who the process runs as", user),
	KEEP("args", SS, "1.0.0", "the command, run inside the container's confinement"),
	RF("commandLine", S, "spec.other-platform", "1.0.2", "Windows only"),
	KEEP("env", SS, "1.0.0", "the environment of the process"),
	KEEP("cwd", S, "1.0.0", "the working directory in the container"),
	JC("capabilities", O, "capabilities", "1.0.0",
	   "absent: the profile's allowlist (runc would grant every capability)", capabilities),
	JC("rlimits", A, "rlimits", "1.0.0", "resource limits of the process", rlimits),
	J("noNewPrivileges", B, "no-new-privileges", "1.0.0", "always true"),
	J("apparmorProfile", S, "lsm", "1.0.0", "unconfined is refused unless lsm.allowUnconfined"),
	J("oomScoreAdj", N, "process", "1.0.0",
	  "raised to the profile's process.oomScoreAdjMin: the host's OOM killer may pick it"),
	JC("scheduler", O, "process", "1.1.0", "the scheduling policy", scheduler),
	J("selinuxLabel", S, "lsm", "1.0.0", "type spc_t or unconfined_t is refused unless lsm.allowUnconfined"),
	JC("ioPriority", O, "process", "1.1.0", "the I/O scheduling class", io_priority),
	JC("execCPUAffinity", O, "fields", "1.2.1", "CPU affinity of exec'd processes",
	   cpu_affinity),
	END,
};

/* --- root, mounts, hooks ----------------------------------------------------- */

static const struct hr_field root[] = {
	J("path", S, "rootfs", "1.0.0",
	  "judged like a bind source, and inside the bundle or an engine's root location"),
	J("readonly", B, "rootfs", "1.0.0", "true when the profile's root is read-only"),
	END,
};

static const struct hr_field id_mapping[] = {
	J("containerID", N, "userns", "1.0.0", "the first id inside"),
	J("hostID", N, "userns", "1.0.0",
	  "the first host id: never 0, at least hardrun.conf's minHostId, within userns.hostRanges"),
	J("size", N, "userns", "1.0.0", "how many ids"),
	END,
};

static const struct hr_field id_mappings[] = {
	JC("*", O, "userns", "1.0.0", "one range", id_mapping),
	END,
};

static const struct hr_field mount_id_mapping[] = {
	J("containerID", N, "mounts", "1.1.0", "the first id inside"),
	J("hostID", N, "mounts", "1.1.0", "as for linux.uidMappings"),
	J("size", N, "mounts", "1.1.0", "how many ids"),
	END,
};

static const struct hr_field mount_id_mappings[] = {
	JC("*", O, "mounts", "1.1.0", "one range", mount_id_mapping),
	END,
};

static const struct hr_field mount[] = {
	J("destination", S, "mounts", "1.0.0", "proc only at /proc, sysfs only at /sys"),
	J("type", S, "mounts", "1.0.0", "in the profile's mounts.allowedTypes (binds aside)"),
	J("source", S, "mounts", "1.0.0",
	  "of a bind: not a denied source or a root socket; of a disk file system: a device the "
	  "profile allows"),
	J("options", SS, "mounts", "1.0.0",
	  "only options runc and crun know; nosuid, nodev, ro added; paths in them judged; "
	  "shared propagation made slave"),
	JC("uidMappings", A, "mounts", "1.1.0", "an id-mapped mount's user ids", mount_id_mappings),
	JC("gidMappings", A, "mounts", "1.1.0", "an id-mapped mount's group ids", mount_id_mappings),
	END,
};

static const struct hr_field mounts[] = {
	JC("*", O, "mounts", "1.0.0", "one mount", mount),
	END,
};

static const struct hr_field hook[] = {
	J("path", S, "hooks", "1.0.0", "the executable, run as root on the host: it must be trusted"),
	J("args", SS, "hooks", "1.0.0", "kept with a trusted hook"),
	J("env", SS, "hooks", "1.0.0", "kept with a trusted hook"),
	J("timeout", N, "hooks", "1.0.0", "kept with a trusted hook"),
	END,
};

static const struct hr_field hook_list[] = {
	JC("*", O, "hooks", "1.0.0", "one hook", hook),
	END,
};

static const struct hr_field hooks[] = {
	JC("prestart", A, "hooks", "1.0.0", "deprecated: in the runtime namespace, after create",
	   hook_list),
	JC("createRuntime", A, "hooks", "1.0.2", "in the runtime namespace, after create",
	   hook_list),
	JC("createContainer", A, "hooks", "1.0.2", "in the container's mount namespace, before pivot_root",
	   hook_list),
	JC("startContainer", A, "hooks", "1.0.2", "in the container, before the process",
	   hook_list),
	JC("poststart", A, "hooks", "1.0.0", "in the runtime namespace, after start", hook_list),
	JC("poststop", A, "hooks", "1.0.0", "in the runtime namespace, after delete", hook_list),
	END,
};

/* --- annotations -------------------------------------------------------------- */

/*
 * First match wins. The annotations control acts on each by its rule:
 * annotations.runtime-override removes it unless annotations.allow
 * matches, annotations.unknown refuses it unless annotations.allow
 * matches, no rule keeps it.
 */
static const struct hr_field annotations[] = {
	J("org.hardrun.*", S, "annotations", "hardrun",
	  "kept: hardrun's own (org.hardrun.profile chooses the profile)"),
	JR("run.oci.*", S, "annotations", "annotations.runtime-override", "crun",
	   "crun's settings (seccomp_bpf_data, keep_original_groups, hooks.stdout, handler, "
	   "systemd.*, ...): removed unless annotations.allow matches"),
	JR("org.systemd.property.*", S, "annotations", "annotations.runtime-override", "runc, crun",
	   "unit properties for the systemd cgroup driver: removed unless annotations.allow matches"),
	JR("org.criu.*", S, "annotations", "annotations.runtime-override", "runc, crun",
	   "CRIU's configuration file: removed unless annotations.allow matches"),
	JR("module.wasm.image/variant", S, "annotations", "annotations.runtime-override", "crun",
	   "runs the container with crun's Wasm handler: removed unless annotations.allow matches"),
	JR("krun.*", S, "annotations", "annotations.runtime-override", "crun",
	   "crun's krun handler (a virtual machine): removed unless annotations.allow matches"),
	J("io.kubernetes.cri.container-type", S, "annotations", "containerd",
	  "kept: crun keeps a sandbox off its handlers by it"),
	J("io.kubernetes.*", S, "annotations", "containerd, CRI-O",
	  "kept: Kubernetes metadata; no runtime acts on it"),
	J("io.containerd.*", S, "annotations", "containerd", "kept: containerd's metadata"),
	J("org.opencontainers.image.*", S, "annotations", "image-spec",
	  "kept: image metadata (the image control reads the reference)"),
	J("io.podman.annotations.*", S, "annotations", "podman",
	  "kept: podman's metadata, acted on before the runtime"),
	J("io.container.manager", S, "annotations", "podman", "kept: the engine's name"),
	J("cdi.k8s.io/*", S, "annotations", "CDI",
	  "kept: device requests the engine resolved into linux.devices and mounts"),
	JR("*", S, "annotations", "annotations.unknown", "",
	   "any other: refused unless annotations.allow matches or a rule of hardrun.conf's "
	   "profileRules matches on it"),
	END,
};

/* --- linux ------------------------------------------------------------------- */

static const struct hr_field sysctl[] = {
	J("*", S, "sysctl", "1.0.0", "must match the profile's sysctl.allow"),
	END,
};

static const struct hr_field device_rule[] = {
	J("allow", B, "devices", "1.0.0", "an allow rule must be covered by the profile"),
	J("type", S, "devices", "1.0.0", "c, b or a"),
	J("major", N, "devices", "1.0.0", "a wildcard (absent) major is never allowed"),
	J("minor", N, "devices", "1.0.0", "absent is a wildcard"),
	J("access", S, "devices", "1.0.0", "r, w and m"),
	END,
};

static const struct hr_field device_rules[] = {
	JC("*", O, "devices", "1.0.0", "one rule; a deny-all rule is put first", device_rule),
	END,
};

static const struct hr_field memory[] = {
	J("limit", N, "resources", "1.0.0", "at most the profile's resources.memory"),
	KEEP("reservation", N, "1.0.0", "a soft limit, below the limit"),
	J("swap", N, "resources", "1.0.0", "memory+swap: at most the memory limit"),
	KEEP("kernel", N, "1.0.0", "a kernel memory limit (deprecated): only restricts"),
	KEEP("kernelTCP", N, "1.0.0", "a TCP buffer limit: only restricts"),
	KEEP("swappiness", N, "1.0.0", "0 to 100"),
	KEEP("disableOOMKiller", B, "1.0.0", "at its limit the cgroup waits instead of killing"),
	KEEP("useHierarchy", B, "1.0.2", "cgroup v1 accounting"),
	KEEP("checkBeforeUpdate", B, "1.1.0", "an update check"),
	END,
};

static const struct hr_field cpu[] = {
	J("shares", N, "resources", "1.0.0", "at most the profile's resources.cpuShares"),
	KEEP("quota", N, "1.0.0", "CFS quota: only restricts"),
	KEEP("burst", N, "1.1.0", "CFS burst, within the quota"),
	KEEP("period", N, "1.0.0", "CFS period"),
	J("realtimeRuntime", N, "process", "1.0.0",
	  "real-time CPU time: refused above 0 unless process.realtime"),
	J("realtimePeriod", N, "process", "1.0.0", "kept with realtimeRuntime"),
	KEEP("cpus", S, "1.0.0", "a cpuset: only restricts"),
	KEEP("mems", S, "1.0.0", "a cpuset: only restricts"),
	KEEP("idle", N, "1.1.0", "SCHED_IDLE for the cgroup"),
	END,
};

static const struct hr_field pids[] = {
	J("limit", N, "resources", "1.0.0", "at most the profile's resources.pids"),
	END,
};

static const struct hr_field blkio_weight_device[] = {
	KEEP("major", N, "1.0.0", "the device"),
	KEEP("minor", N, "1.0.0", "the device"),
	KEEP("weight", N, "1.0.0", "a relative share"),
	KEEP("leafWeight", N, "1.0.0", "a relative share"),
	END,
};

static const struct hr_field blkio_weight_devices[] = {
	JC("*", O, "fields", "1.0.0", "one device", blkio_weight_device),
	END,
};

static const struct hr_field blkio_throttle_device[] = {
	KEEP("major", N, "1.0.0", "the device"),
	KEEP("minor", N, "1.0.0", "the device"),
	KEEP("rate", N, "1.0.0", "a limit: only restricts"),
	END,
};

static const struct hr_field blkio_throttle_devices[] = {
	JC("*", O, "fields", "1.0.0", "one device", blkio_throttle_device),
	END,
};

static const struct hr_field blkio[] = {
	KEEP("weight", N, "1.0.0", "a relative share of contended block I/O"),
	KEEP("leafWeight", N, "1.0.0", "a relative share"),
	JC("weightDevice", A, "fields", "1.0.0", "per device shares", blkio_weight_devices),
	JC("throttleReadBpsDevice", A, "fields", "1.0.0", "a limit", blkio_throttle_devices),
	JC("throttleWriteBpsDevice", A, "fields", "1.0.0", "a limit", blkio_throttle_devices),
	JC("throttleReadIOPSDevice", A, "fields", "1.0.0", "a limit", blkio_throttle_devices),
	JC("throttleWriteIOPSDevice", A, "fields", "1.0.0", "a limit", blkio_throttle_devices),
	END,
};

static const struct hr_field hugepage_limit[] = {
	J("pageSize", S, "resources", "1.0.0", "a size such as 2MB or 1GB, else refused"),
	J("limit", N, "resources", "1.0.0", "at most the profile's resources.hugepages"),
	END,
};

static const struct hr_field hugepage_limits[] = {
	JC("*", O, "resources", "1.0.0", "one page size", hugepage_limit),
	END,
};

static const struct hr_field rdma_limit[] = {
	KEEP("hcaHandles", N, "1.0.2", "a limit: only restricts"),
	KEEP("hcaObjects", N, "1.0.2", "a limit: only restricts"),
	END,
};

static const struct hr_field rdma[] = {
	JC("*", O, "fields", "1.0.2", "limits of one RDMA device", rdma_limit),
	END,
};

/* cgroup v2 files by name: runc and crun write whatever the map says. */
static const struct hr_field unified[] = {
	J("memory.max", S, "resources", "1.1.0", "at most the memory limit"),
	J("memory.swap.max", S, "resources", "1.1.0", "0"),
	J("pids.max", S, "resources", "1.1.0", "at most the pids limit"),
	J("cpu.weight", S, "resources", "1.1.0", "at most the weight of the profile's cpuShares"),
	RF("memory.min", S, "resources.unified", "1.1.0",
	   "memory protected from reclaim, which the host then lacks"),
	RF("memory.low", S, "resources.unified", "1.1.0",
	   "memory protected from reclaim, which the host then lacks"),
	KEEP("memory.high", S, "1.1.0", "a throttling limit: only restricts"),
	KEEP("memory.swap.high", S, "1.1.0", "only restricts"),
	KEEP("memory.zswap.max", S, "1.1.0", "only restricts"),
	KEEP("memory.oom.group", S, "1.1.0", "kill the whole cgroup on OOM"),
	KEEP("cpu.max", S, "1.1.0", "a CPU quota: only restricts"),
	KEEP("cpu.max.burst", S, "1.1.0", "within the quota"),
	KEEP("cpu.idle", S, "1.1.0", "SCHED_IDLE for the cgroup"),
	KEEP("cpu.uclamp.max", S, "1.1.0", "only restricts"),
	KEEP("cpuset.cpus", S, "1.1.0", "only restricts"),
	KEEP("cpuset.mems", S, "1.1.0", "only restricts"),
	KEEP("io.max", S, "1.1.0", "only restricts"),
	KEEP("io.weight", S, "1.1.0", "a relative share"),
	KEEP("io.bfq.weight", S, "1.1.0", "a relative share"),
	KEEP("hugetlb.*.max", S, "1.1.0", "only restricts"),
	KEEP("hugetlb.*.rsvd.max", S, "1.1.0", "only restricts"),
	KEEP("rdma.max", S, "1.1.0", "only restricts"),
	KEEP("misc.max", S, "1.1.0", "only restricts"),
	RF("*", S, "resources.unified", "1.1.0",
	   "any other cgroup file (cgroup.*, memory.min, cpu.uclamp.min, ...)"),
	END,
};

static const struct hr_field net_priority[] = {
	RF("name", S, "resources.network", "1.0.0", "refused with linux.resources.network"),
	RF("priority", N, "resources.network", "1.0.0", "refused with linux.resources.network"),
	END,
};

static const struct hr_field net_priorities[] = {
	RFC("*", O, "resources.network", "1.0.0", "refused with linux.resources.network",
	    net_priority),
	END,
};

static const struct hr_field network[] = {
	RF("classID", N, "resources.network", "1.0.0", "refused with linux.resources.network"),
	RFC("priorities", A, "resources.network", "1.0.0", "refused with linux.resources.network",
	    net_priorities),
	END,
};

static const struct hr_field net_device[] = {
	RF("name", S, "namespaces.net-devices", "1.3.0", "refused with linux.netDevices"),
	END,
};

static const struct hr_field net_devices[] = {
	RFC("*", O, "namespaces.net-devices", "1.3.0", "refused with linux.netDevices", net_device),
	END,
};

static const struct hr_field resources[] = {
	JC("devices", A, "devices", "1.0.0", "the device cgroup", device_rules),
	JC("memory", O, "resources", "1.0.0", "memory limits", memory),
	JC("cpu", O, "resources", "1.0.0", "CPU limits", cpu),
	JC("pids", O, "resources", "1.0.0", "the process limit", pids),
	JC("blockIO", O, "fields", "1.0.0", "block I/O weights and limits", blkio),
	JC("hugepageLimits", A, "resources", "1.0.0", "huge page limits", hugepage_limits),
	RFC("network", O, "resources.network", "1.0.0",
	    "net_cls class id and net_prio priorities, which the host's firewall and traffic "
	    "control act on",
	    network),
	JC("rdma", M, "fields", "1.0.2", "RDMA limits", rdma),
	JC("unified", M, "resources", "1.1.0", "cgroup v2 files", unified),
	END,
};

static const struct hr_field namespace[] = {
	J("type", S, "namespaces", "1.0.0", "each type once"),
	J("path", S, "namespaces", "1.0.0",
	  "the host's is refused unless allowHost; another one needs allowJoin"),
	END,
};

static const struct hr_field namespaces[] = {
	JC("*", O, "namespaces", "1.0.0", "one namespace", namespace),
	END,
};

static const struct hr_field device[] = {
	J("path", S, "devices", "1.0.0", "the node in the container"),
	J("type", S, "devices", "1.0.0", "c, b, u or p"),
	J("major", N, "devices", "1.0.0", "with type, path and minor: in devices.allow"),
	J("minor", N, "devices", "1.0.0", "with type, path and major: in devices.allow"),
	J("fileMode", N, "devices", "1.0.0", "kept with an allowed device"),
	J("uid", N, "devices", "1.0.0", "kept with an allowed device"),
	J("gid", N, "devices", "1.0.0", "kept with an allowed device"),
	END,
};

static const struct hr_field devices[] = {
	JC("*", O, "devices", "1.0.0", "removed unless devices.allow lists it", device),
	END,
};

static const struct hr_field seccomp_arg[] = {
	J("index", N, "seccomp", "1.0.0", "the argument"),
	J("value", N, "seccomp", "1.0.0", "compared with"),
	J("valueTwo", N, "seccomp", "1.0.0", "the second operand of SCMP_CMP_MASKED_EQ"),
	J("op", S, "seccomp", "1.0.0", "SCMP_CMP_*"),
	END,
};

static const struct hr_field seccomp_args[] = {
	JC("*", O, "seccomp", "1.0.0", "one condition", seccomp_arg),
	END,
};

static const struct hr_field syscall_rule[] = {
	J("names", SS, "seccomp", "1.0.0", "system calls"),
	J("action", S, "seccomp", "1.0.0", "SCMP_ACT_*"),
	J("errnoRet", N, "seccomp", "1.1.0", "the errno of SCMP_ACT_ERRNO"),
	JC("args", A, "seccomp", "1.0.0", "conditions on the arguments", seccomp_args),
	END,
};

static const struct hr_field syscall_rules[] = {
	JC("*", O, "seccomp", "1.0.0", "one rule", syscall_rule),
	END,
};

static const struct hr_field seccomp[] = {
	J("defaultAction", S, "seccomp", "1.0.0", "combined with the profile's: denies"),
	J("defaultErrnoRet", N, "seccomp", "1.1.0", "the errno of the default action"),
	J("architectures", SS, "seccomp", "1.0.0", "those the profile also has"),
	J("flags", SS, "seccomp", "1.0.2", "SECCOMP_FILTER_FLAG_SPEC_ALLOW is removed"),
	J("listenerPath", S, "seccomp", "1.1.0",
	  "a root-owned socket hardrun.conf's seccompListeners trusts, else refused"),
	J("listenerMetadata", S, "seccomp", "1.1.0", "kept with a trusted listener"),
	JC("syscalls", A, "seccomp", "1.0.0", "rules, combined with the profile's", syscall_rules),
	END,
};

static const struct hr_field intel_rdt[] = {
	RM("closID", S, "resources.intel-rdt", "1.0.2", "removed with linux.intelRdt", NULL),
	RM("l3CacheSchema", S, "resources.intel-rdt", "1.0.0", "removed with linux.intelRdt", NULL),
	RM("memBwSchema", S, "resources.intel-rdt", "1.0.2", "removed with linux.intelRdt", NULL),
	RM("enableCMT", B, "resources.intel-rdt", "1.1.0", "removed with linux.intelRdt", NULL),
	RM("enableMBM", B, "resources.intel-rdt", "1.1.0", "removed with linux.intelRdt", NULL),
	RM("schemata", SS, "resources.intel-rdt", "1.3.0", "removed with linux.intelRdt", NULL),
	RM("enableMonitoring", B, "resources.intel-rdt", "1.3.0", "removed with linux.intelRdt", NULL),
	END,
};

static const struct hr_field personality[] = {
	J("domain", S, "process", "1.0.2", "LINUX or LINUX32"),
	J("flags", SS, "process", "1.0.2",
	  "refused: they turn off the process's own defences (ADDR_NO_RANDOMIZE, ...)"),
	END,
};

static const struct hr_field time_offset[] = {
	J("secs", N, "namespaces", "1.1.0", "kept: the container's own clock"),
	J("nanosecs", N, "namespaces", "1.1.0", "kept: the container's own clock"),
	END,
};

static const struct hr_field time_offsets[] = {
	JC("monotonic", O, "namespaces", "1.1.0", "CLOCK_MONOTONIC's offset", time_offset),
	JC("boottime", O, "namespaces", "1.1.0", "CLOCK_BOOTTIME's offset", time_offset),
	END,
};

static const struct hr_field memory_policy[] = {
	KEEP("mode", S, "1.3.0", "MPOL_*: where the container's memory comes from"),
	KEEP("nodes", S, "1.3.0", "NUMA nodes, within the cpuset"),
	KEEP("flags", SS, "1.3.0", "MPOL_F_*"),
	END,
};

static const struct hr_field linux_[] = {
	JC("uidMappings", A, "userns", "1.0.0", "the user namespace's user ids", id_mappings),
	JC("gidMappings", A, "userns", "1.0.0", "the user namespace's group ids", id_mappings),
	JC("sysctl", M, "sysctl", "1.0.0", "kernel parameters", sysctl),
	JC("resources", O, "resources", "1.0.0", "cgroup limits", resources),
	J("cgroupsPath", S, "resources", "1.0.0",
	  "refused when that cgroup already holds processes (another container's)"),
	JC("namespaces", A, "namespaces", "1.0.0", "the profile's required types are added",
	   namespaces),
	JC("devices", A, "devices", "1.0.0", "device nodes", devices),
	JC("seccomp", O, "seccomp", "1.0.0", "absent or null: the profile's filter", seccomp),
	J("rootfsPropagation", S, "mounts", "1.0.0",
	  "rslave, rprivate or runbindable kept; any other removed (the runtime's recursive "
	  "default)"),
	J("maskedPaths", SS, "paths", "1.0.0", "the profile's are added"),
	J("readonlyPaths", SS, "paths", "1.0.0", "the profile's are added"),
	J("mountLabel", S, "lsm", "1.0.0", "an spc_t or unconfined_t type is refused unless lsm.allowUnconfined"),
	RM("intelRdt", O, "resources.intel-rdt", "1.0.0",
	   "Intel RDT: a resctrl group and its cache and memory bandwidth shares, which are the host's",
	   intel_rdt),
	JC("personality", O, "process", "1.0.2", "the execution domain", personality),
	JC("timeOffsets", M, "namespaces", "1.1.0", "clock offsets of a new time namespace",
	   time_offsets),
	RFC("netDevices", M, "namespaces.net-devices", "1.3.0",
	    "moves host network interfaces into the container", net_devices),
	JC("memoryPolicy", O, "fields", "1.3.0", "the NUMA memory policy", memory_policy),
	END,
};

static const struct hr_field top[] = {
	KEEP("ociVersion", S, "1.0.0", "the version of the spec"),
	JC("process", O, "fields", "1.0.0", "the container's process", process),
	JC("root", O, "rootfs", "1.0.0", "the root file system", root),
	KEEP("hostname", S, "1.0.0", "set in the container's own UTS namespace"),
	KEEP("domainname", S, "1.1.0", "set in the container's own UTS namespace"),
	JC("mounts", A, "mounts", "1.0.0", "mounts in the container", mounts),
	JC("hooks", O, "hooks", "1.0.0", "programs the runtime runs on the host as root", hooks),
	JC("annotations", M, "annotations", "1.0.0", "strings for the runtime and tools", annotations),
	JC("linux", O, "fields", "1.0.0", "Linux settings", linux_),
	OTHER("solaris", "1.0.0", "Solaris only"),
	OTHER("windows", "1.0.0", "Windows only"),
	OTHER("vm", "1.0.2", "virtual-machine runtimes only"),
	OTHER("zos", "1.1.0", "z/OS only"),
	OTHER("freebsd", "1.3.0", "FreeBSD only"),
	END,
};

const struct hr_field hr_field_root = { "", O, HR_FD_JUDGED, "fields", NULL, "1.0.0",
					"config.json", top };

/* --- names ------------------------------------------------------------------- */

const char *hr_field_type_name(enum hr_field_type t)
{
	static const char *const names[] = {
		[HR_FT_OBJECT] = "an object",  [HR_FT_ARRAY] = "an array",
		[HR_FT_MAP] = "an object",     [HR_FT_STRING] = "a string",
		[HR_FT_NUMBER] = "an integer", [HR_FT_BOOL] = "a boolean",
		[HR_FT_STRINGS] = "an array of strings", [HR_FT_NUMBERS] = "an array of integers",
	};
	return (unsigned)t < HR_ARRAY_SIZE(names) ? names[t] : "?";
}

const char *hr_field_disp_name(enum hr_field_disp d)
{
	return d == HR_FD_REMOVED ? "removed" : d == HR_FD_REFUSED ? "refused" : "judged";
}

/* --- lookups ------------------------------------------------------------------- */

static void visit(const struct hr_field *f, const char *path, hr_field_visit_fn fn, void *ud)
{
	fn(f, path, ud);
	for (const struct hr_field *c = f->children; c && c->name; c++) {
		_cleanup_free_ char *p = hr_xasprintf("%s/%s", path, c->name);
		visit(c, p, fn, ud);
	}
}

void hr_fields_visit(hr_field_visit_fn fn, void *ud)
{
	for (const struct hr_field *c = hr_field_root.children; c->name; c++) {
		_cleanup_free_ char *p = hr_xasprintf("/%s", c->name);
		visit(c, p, fn, ud);
	}
}

const struct hr_field *hr_field_map_match(const struct hr_field *map, const char *key)
{
	for (const struct hr_field *c = map->children; c && c->name; c++)
		if (fnmatch(c->name, key, 0) == 0)
			return c;
	return NULL;
}

static const struct hr_field *child_named(const struct hr_field *f, const char *name, size_t n)
{
	for (const struct hr_field *c = f->children; c && c->name; c++)
		if (strlen(c->name) == n && strncmp(c->name, name, n) == 0)
			return c;
	return NULL;
}

const struct hr_field *hr_field_at(const char *path)
{
	const struct hr_field *f = &hr_field_root;

	if (path[0] != '/')
		return strcmp(path, "") == 0 ? f : NULL;
	while (f && *path == '/') {
		size_t n;
		path++;
		n = strcspn(path, "/");
		/* a map's key pattern may hold a '/' (cdi.k8s.io/ *) */
		if (f->type == HR_FT_MAP) {
			const struct hr_field *c = NULL;
			for (const struct hr_field *k = f->children; k && k->name && !c; k++)
				if (strncmp(path, k->name, strlen(k->name)) == 0 &&
				    (path[strlen(k->name)] == '/' || !path[strlen(k->name)]))
					c = k;
			f = c;
			if (f)
				n = strlen(f->name);
		} else {
			f = child_named(f, path, n);
		}
		path += n;
	}
	return *path ? NULL : f;
}

/* --- the walk ------------------------------------------------------------------ */

struct walk {
	struct hr_findings *findings;
	hr_error *err;
};

static bool type_ok(const cJSON *j, enum hr_field_type t)
{
	switch (t) {
	case HR_FT_OBJECT:
	case HR_FT_MAP:
		return cJSON_IsObject(j);
	case HR_FT_ARRAY:
		return cJSON_IsArray(j);
	case HR_FT_STRING:
		return cJSON_IsString(j);
	case HR_FT_NUMBER:
		return cJSON_IsNumber(j);
	case HR_FT_BOOL:
		return cJSON_IsBool(j);
	case HR_FT_STRINGS:
	case HR_FT_NUMBERS:
		if (!cJSON_IsArray(j))
			return false;
		for (const cJSON *e = j->child; e; e = e->next)
			if (t == HR_FT_STRINGS ? !cJSON_IsString(e) : !cJSON_IsNumber(e))
				return false;
		return true;
	}
	return false;
}

static int judge(cJSON *node, const struct hr_field *f, const char *ptr, struct walk *w);

static bool is_container(enum hr_field_type t)
{
	return t == HR_FT_OBJECT || t == HR_FT_ARRAY || t == HR_FT_MAP;
}


/* Apply row `f` to `value`, the member or element at `ptr` of `parent`.
 * Returns 1 when the value was taken out of the tree (and freed). */
static int apply(cJSON *parent, cJSON *value, const struct hr_field *f, const char *ptr,
		 struct walk *w)
{
	/* Go reads null as absent: there is nothing to judge. */
	if (cJSON_IsNull(value))
		return 0;
	if (f->disp == HR_FD_REFUSED) {
		hr_finding_add(w->findings, f->rule, HR_REFUSED, ptr, NULL, NULL, NULL,
			       "`%s` is refused: %s", value->string ? value->string : ptr, f->doc);
		cJSON_Delete(cJSON_DetachItemViaPointer(parent, value));
		return 1;
	}
	if (f->disp == HR_FD_REMOVED) {
		_cleanup_free_ char *before = hr_findings_want_text(w->findings, HR_CHANGED)
						      ? hr_json_brief(value)
						      : NULL;
		hr_finding_add(w->findings, f->rule, HR_CHANGED, ptr,
			       before && strlen(before) <= 256 ? before : NULL, NULL, NULL,
			       "`%s` removed: %s", value->string ? value->string : ptr, f->doc);
		cJSON_Delete(cJSON_DetachItemViaPointer(parent, value));
		return 1;
	}
	if (!type_ok(value, f->type)) {
		/* the first element of a typed array that is not of its type */
		if ((f->type == HR_FT_STRINGS || f->type == HR_FT_NUMBERS) && cJSON_IsArray(value)) {
			size_t i = 0;
			for (const cJSON *e = value->child; e; e = e->next, i++)
				if (f->type == HR_FT_STRINGS ? !cJSON_IsString(e) : !cJSON_IsNumber(e))
					return hr_err(w->err, HR_E_INVALID,
						      "%s/%zu: expected %s, found %s (fix: see the "
						      "OCI runtime spec for this field)",
						      ptr, i,
						      f->type == HR_FT_STRINGS ? "a string" : "an integer",
						      hr_json_type_name(e));
		}
		return hr_err(w->err, HR_E_INVALID,
			      "%s: expected %s, found %s (fix: see the OCI runtime spec for this "
			      "field)",
			      ptr, hr_field_type_name(f->type), hr_json_type_name(value));
	}
	if (is_container(f->type))
		return judge(value, f, ptr, w);
	return 0;
}

static void unknown(cJSON *parent, cJSON *m, const struct hr_field *f, const char *ptr,
		    struct walk *w)
{
	const struct hr_field *same = NULL;

	/* Go matches struct fields by a folded name, map keys exactly. */
	for (const struct hr_field *c = f->type == HR_FT_OBJECT ? f->children : NULL;
	     c && c->name && !same; c++)
		if (hr_json_fold_equal(m->string, c->name))
			same = c;
	if (same) {
		_cleanup_free_ char *hint = hr_xasprintf("rename it to `%s`", same->name);
		hr_finding_add(w->findings, "spec.unknown-field", HR_REFUSED, ptr, NULL, NULL, hint,
			       "`%s` is spelled differently from the field `%s`, but runc reads "
			       "it as that field",
			       m->string, same->name);
	} else {
		hr_finding_add(w->findings, "spec.unknown-field", HR_REFUSED, ptr, NULL, NULL, NULL,
			       "`%s` is not a field hardrun knows here, so what it asks of the "
			       "runtime cannot be judged",
			       m->string);
	}
	cJSON_Delete(cJSON_DetachItemViaPointer(parent, m));
}

static int judge(cJSON *node, const struct hr_field *f, const char *ptr, struct walk *w)
{
	cJSON *m = node->child;
	size_t i = 0;
	int r;

	while (m) {
		cJSON *next = m->next;
		const struct hr_field *c;
		_cleanup_free_ char *p = NULL;

		if (f->type == HR_FT_ARRAY)
			c = f->children;
		else
			c = f->type == HR_FT_MAP ? hr_field_map_match(f, m->string)
						 : child_named(f, m->string, strlen(m->string));
		/* Most members are leaves of the right type: no pointer needed. */
		if (c && c->disp == HR_FD_JUDGED && !is_container(c->type) &&
		    (cJSON_IsNull(m) || type_ok(m, c->type))) {
			m = next;
			i++;
			continue;
		}
		p = f->type == HR_FT_ARRAY ? hr_json_ptr_index(ptr, i) : hr_json_ptr(ptr, m->string);
		if (!c)
			unknown(node, m, f, p, w);
		else if ((r = apply(node, m, c, p, w)) < 0)
			return r;
		m = next;
		i++;
	}
	return 0;
}

int hr_fields_judge(cJSON *node, const struct hr_field *f, const char *ptr,
		    struct hr_findings *findings, hr_error *err)
{
	struct walk w = { .findings = findings, .err = err };

	if (!type_ok(node, f->type))
		return hr_err(err, HR_E_INVALID, "%s: expected %s (fix: see the OCI runtime spec)",
			      ptr[0] ? ptr : "/", hr_field_type_name(f->type));
	return judge(node, f, ptr, &w);
}
