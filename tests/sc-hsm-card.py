#!/usr/bin/python3
"""sc-hsm-card: a SmartCard-HSM for the tests, connected to vsmartcard's vpcd reader.

Written from what OpenSC's sc-hsm driver sends and parses (card-sc-hsm.c, pkcs15-sc-hsm.c,
pkcs15init/pkcs15-sc-hsm.c) and the public SmartCard-HSM documentation: a flat file system
of transparent EFs named by two bytes, keys generated on the card (RSA 1024-4096, EC P-256,
P-384, P-521) and used in place, a user PIN with a retry counter and an 8-byte SO code.

Its state lives in a JSON file, so a card can be pulled out (the process ends) and put back
(started again on the same file). It can start blank, wait per APDU and per key generation
as a real chip does, die before a chosen instruction (a card pulled out mid-command), forget
its PIN's verification before one (another program selected the applet meanwhile), take
the PIN on the device itself (--pinpad), and count APDUs and bytes (--stats).

usage: sc-hsm-card.py --state FILE [--port 35963] [--serial TEXT] [--apdu-delay-ms N]
                      [--keygen-delay-ms N] [--die-before INS[:N] [--die-after]]
                      [--forget-pin-before INS[:N]] [--pinpad PIN] [--stats FILE]
"""

import argparse
import json
import os
import secrets
import signal
import socket
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

ATR = bytes.fromhex("3BFE1800008131FE458031815448534D31738021408107FA")
AID = bytes.fromhex("E82B0601040181C31F0201")
VERSION = bytes([3, 5])
USER_TRIES = 3
SO_TRIES = 15
DEVICE_FID = "2F02"

# The public-key algorithm OIDs of TR-03110 (id-TA-RSA-v1-5-SHA-256, id-TA-ECDSA-SHA-256).
OID_TA_RSA = bytes.fromhex("04007F00070202020102")
OID_TA_ECDSA = bytes.fromhex("04007F00070202020203")

CURVES = {ec.SECP256R1: "SECP256R1", ec.SECP384R1: "SECP384R1", ec.SECP521R1: "SECP521R1"}
# Domain parameters the driver sends and parses in CV public keys: prime p, a, b, G, order,
# cofactor, in the order of tags 81 82 83 84 85 87.
DOMAINS = {
    "SECP256R1": (
        "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
        "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC",
        "5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B",
        "046B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
        "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
        "01"),
    "SECP384R1": (
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC",
        "B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF",
        "04AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7"
        "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        "01"),
    "SECP521R1": (
        "01" + "FF" * 65,
        "01" + "FF" * 64 + "FC",
        "0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00",
        "0400C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66"
        "011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650",
        "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
        "01"),
}

# Status words.
OK = b"\x90\x00"
END_OF_FILE = b"\x62\x82"
WRONG_LENGTH = b"\x67\x00"
SECURITY_NOT_SATISFIED = b"\x69\x82"
BLOCKED = b"\x69\x83"
CONDITIONS = b"\x69\x85"
WRONG_DATA = b"\x6A\x80"
FUNCTION_NOT_SUPPORTED = b"\x6A\x81"
FILE_NOT_FOUND = b"\x6A\x82"
WRONG_P1P2 = b"\x6A\x86"
REFERENCE_NOT_FOUND = b"\x6A\x88"
INS_NOT_SUPPORTED = b"\x6D\x00"


def tries(n):
    return bytes([0x63, 0xC0 | n])


# ----------------------------------------------------------------- BER-TLV


def tlv(tag, value):
    """Tag (an int of one or two bytes) and value, with a DER length."""
    tag_bytes = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82, n >> 8, n & 0xFF])
    return tag_bytes + length + value


def parse_tlvs(data):
    """A list of (tag, value) of the TLVs in data; tags of one or two bytes."""
    items, i = [], 0
    while i < len(data):
        tag = data[i]
        i += 1
        if tag & 0x1F == 0x1F:
            tag = tag << 8 | data[i]
            i += 1
        n = data[i]
        i += 1
        if n & 0x80:
            size = n & 0x7F
            n = int.from_bytes(data[i:i + size], "big")
            i += size
        items.append((tag, data[i:i + n]))
        i += n
    return items


def first(items, tag):
    for t, v in items:
        if t == tag:
            return v
    return None


# ----------------------------------------------------------------- CV certificates


