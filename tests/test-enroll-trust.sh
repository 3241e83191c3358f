#!/bin/sh
# End to end: what the station trusts, and what lets someone outside check it. A certificate
# for the right key must name the applicant; trust anchors others may write are refused at
# init and issuer set; the audit chain's head is printed, carried by reports, and checked
# against one recorded elsewhere; reports count only what the chain supports.
. "$top_srcdir/tests/enroll-lib.sh"

DUMP=${top_builddir:-..}/tests/token-dump
CA=$T_FILES/ca
printf '%s\n' "$T_USER_PIN" >"$T_DIR/pin"

t_station || { echo "Bail out! the station cannot be set up"; exit 1; }

# dump LABEL FILE: every object of the token with every attribute, logged in.
dump() {
	"$DUMP" "$T_MODULE" "$1" <"$T_DIR/pin" >"$2" || { echo "cannot dump $1"; return 1; }
}

# issue NUMBER CN EMAIL OUT: the station's own CA signs the application's key under the
# subject given (CN and emailAddress, the email also as subjectAltName), chain appended.
issue() {
	e kasi --json show "$1" | jq -r .key.csr >"$T_DIR/req.csr" &&
	python3 - "$T_DIR/req.csr" "$CA" "$2" "$3" "$4" <<'PY'
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
csr_path, ca, cn, email, out = sys.argv[1:]
csr = x509.load_pem_x509_csr(open(csr_path, "rb").read())
ca_cert = x509.load_pem_x509_certificate(open(ca + "/ca.pem", "rb").read())
ca_key = serialization.load_pem_private_key(open(ca + "/ca.key", "rb").read(), None)
now = datetime.datetime.now(datetime.timezone.utc)
names = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
	 x509.NameAttribute(NameOID.COMMON_NAME, cn)]
if email:
	names.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
builder = (x509.CertificateBuilder().subject_name(x509.Name(names))
	   .issuer_name(ca_cert.subject).public_key(csr.public_key())
	   .serial_number(x509.random_serial_number())
	   .not_valid_before(now - datetime.timedelta(minutes=5))
	   .not_valid_after(now + datetime.timedelta(days=365))
	   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
	   .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
					False), critical=True))
if email:
	builder = builder.add_extension(
		x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
cert = builder.sign(ca_key, hashes.SHA256())
with open(out, "wb") as f:
	f.write(cert.public_bytes(serialization.Encoding.PEM) + open(ca + "/ca.pem", "rb").read())
PY
}

# email NUMBER: the application's email, from the database.
email() {
	t_sql "SELECT email FROM applicants a JOIN applications p ON p.applicant_id = a.id WHERE p.number = '$1'"
}

# refused_unchanged NUMBER LABEL CERT WORD: import refused with exit 15 naming WORD, the
# token's full object dump and the application's state as they were.
refused_unchanged() {
	dump "$2" "$T_DIR/before" &&
	t_expect_status 15 t_import "$1" --cert "$3" 2>"$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	grep -q "$4" "$T_DIR/err" && grep -q "BSrE" "$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	dump "$2" "$T_DIR/after" && cmp -s "$T_DIR/before" "$T_DIR/after" &&
	[ "$(t_state "$1")" = key_generated ]
}

another_persons_name_is_refused_and_the_token_unchanged() {
	t_softhsm 1
	a=$(t_apply "Wulan Sari") && t_to_sent "$a" && t_keygen "$a" "" >/dev/null || return 1
	issue "$a" "Rudi Hartono" "$(email "$a")" "$T_DIR/other.pem" &&
	refused_unchanged "$a" "Wulan Sari" "$T_DIR/other.pem" "Rudi Hartono" &&
	grep -q "Wulan Sari" "$T_DIR/err"
}
t_ok another_persons_name_for_the_right_key_is_refused_and_the_token_unchanged \
	another_persons_name_is_refused_and_the_token_unchanged

nul_or_control_in_the_cn_and_another_email_are_refused() {
	t_softhsm 2
	a=$(t_apply "Dian Lestari") && t_to_sent "$a" && t_keygen "$a" "" >/dev/null || return 1
	issue "$a" "$(printf 'Dian Lestari\001')" "$(email "$a")" "$T_DIR/ctl.pem" &&
	refused_unchanged "$a" "Dian Lestari" "$T_DIR/ctl.pem" 'Dian Lestari\\x01' &&
	issue "$a" "Dian Lestari" "someone@example.com" "$T_DIR/mail.pem" &&
	refused_unchanged "$a" "Dian Lestari" "$T_DIR/mail.pem" "someone@example.com"
}
t_ok a_control_character_in_the_cn_or_another_email_is_refused_and_the_token_unchanged \
	nul_or_control_in_the_cn_and_another_email_are_refused

