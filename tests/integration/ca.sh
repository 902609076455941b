#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ca.sh: zhucun-ca end to end: init, issue, revoke, clone, show, and bad
# input. The certificates are checked independently with openssl (X.509 v3,
# EC P-256, id-PIV-cardAuth, UTF-8 subject, chain to ca.pem), and so is the
# revocation list's signature.
source "$(dirname "$0")/lib.sh"
C="$ZC_BIN/zhucun-ca"
one_line() { test "$(printf '%s\n' "$err" | grep -c .)" -eq 1; }
cd "$T"

# ---- init ----
run "$C" init --dir ca --name "海勃湾区驻村干部工牌CA" --district "海勃湾区"
expect_rc 0 "init creates a CA"
for f in ca.key ca.pem revocations.zrl issued.txt; do
  check "ca/$f exists" test -s "ca/$f"
done
check "CA key is owner-only (0600)" test "$(stat -c %a ca/ca.key)" = 600
ca_text=$(openssl x509 -in ca/ca.pem -noout -text)
contains "$ca_text" "CA:TRUE" "CA certificate has basicConstraints CA:TRUE"
contains "$ca_text" "Certificate Sign, CRL Sign" "CA key usage keyCertSign, cRLSign"
contains "$ca_text" "X509v3 Subject Key Identifier" "CA has a subject key identifier"
contains "$ca_text" "NIST CURVE: P-256" "CA key is P-256"
contains "$ca_text" "Not Before: Jan  1 00:00:00 2020 GMT" "CA valid from 2020-01-01"
run openssl verify -CAfile ca/ca.pem ca/ca.pem
expect_rc 0 "openssl accepts the self-signed CA"
check "CA subject CN is UTF-8" bash -c "openssl x509 -in ca/ca.pem -noout -subject -nameopt utf8,sep_comma_plus_space | grep -qF 'CN=海勃湾区驻村干部工牌CA'"

run "$C" init --dir ca --name "again"
expect_rc 1 "init refuses an existing CA"
contains "$err" "refusing to overwrite" "says why"
check "one line" one_line
run "$C" init --dir ca2
expect_rc 2 "init without --name"
check "one line" one_line

# ---- issue ----
uuid=0123456789abcdef0123456789abcdef
run "$C" issue --dir ca --badge B001 --cadre C001 --name "张三" --uuid $uuid --uid 04a1b2c3d4e5f6 \
  --out b001.card --cert-out b001.der
expect_rc 0 "issue B001"
check "card file is owner-only (0600)" test "$(stat -c %a b001.card)" = 600
check "card file header" test "$(head -1 b001.card)" = "# zhucun virtual PIV card"
contains "$(cat b001.card)" "uuid=$uuid" "card file has the UUID"
contains "$(cat b001.card)" "uid=04a1b2c3d4e5f6" "card file has the UID"
contains "$(cat b001.card)" "-----BEGIN EC PRIVATE KEY-----" "card file has the 9E key"
sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' b001.card > b001.pem
sed -n '/BEGIN EC PRIVATE KEY/,/END EC PRIVATE KEY/p' b001.card > b001.key
check "card certificate equals --cert-out" cmp <(openssl x509 -in b001.pem -outform der) b001.der
size=$(stat -c %s b001.der)
check "certificate DER well under 2 KB ($size bytes)" test "$size" -lt 1024

