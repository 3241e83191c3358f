#!/bin/sh
# Format the C sources with the repo's .clang-format: scripts/format.sh [--check].
# --check changes nothing and fails, naming the files, when one is not formatted (CI).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
files=$(find pkcs11 issuer workflow papers enroll tests bench -name '*.[ch]' 2>/dev/null | sort)
if [ "${1:-}" = "--check" ]; then
	bad=
	for f in $files; do
		clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
	done
	if [ -n "$bad" ]; then
		echo "not formatted (run scripts/format.sh):$bad" >&2
		exit 1
	fi
	exit 0
fi
clang-format -i $files
