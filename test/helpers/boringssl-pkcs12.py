#!/usr/bin/env python3
"""Asks the real BoringSSL (Debian's android-libboringssl, as Electron links it) whether it opens PFX files:
PKCS12_parse on each {"path": ..., "password": ...} of the JSON list on stdin. Writes {path: true | false}.
Exit 2 when the library is absent. The library is found by boringssl-probe.py's load()."""
import ctypes
import importlib.util
import json
import os
import sys

spec = importlib.util.spec_from_file_location('boringssl_probe', os.path.join(os.path.dirname(__file__), 'boringssl-probe.py'))
probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(probe)


def opens(crypto, data, password):
    buffer = ctypes.c_char_p(data)
    p12 = crypto.d2i_PKCS12(None, ctypes.byref(buffer), len(data))
    if not p12:
        return False
    key, cert, extra = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    parsed = crypto.PKCS12_parse(p12, password.encode(), ctypes.byref(key), ctypes.byref(cert), ctypes.byref(extra)) == 1
    crypto.PKCS12_free(p12)
    return parsed and bool(key.value) and bool(cert.value)


def main():
    crypto, _ = probe.load()
    if crypto is None:
        print('android-libboringssl is not installed', file=sys.stderr)
        sys.exit(2)
    crypto.d2i_PKCS12.restype = ctypes.c_void_p
    crypto.d2i_PKCS12.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]
    crypto.PKCS12_parse.argtypes = [ctypes.c_void_p, ctypes.c_char_p] + [ctypes.POINTER(ctypes.c_void_p)] * 3
    crypto.PKCS12_free.argtypes = [ctypes.c_void_p]
    answers = {}
    for item in json.load(sys.stdin):
        with open(item['path'], 'rb') as handle:
            answers[item['path']] = opens(crypto, handle.read(), item['password'])
    json.dump(answers, sys.stdout)


if __name__ == '__main__':
    main()
