#!/bin/bash
# The policy core is pure (STYLE.md): it opens no file, prints nothing,
# reads no environment, never exits, runs and loads nothing. Checked where
# it cannot be argued with, at link level: nm lists what each object of
# libhardrun-core.a needs from outside, and none of it may be a call of
# that kind. abort() is allowed: hardrun's allocations abort when memory
# runs out (hr_xmalloc), and a broken internal invariant stops it.
. "$(dirname "$0")/../integration/lib.sh"

need_cmd nm
CORE=$top_builddir/libhardrun-core.a
HOST=$top_builddir/libhardrun-host.a

forbidden=(
  # files and descriptors
  open open64 openat openat64 __open_2 __openat_2 creat close close_range
  read readv pread pread64 __read_chk write writev pwrite pwrite64
  fopen fopen64 fdopen freopen fclose fflush fread __fread_chk fwrite fgets fgetc getc
  getline getdelim fputs fputc putc puts putchar perror
  printf fprintf vprintf vfprintf dprintf vdprintf
  __printf_chk __fprintf_chk __vprintf_chk __vfprintf_chk __dprintf_chk
  stat stat64 lstat lstat64 fstat fstat64 fstatat fstatat64 statx __xstat __lxstat __fxstat
  access faccessat opendir fdopendir readdir readdir64 closedir scandir
  mkdir mkdirat unlink unlinkat rename renameat renameat2 rmdir symlink symlinkat
  link linkat readlink readlinkat __readlink_chk realpath chmod fchmod fchmodat
  chown fchown lchown fchownat truncate ftruncate getcwd __getcwd_chk chdir fchdir
  mmap mmap64 pipe pipe2 dup dup2 dup3 fcntl fcntl64 ioctl flock
  mount umount umount2 fsopen fsmount open_tree move_mount
  socket socketpair connect bind listen accept accept4 send sendto sendmsg recv recvfrom recvmsg
  syslog openlog
  # the environment, the clock, the process's identity and randomness
  getenv secure_getenv setenv unsetenv putenv clearenv environ __environ
  time clock_gettime gettimeofday getrandom rand random srand srandom
  getpid getppid getuid geteuid getgid getegid uname
  # exits
  exit _exit _Exit quick_exit atexit at_quick_exit
  # running and loading code
  dlopen dlmopen dlsym dlvsym dlclose dlerror
  fork vfork clone clone3 execve execv execvp execvpe execl execlp execle fexecve
  system popen pclose posix_spawn posix_spawnp kill raise waitpid wait wait4 waitid
  ptrace prctl syscall setns unshare
  # what the libraries the core links would do for it
  seccomp_load seccomp_export_bpf seccomp_export_pfc cap_get_proc cap_set_proc
  cap_get_file cap_set_file yaml_parser_set_input_file yaml_emitter_set_output_file
)

# Needs allowed by object, each with its reason:
allowed=(
  # strmap keys its SipHash with a secret so that input cannot flood one
  # bucket (issue 20); the key changes where an entry is kept, never what
  # a look-up finds, so no result depends on it.
  "strmap.o getrandom"
)

# undefined OBJ...: "object symbol" for each symbol an object needs.
undefined() {
  nm -A -u "$@" | awk '{ n = split($1, a, ":"); s = $NF; sub(/@.*/, "", s); print a[n - 1], s }'
}
# offending ARCHIVE: the forbidden symbols its objects need, but the
# allowed ones.
offending() {
  undefined "$1" | awk 'NR == FNR { bad[$1] = 1; next } ($2 in bad)' \
    <(printf '%s\n' "${forbidden[@]}") - | grep -vxF -f <(printf '%s\n' "${allowed[@]}") || true
}

core_needs=$(undefined "$CORE")
objects=$(printf '%s\n' "$core_needs" | awk '{ print $1 }' | sort -u | wc -l)
# The listing works: every pass is there, and they do need the allocator.
check "nm lists the core's objects ($objects)" test "$objects" -ge 30
expect_grep "the core needs malloc (nm reads the objects)" " malloc$" "$core_needs"
# The check can fail: the host shell's objects do what the core must not.
host_bad=$(offending "$HOST")
expect_grep "the host shell opens files (the check finds it)" " open(at)?$" "$host_bad"
expect_grep "the host shell loads libraries (the check finds it)" " dlopen$" "$host_bad"

core_bad=$(offending "$CORE")
if [ -z "$core_bad" ]; then
  pass "the core needs no I/O, environment, exit or loading symbol"
else
  fail "the core needs what it must not (object symbol):"
  printf '%s\n' "$core_bad" | sed 's/^/    | /'
fi
finish
