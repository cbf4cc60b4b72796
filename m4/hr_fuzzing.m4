dnl SPDX-License-Identifier: GPL-2.0-or-later
dnl HR_ENABLE_FUZZING: --enable-fuzzing builds the libFuzzer targets of
dnl tests/fuzz (clang: -fsanitize=fuzzer,address,undefined). Without it,
dnl `make check` still replays their corpus with any compiler.
dnl --enable-fuzzing=fast builds them for long campaigns: UBSan (trapping)
dnl and LeakSanitizer without ASan, several times the executions per CPU
dnl second; scripts/fuzz --fast then replays the grown corpus and every
dnl crasher under ASan and UBSan, so ASan still judges what was found.
AC_DEFUN([HR_ENABLE_FUZZING], [
AC_ARG_ENABLE([fuzzing],
  [AS_HELP_STRING([--enable-fuzzing@<:@=fast@:>@],
    [also build the libFuzzer targets in tests/fuzz (needs CC=clang); fast: without ASan, for campaigns whose corpus is replayed under ASan])])
HR_FUZZ_CFLAGS=""
HR_FUZZ_HARNESS_CFLAGS=""
HR_FUZZ_LDFLAGS=""
hr_fuzz_san="" hr_fuzz_extra=""
AS_CASE([x$enable_fuzzing],
  [xyes], [hr_fuzz_san="address,undefined" hr_fuzz_extra="-fno-sanitize-recover=all"],
  [xfast], [hr_fuzz_san="undefined,leak" hr_fuzz_extra="-fsanitize-trap=undefined"],
  [xno|x], [],
  [AC_MSG_ERROR([--enable-fuzzing=$enable_fuzzing: unknown (fix: --enable-fuzzing or --enable-fuzzing=fast)])])
AS_IF([test -n "$hr_fuzz_san"], [
  AC_MSG_CHECKING([whether $CC builds libFuzzer targets with -fsanitize=$hr_fuzz_san])
  hr_save_CFLAGS=$CFLAGS
  CFLAGS="$CFLAGS -fsanitize=fuzzer,$hr_fuzz_san $hr_fuzz_extra"
  AC_LINK_IFELSE([AC_LANG_SOURCE([[#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([--enable-fuzzing needs clang with libFuzzer (fix: apt-get install clang, then ./configure CC=clang --enable-fuzzing)])])
  CFLAGS=$hr_save_CFLAGS
  HR_FUZZ_CFLAGS="-fsanitize=fuzzer-no-link,$hr_fuzz_san $hr_fuzz_extra -fno-omit-frame-pointer"
  HR_FUZZ_HARNESS_CFLAGS="-fsanitize=$hr_fuzz_san $hr_fuzz_extra -fno-omit-frame-pointer"
  HR_FUZZ_LDFLAGS="-fsanitize=fuzzer,$hr_fuzz_san $hr_fuzz_extra"
])
AC_SUBST([HR_FUZZ_CFLAGS])
AC_SUBST([HR_FUZZ_HARNESS_CFLAGS])
AC_SUBST([HR_FUZZ_LDFLAGS])
AM_CONDITIONAL([ENABLE_FUZZING], [test -n "$hr_fuzz_san"])
])
