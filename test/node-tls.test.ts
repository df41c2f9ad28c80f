// Node's own TLS handshake (the "normal client" view) never rejects: whatever the runtime's TLS
// library refuses becomes a classified error on the result.
import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { TestPki, type IssuedCert } from './helpers/pki.ts';
import { startTlsServer, type RunningServer } from './helpers/servers.ts';
import { nodeHandshake } from '../shared/engine/capture/node-tls.ts';

const pki = new TestPki();
let leaf: IssuedCert;
let server: RunningServer;

before(async () => {
  leaf = pki.issue({ cn: 'sip.contoso.test', sans: ['DNS:sip.contoso.test'] });
  server = await startTlsServer({ certPem: leaf.certPem, keyPem: leaf.keyPem });
});
after(() => server.close());

const handshake = (ca?: string[]) => nodeHandshake({ ip: server.host, port: server.port, servername: 'sip.contoso.test', timeoutMs: 5000, ca });

describe('nodeHandshake', () => {
  it('negotiates with a loopback server', async () => {
    const result = await handshake();
    assert.equal(result.error, null);
    assert.equal(result.protocol, 'TLSv1.3');
  });

  it('falls back to a cipher string the library accepts when it refuses the OpenSSL one', async () => {
    const original = tls.createSecureContext;
    const seen: (string | undefined)[] = [];
    const refuseSeclevel = mock.method(tls, 'createSecureContext', (options: tls.SecureContextOptions) => {
      seen.push(options.ciphers);
      if (options.ciphers?.includes('@')) throw Object.assign(new Error('No cipher match'), { code: 'ERR_SSL_NO_CIPHER_MATCH' });
      return original(options);
    });
    try {
      const result = await handshake([leaf.certPem]);
      assert.equal(result.error, null);
      assert.equal(result.authorized, true);
      assert.ok(seen.includes('ALL'), `tried ${seen.join(', ')}`);
    } finally {
      refuseSeclevel.mock.restore();
    }
  });

  it('resolves with TLS_LIBRARY_REFUSED, never rejects, when the library refuses every configuration', async () => {
    const refuseAll = mock.method(tls, 'createSecureContext', () => {
      throw new Error('No cipher match');
    });
    try {
      const result = await handshake([leaf.certPem, leaf.certPem]);
      assert.equal(result.error?.code, 'TLS_LIBRARY_REFUSED');
      assert.match(result.error.message, /No cipher match/);
      assert.equal(result.protocol, null);
    } finally {
      refuseAll.mock.restore();
    }
  });
});