text=$(openssl x509 -in b001.pem -noout -text)
contains "$text" "Version: 3 (0x2)" "X.509 v3"
contains "$text" "Public Key Algorithm: id-ecPublicKey" "EC key"
contains "$text" "NIST CURVE: P-256" "P-256"
contains "$text" "Signature Algorithm: ecdsa-with-SHA256" "signed ecdsa-with-SHA256"
contains "$text" "2.16.840.1.101.3.6.8" "extendedKeyUsage id-PIV-cardAuth"
contains "$text" "X509v3 Extended Key Usage: critical" "EKU is critical (PIV profile)"
contains "$text" "X509v3 Key Usage: critical" "keyUsage is critical"
contains "$text" "Digital Signature" "keyUsage digitalSignature"
contains "$text" "X509v3 Authority Key Identifier" "authority key identifier"
contains "$text" "URI:urn:uuid:01234567-89ab-cdef-0123-456789abcdef" "card UUID in subjectAltName"
contains "$text" "Not After : Dec 31 23:59:59 2040 GMT" "valid to 2040-12-31"
subj=$(openssl x509 -in b001.pem -noout -subject -nameopt utf8,sep_comma_plus_space)
contains "$subj" "CN=张三" "subject CN is the name in UTF-8"
contains "$subj" "serialNumber=C001" "subject serialNumber is the cadre"
contains "$subj" "OU=B001" "subject OU is the badge"
contains "$subj" "subject=O=海勃湾区," "subject O is the district"
check "CN is a UTF8String" bash -c "openssl asn1parse -in b001.pem | grep -A1 ':commonName' | grep -q UTF8STRING"
check "no NULL parameter in the ECDSA algorithm identifiers (RFC 5758)" \
  bash -c "! openssl asn1parse -in b001.pem | grep -q NULL"
run openssl verify -CAfile ca/ca.pem b001.pem
expect_rc 0 "openssl verify -CAfile ca.pem accepts the badge"
contains "$out" "b001.pem: OK" "openssl says OK"
run openssl verify -CAfile ca/ca.pem -attime 1748736000 b001.pem
expect_rc 0 "and at 2025-06-01"
check "the card key is the certificate's key" \
  cmp <(openssl pkey -in b001.key -pubout) <(openssl x509 -in b001.pem -noout -pubkey)
serial=$(openssl x509 -in b001.pem -noout -serial | cut -d= -f2 | tr A-F a-f)
fp=$(sha256sum b001.der | cut -d' ' -f1)
check "issued.txt records badge, cadre, serial, fingerprint" \
  grep -qP "^B001\tC001\t$serial\t$fp\t$uuid\$" ca/issued.txt

run "$C" issue --dir ca --badge B002 --cadre C002 --name "李四" --out b002.card
expect_rc 0 "issue B002 with a random UUID and UID"
check "random UID is 7 bytes from 04" grep -qE '^uid=04[0-9a-f]{12}$' b002.card
check "random UUID is 32 hex digits" grep -qE '^uuid=[0-9a-f]{32}$' b002.card
sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' b002.card > b002.pem
run openssl verify -CAfile ca/ca.pem b002.pem
expect_rc 0 "openssl accepts B002"

run "$C" issue --dir ca --badge B001 --cadre C009 --name "王五" --out again.card
expect_rc 1 "a badge id is issued once"
contains "$err" "issued before" "says so"
check "one line" one_line
check "nothing written" test ! -e again.card
run "$C" issue --dir ca --badge B003 --cadre C003 --name "赵六" --out b001.card
expect_rc 1 "an existing card file is not overwritten"
check "one line" one_line
run "$C" issue --dir ca --badge B003 --cadre C003 --name "赵六" --uuid xyz --out b003.card
expect_rc 2 "a bad --uuid"
check "one line" one_line
run "$C" issue --dir ca --badge B003 --cadre C_03 --name "赵六" --out b003.card
expect_rc 2 "a cadre id that is no PrintableString"
check "one line" one_line
run "$C" issue --dir ca --badge B003 --cadre C003 --name "赵六" --out b003.card --valid-to 2060-01-01
expect_rc 2 "a badge outliving its CA"
check "one line" one_line
run "$C" issue --dir nowhere --badge B003 --cadre C003 --name "赵六" --out b003.card
expect_rc 1 "no CA folder"
contains "$err" "no CA here" "says so"
check "one line" one_line

# ---- revoke ----
run "$C" revoke --dir ca --badge B001 --at 2025-06-01T08:00:00+08:00
expect_rc 0 "revoke B001"
contains "$out" "from 2025-06-01T00:00:00Z" "revocation time in UTC"
contains "$out" "list 2" "list number bumped"
run "$C" show ca/revocations.zrl
expect_rc 0 "show the list"
contains "$out" "$serial  自 / from 2025-06-01T00:00:00Z" "serial and time listed"
contains "$out" "有效 / valid (CA)" "signature checked against the CA beside it"
# The list's signature, checked by openssl: SHA-256 over everything before
# sig_len, ECDSA with the CA key.
len=$(stat -c %s ca/revocations.zrl)
for ((s = 72; s >= 8; s--)); do
  b=$(od -An -tu1 -j $((len - s - 1)) -N1 ca/revocations.zrl | tr -d ' ')
  if [ "$b" = "$s" ]; then break; fi