def cv_public_key(key):
    """The 7F49 public key of a CV certificate for key (RSA or EC with its domain)."""
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        modulus = numbers.n.to_bytes((key.key_size + 7) // 8, "big")
        exponent = numbers.e.to_bytes(3, "big")
        return tlv(0x7F49, tlv(0x06, OID_TA_RSA) + tlv(0x81, modulus) + tlv(0x82, exponent))
    point = key.public_bytes(serialization.Encoding.X962,
                             serialization.PublicFormat.UncompressedPoint)
    p, a, b, g, order, cofactor = (bytes.fromhex(x) for x in DOMAINS[CURVES[type(key.curve)]])
    return tlv(0x7F49, tlv(0x06, OID_TA_ECDSA) + tlv(0x81, p) + tlv(0x82, a) + tlv(0x83, b)
               + tlv(0x84, g) + tlv(0x85, order) + tlv(0x86, point) + tlv(0x87, cofactor))


def cv_sign(private_key, data):
    """A CV signature: PKCS#1 v1.5 with SHA-256, or ECDSA with SHA-256 as plain r || s."""
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    r, s = utils.decode_dss_signature(private_key.sign(data, ec.ECDSA(hashes.SHA256())))
    size = (private_key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def cv_body(car, public_key, chr_):
    return tlv(0x7F4E, tlv(0x5F29, b"\x00") + tlv(0x42, car) + cv_public_key(public_key)
               + tlv(0x5F20, chr_))


def cv_certificate(signer, car, public_key, chr_):
    body = cv_body(car, public_key, chr_)
    return tlv(0x7F21, body + tlv(0x5F37, cv_sign(signer, body)))


# ----------------------------------------------------------------- the card's state


def load_key(pem):
    return serialization.load_pem_private_key(pem.encode(), password=None)


def pem_of(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


class Card:
    """What the chip keeps: files, keys, PINs. Saved after every change."""

    def __init__(self, path, serial):
        self.path = path
        if os.path.exists(path):
            with open(path) as f:
                self.state = json.load(f)
        else:
            self.state = self.factory(serial)
            self.save()
        self.verified = False
        self.current = None

    @staticmethod
    def factory(serial):
        device = ec.generate_private_key(ec.SECP256R1())
        chr_ = (serial + "00001").encode()
        certificate = cv_certificate(device, b"DECC00001", device.public_key(), chr_)
        return {"serial": serial, "initialized": False, "user_pin": None,
                "user_tries": USER_TRIES, "max_user_tries": USER_TRIES, "so_pin": None,
                "so_tries": SO_TRIES, "device_key": pem_of(device),
                "files": {DEVICE_FID: certificate.hex()}, "keys": {}}

    def save(self):
        temp = self.path + ".tmp"
        with open(temp, "w") as f:
            json.dump(self.state, f)
            f.flush()
            os.fsync(f.fileno())
        os.rename(temp, self.path)

    @property
    def files(self):
        return self.state["files"]

    def device_chr(self):
        return (self.state["serial"] + "00001").encode()


# ----------------------------------------------------------------- instructions


class Applet:
    def __init__(self, card, args):
        self.card = card
        self.args = args

    # SELECT: the applet by AID (which forgets the PIN), a file by its identifier.
    def select(self, p1, p2, data, le):
        if p1 == 0x04:
            if data != AID:
                return FILE_NOT_FOUND
            self.card.verified = False
            self.card.current = None
            fcp = tlv(0x62, tlv(0x82, b"\x38") + tlv(0x85, b"\x00\x00" + VERSION))
            return (fcp if p2 != 0x0C else b"") + OK
        if len(data) != 2:
            return WRONG_P1P2
        fid = data.hex().upper()
        if fid not in self.card.files and not self.is_key(fid):
            return FILE_NOT_FOUND
        self.card.current = fid
        size = len(bytes.fromhex(self.card.files.get(fid, "")))
        fcp = tlv(0x62, tlv(0x80, size.to_bytes(2, "big")) + tlv(0x82, b"\x01")
                  + tlv(0x83, data))
        return (fcp if p2 != 0x0C else b"") + OK

    def is_key(self, fid):
        return fid.startswith("CC") and fid[2:] in self.card.state["keys"]

    def fid_of(self, p1, p2):
        return self.card.current if p1 == 0 and p2 == 0 else f"{p1:02X}{p2:02X}"

    # READ BINARY (odd instruction B1): offset in a 54 TLV; keys are never read out.
    def read_binary(self, p1, p2, data, le):
        fid = self.fid_of(p1, p2)
        if fid is None or fid not in self.card.files:
            return SECURITY_NOT_SATISFIED if fid and self.is_key(fid) else FILE_NOT_FOUND
        self.card.current = fid
        offset = int.from_bytes(first(parse_tlvs(data), 0x54) or b"\x00", "big")
        content = bytes.fromhex(self.card.files[fid])
        chunk = content[offset:offset + le]
        return chunk + (OK if offset + le <= len(content) else END_OF_FILE)

    # UPDATE BINARY (odd instruction D7): 54 offset, 53 data; creates the file if missing.
    def update_binary(self, p1, p2, data, le):
        if not self.card.verified:
            return SECURITY_NOT_SATISFIED
        fid = self.fid_of(p1, p2)
        if fid is None or fid == DEVICE_FID or fid.startswith("CC"):
            return SECURITY_NOT_SATISFIED
        items = parse_tlvs(data)
        offset = int.from_bytes(first(items, 0x54) or b"\x00", "big")
        value = first(items, 0x53) or b""
        content = bytearray(bytes.fromhex(self.card.files.get(fid, "")))
        if offset > len(content):
            return WRONG_DATA
        content[offset:offset + len(value)] = value
        self.card.files[fid] = content.hex()
        self.card.current = fid
        self.card.save()
        return OK

    def delete_file(self, p1, p2, data, le):
        if not self.card.verified:
            return SECURITY_NOT_SATISFIED
        fid = data.hex().upper()
        if fid == DEVICE_FID:
            return SECURITY_NOT_SATISFIED
        if self.is_key(fid):
            del self.card.state["keys"][fid[2:]]
        elif self.card.files.pop(fid, None) is None:
            return FILE_NOT_FOUND
        self.card.save()
        return OK

    # ENUMERATE OBJECTS: every file and key identifier, two bytes each.
    def enumerate_objects(self, p1, p2, data, le):
        fids = list(self.card.files) + ["CC" + k for k in self.card.state["keys"]]
        return b"".join(bytes.fromhex(f) for f in sorted(fids)) + OK

    # VERIFY: the user PIN (81), its status without data, the PIN entered on the device.
    def verify(self, p1, p2, data, le):
        state = self.card.state
        if p2 in (0x85, 0x86):
            if self.args.pinpad is None:
                return REFERENCE_NOT_FOUND
            return OK if self.card.verified else tries(state["user_tries"])
        if p2 != 0x81:
            return REFERENCE_NOT_FOUND
        if state["user_pin"] is None:
            return REFERENCE_NOT_FOUND
        if state["user_tries"] == 0:
            return BLOCKED
        if not data and le is not None and self.args.pinpad is not None:
            data = self.args.pinpad.encode()		# typed on the device
        if not data:
            return OK if self.card.verified else tries(state["user_tries"])
        return self.check_user_pin(data)

    def check_user_pin(self, pin):
        state = self.card.state
        if secrets.compare_digest(pin.hex(), state["user_pin"]):
            state["user_tries"] = state["max_user_tries"]
            self.card.verified = True
            self.card.save()
            return OK
        state["user_tries"] -= 1
        self.card.verified = False
        self.card.save()
        return BLOCKED if state["user_tries"] == 0 else tries(state["user_tries"])

    def check_so(self, code):
        """The SO code; None if right, else the status word to answer."""
        state = self.card.state
        if state["so_tries"] == 0:
            return BLOCKED
        if secrets.compare_digest(code.hex(), state["so_pin"] or ""):
            state["so_tries"] = SO_TRIES
            return None
        state["so_tries"] -= 1
        self.card.save()
        return BLOCKED if state["so_tries"] == 0 else tries(state["so_tries"])

    # CHANGE REFERENCE DATA: old || new user PIN (81), or old || new SO code (88).
    def change_reference(self, p1, p2, data, le):
        state = self.card.state
        if p2 == 0x88:
            if len(data) != 16:
                return WRONG_LENGTH
            refused = self.check_so(data[:8])
            if refused:
                return refused
            state["so_pin"] = data[8:].hex()
            self.card.save()
            return OK
        if p2 != 0x81 or state["user_pin"] is None:
            return REFERENCE_NOT_FOUND
        if state["user_tries"] == 0:
            return BLOCKED
        old_length = len(state["user_pin"]) // 2
        answer = self.check_user_pin(data[:old_length])
        if answer != OK:
            return answer
        new = data[old_length:]
        if not 6 <= len(new) <= 16:
            return WRONG_LENGTH
        state["user_pin"] = new.hex()
        self.card.save()
        return OK

    # RESET RETRY COUNTER: SO code || new PIN (P1 00), or SO code alone (P1 01).
    def reset_retry_counter(self, p1, p2, data, le):
        state = self.card.state
        if p2 != 0x81 or not state["initialized"]:
            return REFERENCE_NOT_FOUND
        refused = self.check_so(data[:8])
        if refused:
            return refused
        if p1 == 0x00:
            if not 6 <= len(data) - 8 <= 16:
                return WRONG_LENGTH
            state["user_pin"] = data[8:].hex()
        state["user_tries"] = state["max_user_tries"]
        self.card.save()
        return OK

    # INITIALIZE DEVICE: options, user PIN, SO code, retry counter. An initialized card is
    # initialized again only with its SO code; every key and file but the device's goes.
    def initialize(self, p1, p2, data, le):
        state = self.card.state
        items = parse_tlvs(data)
        pin, code = first(items, 0x81), first(items, 0x82)
        if pin is None or code is None or len(code) != 8:
            return WRONG_DATA
        if state["initialized"]:
            refused = self.check_so(code)
            if refused:
                return refused
        counter = first(items, 0x91)
        state.update(initialized=True, user_pin=pin.hex(), so_pin=code.hex(), so_tries=SO_TRIES,
                     max_user_tries=counter[0] if counter else USER_TRIES, keys={},
                     files={DEVICE_FID: self.card.files[DEVICE_FID]})
        state["user_tries"] = state["max_user_tries"]
        self.card.verified = False
        self.card.current = None
        self.card.save()
        return OK

    # GENERATE ASYMMETRIC KEY PAIR: the request is a CV certificate body naming the
    # algorithm; the answer an authenticated CV request holding the new public key.
    def generate(self, p1, p2, data, le):
        if not self.card.verified:
            return SECURITY_NOT_SATISFIED
        items = parse_tlvs(data)
        public = parse_tlvs(first(items, 0x7F49) or b"")
        oid = first(public, 0x06)
        if oid == OID_TA_RSA:
            bits = int.from_bytes(first(public, 0x02) or b"", "big")
            if bits not in (1024, 1536, 2048, 3072, 4096):
                return WRONG_DATA
            key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        elif oid == OID_TA_ECDSA:
            prime = (first(public, 0x81) or b"").hex().upper()
            names = [n for n, d in DOMAINS.items() if d[0] == prime]
            if not names:
                return WRONG_DATA
            key = ec.generate_private_key(getattr(ec, names[0])())
        else:
            return FUNCTION_NOT_SUPPORTED
        time.sleep(self.args.keygen_delay_ms / 1000)
        car, chr_ = first(items, 0x42) or b"UTCA00001", first(items, 0x5F20) or b""
        request = cv_certificate(key, car, key.public_key(), chr_)
        device = load_key(self.card.state["device_key"])
        outer = request + tlv(0x42, self.card.device_chr())
        answer = tlv(0x67, outer + tlv(0x5F37, cv_sign(device, outer)))
        self.card.state["keys"][f"{p1:02X}"] = {"pem": pem_of(key)}
        self.card.save()
        return answer + OK

    def private_key(self, p1):
        entry = self.card.state["keys"].get(f"{p1:02X}")
        return load_key(entry["pem"]) if entry else None

    # SIGN: RSA on input OpenSC already padded (20), PKCS#1 v1.5 on a DigestInfo or on the
    # data hashed here (30, 31, 33), PSS on a hash (40); ECDSA on a hash (70) or on the data
    # hashed here (71, 72, 73).
    def sign(self, p1, p2, data, le):
        if not self.card.verified:
            return SECURITY_NOT_SATISFIED
        key = self.private_key(p1)
        if key is None:
            return REFERENCE_NOT_FOUND
        if isinstance(key, rsa.RSAPrivateKey):
            return sign_rsa(key, p2, data)
        if p2 in HASHED_HERE:
            digest = hashes.Hash(HASHED_HERE[p2]())
            digest.update(data)
            data = digest.finalize()
        elif p2 != 0x70:
            return FUNCTION_NOT_SUPPORTED
        return ecdsa_prehashed(key, data) + OK

    def decipher(self, p1, p2, data, le):
        if not self.card.verified:
            return SECURITY_NOT_SATISFIED
        key = self.private_key(p1)
        if not isinstance(key, rsa.RSAPrivateKey) or p2 != 0x21:
            return FUNCTION_NOT_SUPPORTED
        return raw_rsa(key, data) + OK

    def get_challenge(self, p1, p2, data, le):
        return secrets.token_bytes(le or 8) + OK

    INSTRUCTIONS = {
        (0x00, 0xA4): select, (0x00, 0xB1): read_binary, (0x00, 0xD7): update_binary,
        (0x00, 0xE4): delete_file, (0x80, 0x58): enumerate_objects, (0x00, 0x20): verify,
        (0x80, 0x20): verify, (0x00, 0x24): change_reference, (0x80, 0x24): change_reference,
        (0x00, 0x2C): reset_retry_counter, (0x80, 0x50): initialize, (0x00, 0x46): generate,
        (0x80, 0x68): sign, (0x80, 0x62): decipher, (0x00, 0x84): get_challenge,
    }

    def process(self, apdu):
        try:
            cla, ins, p1, p2, data, le = parse_apdu(apdu)
        except ValueError:
            return WRONG_LENGTH
        handler = self.INSTRUCTIONS.get((cla & 0xF0, ins))
        if handler is None:
            return INS_NOT_SUPPORTED
        return handler(self, p1, p2, data, le)


HASHED_HERE = {0x71: hashes.SHA1, 0x72: hashes.SHA224, 0x73: hashes.SHA256,
               0x31: hashes.SHA1, 0x33: hashes.SHA256}
BY_LENGTH = {20: hashes.SHA1, 28: hashes.SHA224, 32: hashes.SHA256, 48: hashes.SHA384,
             64: hashes.SHA512}


def sign_rsa(key, algorithm, data):
    if algorithm in (0x20, 0x21):
        return raw_rsa(key, data) + OK
    if algorithm == 0x30:			# a DigestInfo: type 1 padding around it
        size = (key.key_size + 7) // 8
        if len(data) > size - 11:
            return WRONG_DATA
        return raw_rsa(key, b"\x00\x01" + b"\xff" * (size - 3 - len(data)) + b"\x00" + data) + OK
    if algorithm in HASHED_HERE:
        return key.sign(data, padding.PKCS1v15(), HASHED_HERE[algorithm]()) + OK
    if algorithm == 0x40 and len(data) in BY_LENGTH:
        chosen = BY_LENGTH[len(data)]()
        return key.sign(data, padding.PSS(padding.MGF1(chosen), chosen.digest_size),
                        utils.Prehashed(chosen)) + OK
    return FUNCTION_NOT_SUPPORTED


def raw_rsa(key, data):
    """The RSA private operation on data as it is (the caller applied the padding)."""
    numbers = key.private_numbers()
    n = numbers.public_numbers.n
    value = int.from_bytes(data, "big")
    if value >= n:
        raise ValueError("input too long for the modulus")
    return pow(value, numbers.d, n).to_bytes((key.key_size + 7) // 8, "big")


def ecdsa_prehashed(key, digest):
    """ECDSA over a hash the caller made, DER out. Left zeros do not change its value."""
    for size in sorted(BY_LENGTH):
        if len(digest) <= size:
            chosen = BY_LENGTH[size]()
            return key.sign(digest.rjust(size, b"\x00"), ec.ECDSA(utils.Prehashed(chosen)))
    raise ValueError("hash too long")


def parse_apdu(apdu):
    """(cla, ins, p1, p2, data, le) of a short or extended command APDU; le None if absent."""
    if len(apdu) < 4:
        raise ValueError
    cla, ins, p1, p2 = apdu[:4]
    body = apdu[4:]
    if not body:
        return cla, ins, p1, p2, b"", None
    if len(body) == 1:
        return cla, ins, p1, p2, b"", body[0] or 256
    if body[0] != 0:
        lc = body[0]
        data = body[1:1 + lc]
        if len(body) == 1 + lc:
            return cla, ins, p1, p2, data, None
        if len(body) == 2 + lc:
            return cla, ins, p1, p2, data, body[-1] or 256
        raise ValueError
    if len(body) == 3:
        return cla, ins, p1, p2, b"", int.from_bytes(body[1:3], "big") or 65536
    lc = int.from_bytes(body[1:3], "big")
    data = body[3:3 + lc]
    if len(body) == 3 + lc:
        return cla, ins, p1, p2, data, None
    if len(body) == 5 + lc:
        return cla, ins, p1, p2, data, int.from_bytes(body[-2:], "big") or 65536
    raise ValueError


# ----------------------------------------------------------------- the vpcd connection


class Stats:
    """APDUs and bytes both ways, and a count per instruction (for the benchmark)."""

    def __init__(self, path):
        self.path = path
        self.apdus = self.sent = self.received = 0
        self.by_ins = {}

    def count(self, command, response):
        self.apdus += 1
        self.received += len(command)
        self.sent += len(response)
        ins = f"{command[1]:02X}"
        self.by_ins[ins] = self.by_ins.get(ins, 0) + 1
        if self.path:
            with open(self.path, "w") as f:
                f.write(f"apdus {self.apdus}\nbytes {self.received + self.sent}\n")
                f.writelines(f"ins {k} {v}\n" for k, v in sorted(self.by_ins.items()))


def connect(port):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            sock = socket.create_connection(("127.0.0.1", port))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            return sock
        except OSError:
            time.sleep(0.05)		# vpcd listens once pcscd has loaded it
    sys.exit("sc-hsm-card: vpcd is not listening on port %d" % port)


def receive(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
        # vpcd writes a command's length and its bytes apart: acknowledge at once, or
        # Nagle's algorithm on its side waits for our delayed ACK (40 ms an APDU).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
    return data


def serve(args):
    card = Card(args.state, args.serial)
    applet = Applet(card, args)
    stats = Stats(args.stats)
    die_ins, die_count = parse_die(args.die_before)
    forget_ins, forget_count = parse_die(args.forget_pin_before)
    seen = forgets = 0
    sock = connect(args.port)
    while True:
        try:
            message = receive(sock, int.from_bytes(receive(sock, 2), "big"))
        except (EOFError, OSError):
            return
        if len(message) == 1:
            if message[0] == 4:
                sock.sendall(len(ATR).to_bytes(2, "big") + ATR)
            else:				# power off, on, reset: the PIN is forgotten
                card.verified = False
            continue
        dying = len(message) >= 2 and message[1] == die_ins and (seen := seen + 1) == die_count
        if (len(message) >= 2 and message[1] == forget_ins
                and (forgets := forgets + 1) == forget_count):
            card.verified = False		# as after another program's SELECT
            print("sc-hsm-card: the PIN's verification forgotten before INS %02X" % forget_ins,
                  file=sys.stderr, flush=True)
        if dying and not args.die_after:
            sock.close()			# pulled out before it could do the command
            sys.exit(3)
        time.sleep(args.apdu_delay_ms / 1000)
        try:
            response = applet.process(message)
        except ValueError:
            response = WRONG_DATA
        if dying:
            sock.close()			# did it, pulled out before it could answer
            sys.exit(3)
        stats.count(message, response)
        sock.sendall(len(response).to_bytes(2, "big") + response)


def parse_die(spec):
    if not spec:
        return None, 0
    ins, _, count = spec.partition(":")
    return int(ins, 16), int(count or 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True)
    parser.add_argument("--port", type=int, default=35963)
    # A real card's serial is 11 characters: its device certificate's holder name is the
    # serial and a 5-digit sequence, 16 characters, which is all OpenSC keeps.
    parser.add_argument("--serial", default="ENRL" + secrets.token_hex(4).upper()[:7])
    parser.add_argument("--apdu-delay-ms", type=float, default=0)
    parser.add_argument("--keygen-delay-ms", type=float, default=0)
    parser.add_argument("--die-before", help="INS[:N]: leave the reader at the Nth INS")
    parser.add_argument("--die-after", action="store_true",
                        help="with --die-before: do that command first, then leave")
    parser.add_argument("--forget-pin-before",
                        help="INS[:N]: forget the PIN's verification before the Nth INS")
    parser.add_argument("--pinpad", help="the PIN the holder types on the device")
    parser.add_argument("--stats")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(args)


if __name__ == "__main__":
    main()
