dnl SPDX-License-Identifier: GPL-2.0-or-later
dnl HR_ENABLE_FUZZING: --enable-fuzzing builds the libFuzzer targets of
dnl tests/fuzz (clang: -fsanitize=fuzzer,address,undefined). Without it,
dnl `make check` still replays their corpus with any compiler.
AC_DEFUN([HR_ENABLE_FUZZING], [
AC_ARG_ENABLE([fuzzing],
  [AS_HELP_STRING([--enable-fuzzing],
    [also build the libFuzzer targets in tests/fuzz (needs CC=clang)])])
HR_FUZZ_CFLAGS=""
HR_FUZZ_HARNESS_CFLAGS=""
AS_IF([test "x$enable_fuzzing" = xyes], [
  AC_MSG_CHECKING([whether $CC builds libFuzzer targets with ASan and UBSan])
  hr_save_CFLAGS=$CFLAGS
  CFLAGS="$CFLAGS -fsanitize=fuzzer,address,undefined"
  AC_LINK_IFELSE([AC_LANG_SOURCE([[#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([--enable-fuzzing needs clang with libFuzzer (fix: apt-get install clang, then ./configure CC=clang --enable-fuzzing)])])
  CFLAGS=$hr_save_CFLAGS
  HR_FUZZ_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
  HR_FUZZ_HARNESS_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
])
AC_SUBST([HR_FUZZ_CFLAGS])
AC_SUBST([HR_FUZZ_HARNESS_CFLAGS])
AM_CONDITIONAL([ENABLE_FUZZING], [test "x$enable_fuzzing" = xyes])
])