# A NUL cannot be typed into a subject by the CA tools: the DER is edited, a byte of the CN
# made 0, and the signature no longer matters since the subject check comes first.
nul_in_the_cn_is_refused() {
	t_softhsm 3
	a=$(t_apply "Nina Ayu") && t_to_sent "$a" && t_keygen "$a" "" >/dev/null || return 1
	issue "$a" "Nina Ayu" "" "$T_DIR/nina.pem" &&
	openssl x509 -in "$T_DIR/nina.pem" -outform DER -out "$T_DIR/nina.der" &&
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); i = d.index(b"Nina Ayu") + 4
open(sys.argv[1], "wb").write(d[:i] + b"\0" + d[i + 1:])' "$T_DIR/nina.der" &&
	refused_unchanged "$a" "Nina Ayu" "$T_DIR/nina.der" 'Nina\\x00Ayu'
}
t_ok a_nul_in_the_cn_is_refused_and_the_token_unchanged nul_in_the_cn_is_refused

# The name applied for precomposed (NFC), the CA writes it decomposed (NFD): the same name.
nfd_and_nfc_forms_are_the_same_name() {
	t_softhsm 4
	nfc=$(printf 'Ren\303\251 Aur\303\251lia')
	nfd=$(printf 'Rene\314\201 Aure\314\201lia')
	a=$(t_apply "$nfc") && t_to_sent "$a" && t_keygen "$a" "" >/dev/null || return 1
	upper=$(email "$a" | tr a-z A-Z)
	issue "$a" "$nfd" "$upper" "$T_DIR/nfd.pem" &&
	t_import "$a" --cert "$T_DIR/nfd.pem" >/dev/null && [ "$(t_state "$a")" = certificate_imported ]
}
t_ok a_name_in_nfd_form_and_an_email_in_capitals_are_accepted nfd_and_nfc_forms_are_the_same_name

# head FILE: the "row N, HASH" hash of an "Audit head:" line in FILE.
head_in() {
	sed -n 's/^Audit head: row [0-9]*, \([0-9a-f]*\)$/\1/p' "$1"
}

# rewrite_chain: what an intruder with the file does: every row's time moved back an hour
# and the whole chain rehashed as workflow/audit.c defines it, the head row moved with it
# (the append-only triggers dropped for it and put back).
rewrite_chain() {
	python3 - "$ENROLL_DB" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def field(text):
	data = text.encode()
	return str(len(data)).encode() + b":" + data + b"\n"
# The append-only triggers are the file's own: dropped for the rewrite, put back after.
triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
		      " AND tbl_name = 'audit'").fetchall()
for name, _ in triggers:
	db.execute('DROP TRIGGER "%s"' % name)
prev = "0" * 64
rows = db.execute("SELECT seq, at, login, kind, application, action, result, detail"
		  " FROM audit ORDER BY seq").fetchall()
for seq, at, *fields in rows:
	at -= 3600
	digest = hashlib.sha256(field(prev) + field("%d %d" % (seq, at)) +
				b"".join(field(f or "") for f in fields)).hexdigest()
	db.execute("UPDATE audit SET at = ?, prev_hash = ?, hash = ? WHERE seq = ?",
		   (at, prev, digest, seq))
	prev = digest
db.execute("UPDATE audit_head SET hash = ? WHERE id = 1", (prev,))
for _, sql in triggers:
	db.execute(sql)
db.commit()
PY
}

head_is_printed_carried_by_reports_and_a_rewritten_chain_is_caught() {
	e kasi audit verify >"$T_DIR/verify" && old=$(head_in "$T_DIR/verify") &&
	[ "$old" = "$(t_sql "SELECT hash FROM audit_head")" ] &&
	grep -q "^Audit head: row $(t_sql "SELECT seq FROM audit_head"), " "$T_DIR/verify" &&
	e kasi --lang en report holders >"$T_DIR/report" && [ "$(head_in "$T_DIR/report")" = "$old" ] &&
	[ "$(e kasi --json report holders | jq -r .audit_head)" = "$old" ] &&
	e kasi --lang en report holders --csv | { ! grep -q "$old"; } &&
	e kasi audit verify --expect "$(echo "$old" | cut -c1-16)" >/dev/null || return 1
	rewrite_chain || return 1
	e kasi audit verify >"$T_DIR/verify" && new=$(head_in "$T_DIR/verify") && [ "$new" != "$old" ] &&
	t_expect_status 22 e kasi audit verify --expect "$(echo "$old" | cut -c1-16)" 2>"$T_DIR/err" &&
	grep -q "$new" "$T_DIR/err" && grep -q "$(echo "$old" | cut -c1-16)" "$T_DIR/err" &&
	t_expect_status 22 e kasi audit verify --expect "$old" 2>/dev/null &&
	e kasi audit verify --expect "$new" >/dev/null &&
	t_expect_status 1 e kasi audit verify --expect "$(echo "$new" | cut -c1-15)" 2>/dev/null &&
	t_expect_status 1 e kasi audit verify --expect "not-a-hash-at-all-x" 2>/dev/null
}
t_sqlite_ok the_audit_head_is_printed_and_carried_by_reports_and_a_rewritten_chain_fails_expect \
	head_is_printed_carried_by_reports_and_a_rewritten_chain_is_caught

# Roots for the file connector, made outside enroll, in a directory of their own.
mkdir -p "$T_DIR/roots" && chmod 700 "$T_DIR/roots" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=Root" \
		-keyout "$T_DIR/roots/root.key" -out "$T_DIR/roots/anchors.pem" -days 30 2>/dev/null ||
	{ echo "Bail out! no roots for the file connector"; exit 1; }

