#!/bin/sh
# engine-conf.sh FILE MODULE: an OpenSSL configuration in FILE that loads libp11's pkcs11
# engine (installed into OpenSSL's own engines directory, per architecture) for the PKCS#11
# module MODULE. The tests and the benchmarks sign through it as other programs would.
cat >"$1" <<CNF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = $(openssl version -e | sed -n 's/^ENGINESDIR: "\(.*\)"$/\1/p')/pkcs11.so
MODULE_PATH = $2
init = 0
CNF