done
head -c $((len - s - 1)) ca/revocations.zrl > zrl.body
tail -c "$s" ca/revocations.zrl > zrl.sig
openssl x509 -in ca/ca.pem -noout -pubkey > ca.pub
run openssl dgst -sha256 -verify ca.pub -signature zrl.sig zrl.body
expect_rc 0 "openssl verifies the revocation list signature"
check "list starts with ZRL1 and number 2" test "$(head -c 5 ca/revocations.zrl | od -An -c | tr -d ' ')" = 'ZRL1002'

run "$C" revoke --dir ca --badge B001
expect_rc 1 "revoking twice"
contains "$err" "already revoked" "says so"
check "one line" one_line
run "$C" revoke --dir ca --badge B404
expect_rc 1 "revoking a badge never issued"
check "one line" one_line
run "$C" revoke --dir ca --badge B002 --at tomorrow
expect_rc 2 "a bad --at"
check "one line" one_line

run "$C" show b001.card --ca ca/ca.pem --at 2025-05-31T23:59:59Z
expect_rc 0 "show the card"
contains "$out" "有效 / valid" "valid just before the revocation"
contains "$out" "是 / yes" "the card key matches"
run "$C" show b001.card --ca ca/ca.pem --at 2025-06-01T00:00:00Z
contains "$out" "已吊销 / revoked" "revoked from the revocation instant"
run "$C" show b002.card --ca ca/ca.pem --at 2025-06-01T00:00:00Z
contains "$out" "有效 / valid" "B002 unaffected"

# ---- clone ----
run "$C" clone b001.card --out b001x.card
expect_rc 0 "clone B001"
check "clone is owner-only (0600)" test "$(stat -c %a b001x.card)" = 600
check "clone has the same certificate" \
  cmp <(sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' b001x.card) b001.pem
check "clone has the same uuid and uid" cmp <(grep -E '^uu?id=' b001x.card) <(grep -E '^uu?id=' b001.card)
sed -n '/BEGIN EC PRIVATE KEY/,/END EC PRIVATE KEY/p' b001x.card > b001x.key
check "clone has another key" bash -c "! cmp -s b001.key b001x.key"
check "clone's key is not the certificate's (openssl)" \
  bash -c "! cmp -s <(openssl pkey -in b001x.key -pubout) <(openssl x509 -in b001.pem -noout -pubkey)"
run "$C" show b001x.card
contains "$out" "否 / no" "show flags the clone"
run "$C" clone b001.card --out b001x.card
expect_rc 1 "clone does not overwrite"
check "one line" one_line
run "$C" clone missing.card --out x.card
expect_rc 1 "clone of a missing file"
check "one line" one_line

# ---- show ----
run "$C" show ca
expect_rc 0 "show the CA folder"
contains "$out" "海勃湾区驻村干部工牌CA" "CA name"
contains "$out" "已发放工牌 / badges issued: 2" "two badges issued"
run "$C" show ca/ca.pem
expect_rc 0 "show the CA certificate"
contains "$out" "badge CA certificate" "recognised as the CA"
run "$C" show b001.der --ca ca/ca.pem
expect_rc 0 "show a DER certificate"
contains "$out" "张三" "name shown"
contains "$out" "$fp" "fingerprint shown"
head -c 300 /dev/urandom > junk.bin
run "$C" show junk.bin
expect_rc 1 "show of junk"
check "one line" one_line
printf 'ZRL1garbage' > bad.zrl
run "$C" show bad.zrl
expect_rc 1 "show of a damaged list"
contains "$err" "at byte" "names the offset"
check "one line" one_line

# ---- usage ----
run "$C"
expect_rc 2 "no command"
run "$C" --help
expect_rc 0 "help"
contains "$out" "用法 / usage" "help is bilingual"
run "$C" frobnicate
expect_rc 2 "unknown command"
check "one line" one_line
run "$C" issue --bogus
expect_rc 2 "unknown option"
contains "$err" "--bogus" "names it"
check "one line" one_line
finish
