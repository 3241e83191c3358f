#!/bin/sh
# Build the libFuzzer harnesses of tests/fuzz/ with clang and run each for a bounded time:
# scripts/fuzz.sh [SECONDS] [HARNESS...]. The libraries are built in _build-fuzz with
# ASan/UBSan and fuzzer coverage; each harness starts from its seed corpus in
# tests/fuzz/corpus/NAME and keeps what it finds in _build-fuzz/corpus/NAME. A crash,
# a leak, a sanitizer report or a timeout fails the run and leaves the input in
# _build-fuzz/artifacts/.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
[ $# -gt 0 ] && shift
harnesses=${*:-$(cd "$top/tests/fuzz" && ls fuzz-*.c | sed 's/[.]c$//')}
build=$top/_build-fuzz
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"

[ -x "$top/configure" ] || "$top/autogen.sh" >/dev/null 2>&1
mkdir -p "$build/artifacts"
if [ ! -f "$build/Makefile" ]; then
	(cd "$build" && CC=clang CFLAGS="$flags -fsanitize=fuzzer-no-link" \
		"$top/configure" --disable-werror >/dev/null)
fi
for dir in pkcs11 workflow issuer papers enroll; do
	make -C "$build/$dir" -j"$(nproc)" >/dev/null
done
# The command's objects for the harnesses that parse its input, its main() renamed so that
# libFuzzer's is the program's.
rm -f "$build/enroll.a"
for object in "$build"/enroll/enroll-*.o; do
	objcopy --redefine-sym main=enroll_main "$object" "$build/fuzz-${object##*/}"
done
ar rcs "$build/enroll.a" "$build"/fuzz-enroll-*.o
libs="$(pkg-config --libs libp11 p11-kit-1 libcrypto libpcsclite sqlite3 libpq json-c cairo-pdf pangocairo libqrencode)"
libs="$libs -lunistring"
includes="-I$build -I$top/pkcs11 -I$top/workflow -I$top/issuer -I$top/enroll"
includes="$includes $(pkg-config --cflags libp11 p11-kit-1 json-c)"
status=0
for name in $harnesses; do
	clang -std=c11 -D_GNU_SOURCE $flags -fsanitize=fuzzer $includes \
		"$top/tests/fuzz/$name.c" "$build/enroll.a" "$build/papers/libpapers.a" "$build/issuer/libissuer.a" \
		"$build/workflow/libworkflow.a" "$build/pkcs11/libtoken.a" $libs -o "$build/$name"
	corpus=$build/corpus/${name#fuzz-}
	mkdir -p "$corpus"
	echo "== $name: $seconds s"
	if ! ASAN_OPTIONS=detect_leaks=1 "$build/$name" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$build/artifacts/$name-" -print_final_stats=1 \
		"$corpus" "$top/tests/fuzz/corpus/${name#fuzz-}" >"$build/$name.log" 2>&1; then
		status=1
		tail -40 "$build/$name.log"
	fi
	grep -E '(DONE|stat::number_of_executed_units|stat::peak_rss_mb)' \
		"$build/$name.log" || true
done
exit "$status"
