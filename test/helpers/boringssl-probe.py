#!/usr/bin/env python3
"""Asks the real BoringSSL (Debian's android-libboringssl) which of the engine's runtime needs it
accepts, so the test shim refuses exactly what Electron's BoringSSL refuses.

Reads a JSON request on stdin (built from shared/tls/runtime-needs.ts by test/helpers/boringssl.ts):
  {"cipherStrings": [...], "cipherNames": [...], "groups": [...], "ecdhCurves": [...],
   "digests": [...], "keyTypes": {"X448": 56, ...} (short name: raw private key length), "minVersion": 769,
   "signatures": [{"name": ..., "digest": "sha256" | null, "spki": hex, "data": hex, "signature": hex}],
   "publicKeys": {"rsa-pss": spki hex, ...}}
Writes {"library": ..., each section: {item: true | false}} on stdout. Exit 2 when the library is absent.
"""
import ctypes
import json
import os
import sys

LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu/android', '/usr/lib/aarch64-linux-gnu/android']


def load():
    for directory in LIBRARY_DIRS:
        crypto_path = os.path.join(directory, 'libcrypto.so.0')
        ssl_path = os.path.join(directory, 'libssl.so.0')
        if os.path.exists(crypto_path) and os.path.exists(ssl_path):
            crypto = ctypes.CDLL(crypto_path, mode=ctypes.RTLD_GLOBAL)
            return crypto, ctypes.CDLL(ssl_path)
    return None, None


def declare(crypto, ssl):
    P, I, S = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    for lib, name, restype, argtypes in [
        (ssl, 'TLS_method', P, []),
        (ssl, 'SSL_CTX_new', P, [P]),
        (ssl, 'SSL_CTX_free', None, [P]),
        (ssl, 'SSL_CTX_set_cipher_list', I, [P, S]),
        (ssl, 'SSL_CTX_set_strict_cipher_list', I, [P, S]),
        (ssl, 'SSL_CTX_set1_curves_list', I, [P, S]),
        (ssl, 'SSL_CTX_set_min_proto_version', I, [P, ctypes.c_uint16]),
        (crypto, 'OpenSSL_version', S, [I]),
        (crypto, 'ERR_clear_error', None, []),
        (crypto, 'EVP_get_cipherbyname', P, [S]),
        (crypto, 'EVP_get_digestbyname', P, [S]),
        (crypto, 'OBJ_sn2nid', I, [S]),
        (crypto, 'EC_GROUP_new_by_curve_name', P, [I]),
        (crypto, 'EC_GROUP_free', None, [P]),
        (crypto, 'EVP_PKEY_new_raw_private_key', P, [I, P, ctypes.c_char_p, ctypes.c_size_t]),
        (crypto, 'EVP_PKEY_free', None, [P]),
        (crypto, 'd2i_PUBKEY', P, [P, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]),
        (crypto, 'EVP_MD_CTX_new', P, []),
        (crypto, 'EVP_MD_CTX_free', None, [P]),
        (crypto, 'EVP_DigestVerifyInit', I, [P, P, P, P, P]),
        (crypto, 'EVP_DigestVerify', I, [P, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]),
    ]:
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes


def probe(crypto, ssl, request):
    def with_context(action):
        ctx = ssl.SSL_CTX_new(ssl.TLS_method())
        try:
            return bool(action(ctx))
        finally:
            ssl.SSL_CTX_free(ctx)
            crypto.ERR_clear_error()

    def curve(name):
        group = crypto.EC_GROUP_new_by_curve_name(crypto.OBJ_sn2nid(name.encode()))
        crypto.ERR_clear_error()
        if group:
            crypto.EC_GROUP_free(group)
        return bool(group)

    def key_type(short_name, length):
        # Raw keys are how X25519/X448/Ed25519/Ed448 enter EVP; a library without the type returns NULL.
        nid = crypto.OBJ_sn2nid(short_name.encode())
        key = crypto.EVP_PKEY_new_raw_private_key(nid, None, b'\x01' * length, length) if nid else None
        crypto.ERR_clear_error()
        if key:
            crypto.EVP_PKEY_free(key)
        return bool(key)

    def parses(spki_hex):
        der = bytes.fromhex(spki_hex)
        cursor = ctypes.c_char_p(der)
        key = crypto.d2i_PUBKEY(None, ctypes.byref(cursor), len(der))
        crypto.ERR_clear_error()
        if key:
            crypto.EVP_PKEY_free(key)
        return bool(key)

    def verifies(case):
        der = bytes.fromhex(case['spki'])
        cursor = ctypes.c_char_p(der)
        key = crypto.d2i_PUBKEY(None, ctypes.byref(cursor), len(der))
        if not key:
            crypto.ERR_clear_error()
            return False
        md = crypto.EVP_get_digestbyname(case['digest'].encode()) if case['digest'] else None
        context = crypto.EVP_MD_CTX_new()
        try:
            if case['digest'] and not md:
                return False
            if crypto.EVP_DigestVerifyInit(context, None, md, None, key) != 1:
                return False
            data, signature = bytes.fromhex(case['data']), bytes.fromhex(case['signature'])
            return crypto.EVP_DigestVerify(context, signature, len(signature), data, len(data)) == 1
        finally:
            crypto.EVP_MD_CTX_free(context)
            crypto.EVP_PKEY_free(key)
            crypto.ERR_clear_error()

    def each(items, test):
        return {item: bool(test(item)) for item in items}

    return {
        'library': crypto.OpenSSL_version(0).decode(),
        'cipherStrings': each(request['cipherStrings'], lambda s: with_context(lambda ctx: ssl.SSL_CTX_set_cipher_list(ctx, s.encode()) == 1)),
        'strictCipherStrings': each(request['cipherStrings'], lambda s: with_context(lambda ctx: ssl.SSL_CTX_set_strict_cipher_list(ctx, s.encode()) == 1)),
        'suites': each(request.get('suites', []), lambda s: with_context(lambda ctx: ssl.SSL_CTX_set_strict_cipher_list(ctx, s.encode()) == 1)),
        'cipherNames': each(request['cipherNames'], lambda n: crypto.EVP_get_cipherbyname(n.encode())),
        'groups': each(request['groups'], lambda g: with_context(lambda ctx: ssl.SSL_CTX_set1_curves_list(ctx, g.encode()) == 1)),
        'ecdhCurves': each(request['ecdhCurves'], curve),
        'digests': each(request['digests'], lambda d: crypto.EVP_get_digestbyname(d.encode())),
        'keyTypes': {name: key_type(name, length) for name, length in request['keyTypes'].items()},
        'minVersion': with_context(lambda ctx: ssl.SSL_CTX_set_min_proto_version(ctx, request['minVersion']) == 1),
        'signatures': {case['name']: verifies(case) for case in request['signatures']},
        'publicKeys': {name: parses(spki) for name, spki in request['publicKeys'].items()},
    }


def main():
    crypto, ssl = load()
    if crypto is None:
        print('android-libboringssl is not installed (libssl.so.0 / libcrypto.so.0 under ' + ' or '.join(LIBRARY_DIRS) + ')', file=sys.stderr)
        return 2
    declare(crypto, ssl)
    json.dump(probe(crypto, ssl, json.load(sys.stdin)), sys.stdout)
    return 0


if __name__ == '__main__':
    sys.exit(main())