# init_file DIR: init a new station in DIR with the file connector and the roots above.
init_file() {
	ENROLL_DB=$1/enroll.db e kasi init --office "Dinas Kominfo" --city Singkawang \
		--issuer file --trust-anchors "$T_DIR/roots/anchors.pem" \
		--outbox "$1/outbox" --inbox "$1/inbox"
}

unsafe_anchors_are_refused_at_init_and_nothing_is_created() {
	chmod 666 "$T_DIR/roots/anchors.pem"
	t_expect_status 23 init_file "$T_DIR/s1" 2>"$T_DIR/err" && [ ! -e "$T_DIR/s1" ] &&
	grep -q "anchors.pem is writable by others: chmod go-w" "$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	chmod 644 "$T_DIR/roots/anchors.pem" && chmod 775 "$T_DIR/roots"
	t_expect_status 23 init_file "$T_DIR/s1" 2>"$T_DIR/err" && [ ! -e "$T_DIR/s1" ] &&
	grep -q "roots is writable by others" "$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	chmod 755 "$T_DIR/roots" && chown nobody "$T_DIR/roots/anchors.pem"
	t_expect_status 23 init_file "$T_DIR/s1" 2>"$T_DIR/err" && [ ! -e "$T_DIR/s1" ] &&
	grep -q "belongs to another user" "$T_DIR/err" || { cat "$T_DIR/err"; return 1; }
	chown "$(id -u)" "$T_DIR/roots/anchors.pem" && init_file "$T_DIR/s1" >/dev/null
}
t_ok unsafe_trust_anchors_are_refused_at_init_with_the_chmod_hint_and_nothing_is_created \
	unsafe_anchors_are_refused_at_init_and_nothing_is_created

unsafe_anchors_are_refused_at_issuer_set_and_nothing_changes() {
	rows=$(t_sql "SELECT count(*) FROM audit WHERE action = 'issuer_set'")
	chmod 664 "$T_DIR/roots/anchors.pem"
	t_expect_status 23 e kasi issuer set file --trust-anchors "$T_DIR/roots/anchors.pem" \
		--outbox "$T_DIR/out2" --inbox "$T_DIR/in2" 2>"$T_DIR/err" &&
	grep -q "chmod go-w" "$T_DIR/err" && [ ! -e "$T_DIR/out2" ] && [ ! -e "$T_DIR/in2" ] &&
	[ "$(t_sql "SELECT value FROM settings WHERE key = 'issuer'")" = local ] &&
	[ "$(t_sql "SELECT count(*) FROM audit WHERE action = 'issuer_set'")" = "$rows" ] ||
		{ cat "$T_DIR/err"; return 1; }
	# The local CA's own anchors, made writable by others after init.
	chmod 644 "$T_DIR/roots/anchors.pem" && chmod 666 "$CA/trust-anchors.pem" &&
	t_expect_status 23 e kasi issuer set local 2>"$T_DIR/err" &&
	grep -q "trust-anchors.pem is writable by others" "$T_DIR/err" &&
	chmod 644 "$CA/trust-anchors.pem" && e kasi issuer set local >/dev/null
}
t_ok unsafe_trust_anchors_are_refused_at_issuer_set_and_the_setting_is_unchanged \
	unsafe_anchors_are_refused_at_issuer_set_and_nothing_changes

# total: the holders the report counts, by its JSON.
total() {
	e kasi --json report holders --by all | jq -r .total
}

forged_holder_is_not_counted_and_is_named() {
	t_softhsm 5
	a=$(t_apply "Hana Pertiwi") && t_to_sent "$a" && t_keygen "$a" "" >/dev/null &&
	t_import "$a" >/dev/null && e kasi handover "$a" >/dev/null || return 1
	b=$(t_apply "Yoga Pratama") && e kadis reject "$b" --reason "bukan pegawai" >/dev/null &&
	before=$(total) && [ "$before" -ge 1 ] || return 1
	# Rejected, then made a holder in the file: the chain says rejected.
	t_sql "UPDATE applications SET state = 'active' WHERE number = '$b'" &&
	[ "$(total)" = "$before" ] &&
	e kasi --json report holders --by all 2>"$T_DIR/err" | jq -e --arg b "$b" '.left_out == [$b]' >/dev/null &&
	grep -q "1 application not counted: .*audit log.*: $b$" "$T_DIR/err" &&
	e kasi --lang en report holders >"$T_DIR/report" &&
	grep -q "^1 application not counted: .*: $b$" "$T_DIR/report" &&
	t_expect_status 22 e kasi audit verify 2>/dev/null &&
	# Put back as the chain says: nothing left out, the same count.
	t_sql "UPDATE applications SET state = 'rejected' WHERE number = '$b'" &&
	e kasi --lang en report holders >"$T_DIR/report" && ! grep -q "not counted" "$T_DIR/report" &&
	[ "$(total)" = "$before" ]
}
t_ok a_holder_forged_in_the_file_is_not_counted_and_the_report_names_it \
	forged_holder_is_not_counted_and_is_named

t_done
