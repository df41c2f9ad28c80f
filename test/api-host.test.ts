// The API logic both hosts share: argument validation, run events, the link allowlist, trusted roots on disk.
// The engine is replaced by a scripted fake so that no test touches the network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiHandlers, NotAvailableError, type HostServices } from '../shared/host/handlers.ts';
import { ApiInputError, validateCheckRequest } from '../shared/host/validation.ts';
import { emptyResult, type RunHooks } from '../shared/engine/pipeline.ts';
import type { CheckEvent } from '../shared/ipc.ts';
import type { CheckRequest, EndpointResult } from '../shared/types.ts';
import { TestPki } from './helpers/pki.ts';

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DIGICERT_PAGE = 'https://www.digicert.com/kb/digicert-root-certificates.htm';

const VALID_REQUEST: CheckRequest = {
  targets: [{ input: 'sip.contoso.com:5061', type: 'DIR', port: null }],
  options: { dnsServer: null, testPool: true, timeoutMs: 5000 },
};

function fakeResult(rootLinks: { label: string; url: string }[] = []): EndpointResult {
  const base = { target: 'sip.contoso.com:5061', type: 'DIR' as const, host: 'sip.contoso.com', ip: '127.0.0.1', port: 5061, poolMember: false, srv: null, srvRecord: null, poolAddresses: ['127.0.0.1'] };
  const result = emptyResult(base);
  return { ...result, tls: { ...result.tls, protocol: 'TLSv1.2', handshakeMs: 1 }, rootLinks };
}

interface Harness {
  host: HostServices;
  events: CheckEvent[];
  opened: string[];
  requests: CheckRequest[];
  /** Resolves with the done event of a run. */
  done(runId: string): Promise<Extract<CheckEvent, { kind: 'done' }>>;
}

/** A host recording what the handlers do, and a fake engine that reports the given results. */
function harness(dataDir: string, engine?: (request: CheckRequest, hooks: RunHooks) => Promise<EndpointResult[]>) {
  const events: CheckEvent[] = [];
  const waiters: (() => void)[] = [];
  const h: Harness = {
    events,
    opened: [],
    requests: [],
    host: {
      dataDir,
      app: { name: 'SfB Certificate Checker', version: '0.0.0-test', shell: 'web' },
      emit(event) {
        events.push(event);
        waiters.splice(0).forEach((wake) => wake());
      },
      openExternal(url) {
        h.opened.push(url);
      },
    },
    async done(runId) {
      for (;;) {
        const found = events.find((e): e is Extract<CheckEvent, { kind: 'done' }> => e.kind === 'done' && e.runId === runId);
        if (found) return found;
        await new Promise<void>((wake) => waiters.push(wake));
      }
    },
  };
  const runChecks = async (request: CheckRequest, hooks: RunHooks = {}) => {
    h.requests.push(request);
    if (engine) return engine(request, hooks);
    return [];
  };
  return { h, handlers: createApiHandlers(h.host, { runChecks }) };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-apihost-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('malformed check requests are rejected with a clear ApiInputError', (t) => {
  const { handlers, h } = harness(tempDir(t));
  const target = VALID_REQUEST.targets[0];
  const options = VALID_REQUEST.options;
  const bad: [unknown, RegExp][] = [
    [null, /must be an object/],
    [[], /must be an object/],
    ['sip.contoso.com', /must be an object/],
    [{ options }, /targets must be an array/],
    [{ targets: 'sip.contoso.com', options }, /targets must be an array/],
    [{ targets: [], options }, /nothing to check/],
    [{ targets: [null], options }, /targets\[0\] must be an object/],
    [{ targets: [{ type: 'DIR' }], options }, /targets\[0\]\.input must be a string/],
    [{ targets: [{ input: '   ', type: 'DIR' }], options }, /targets\[0\]\.input is empty/],
    [{ targets: [{ input: 'x'.repeat(1025), type: 'DIR' }], options }, /too long/],
    [{ targets: [{ input: 'contoso.com', type: 'MX' }], options }, /type must be one of DIR, FED, SIP, SIPINT/],
    [{ targets: [{ input: 'contoso.com', type: 'dir' }], options }, /type must be one of/],
    [{ targets: [{ ...target, port: 0 }], options }, /port must be a whole number from 1 to 65535/],
    [{ targets: [{ ...target, port: 65536 }], options }, /port/],
    [{ targets: [{ ...target, port: 443.5 }], options }, /port/],
    [{ targets: [{ ...target, port: '443' }], options }, /port/],
    [{ targets: Array.from({ length: 20_001 }, () => target), options }, /too many entries \(at most 20000\)/],
    [{ targets: [target], options: [] }, /options must be an object/],
    [{ targets: [target], options: { ...options, timeoutMs: 10 } }, /timeoutMs must be a whole number from 100 to 120000/],
    [{ targets: [target], options: { ...options, timeoutMs: '5000' } }, /timeoutMs/],
    [{ targets: [target], options: { ...options, timeoutMs: Number.POSITIVE_INFINITY } }, /timeoutMs/],
    [{ targets: [target], options: { ...options, dnsServer: 53 } }, /dnsServer must be a string/],
    [{ targets: [target], options: { ...options, testPool: 'yes' } }, /testPool must be true or false/],
    [{ targets: [target], options: { ...options, extraRootsPem: 'PEM' } }, /extraRootsPem must be an array/],
    [{ targets: [target], options: { ...options, extraRootsPem: [42] } }, /extraRootsPem\[0\] must be a string/],
    [{ targets: [target], options: { ...options, concurrency: 1000 } }, /concurrency must be a whole number from 1 to 64/],
    [{ targets: [target], options: { ...options, internalFetches: 'sometimes' } }, /internalFetches must be one of auto, allow, refuse/],
    [{ targets: [target], options: { ...options, maxEndpointsPerTarget: 0 } }, /maxEndpointsPerTarget must be a whole number from 1 to 10000/],
    [{ targets: [target], options: { ...options, profile: 'teams' } }, /profile must be one of direct-routing, federation/],
    [{ targets: [target], options: { ...options, myRootThumbprints: ['xyz'] } }, /myRootThumbprints\[0\] must be a SHA-1 thumbprint/],
  ];
  for (const [request, message] of bad) {
    assert.throws(() => handlers.startCheck(request as CheckRequest), (err: unknown) => err instanceof ApiInputError && message.test(err.message), `should reject ${JSON.stringify(request)?.slice(0, 120)}`);
  }
  assert.equal(h.requests.length, 0);
});

test('a valid request is normalised: unknown fields dropped, missing options defaulted', () => {
  const request = validateCheckRequest({
    targets: [{ input: 'contoso.com', type: 'FED', port: null, __proto__: { polluted: true }, extra: 1 }],
    options: { timeoutMs: 2000, surprise: 'x' },
    unexpected: true,
  });
  assert.deepEqual(request, {
    targets: [{ input: 'contoso.com', type: 'FED', port: null }],
    options: { dnsServer: null, testPool: true, timeoutMs: 2000 },
  });
  assert.equal(Object.keys(request.targets[0]).includes('extra'), false);
});

test('a run sends progress, results and done for its runId; engine failures end it with the message', async (t) => {
  const { handlers, h } = harness(tempDir(t), async (request, hooks) => {
    if (request.targets[0].input === 'boom') throw new Error('resolver exploded');
    hooks.onProgress?.({ done: 0, total: 1, current: 'sip.contoso.com:5061', endpoints: { done: 0, total: 1 }, inFlight: [] });
    const result = fakeResult();
    hooks.onResult?.(result);
    hooks.onProgress?.({ done: 1, total: 1, current: null, endpoints: { done: 1, total: 1 }, inFlight: [] });
    return [result];
  });

  const { runId } = await handlers.startCheck(VALID_REQUEST);
  assert.match(runId, RUN_ID);
  const done = await h.done(runId);
  assert.deepEqual(done, { kind: 'done', runId, cancelled: false, error: null });
  assert.deepEqual(
    h.events.filter((e) => e.runId === runId).map((e) => e.kind),
    ['progress', 'result', 'progress', 'done'],
  );

  const failed = await handlers.startCheck({ ...VALID_REQUEST, targets: [{ input: 'boom', type: 'DIR', port: 443 }] });
  assert.deepEqual(await h.done(failed.runId), { kind: 'done', runId: failed.runId, cancelled: false, error: 'resolver exploded' });
});

test('cancelCheck aborts the engine run and the run ends cancelled', async (t) => {
  const { handlers, h } = harness(tempDir(t), (_request, hooks) =>
    new Promise((resolve) => hooks.signal?.addEventListener('abort', () => resolve([]), { once: true })),
  );
  assert.throws(() => handlers.cancelCheck('../../etc'), ApiInputError);
  assert.throws(() => handlers.cancelCheck(42 as unknown as string), ApiInputError);
  assert.deepEqual(await handlers.cancelCheck('00000000-0000-4000-8000-000000000000'), { cancelled: false });

  const { runId } = await handlers.startCheck(VALID_REQUEST);
  assert.deepEqual(await handlers.cancelCheck(runId), { cancelled: true });
  assert.deepEqual(await h.done(runId), { kind: 'done', runId, cancelled: true, error: null });
  assert.deepEqual(await handlers.cancelCheck(runId), { cancelled: false }, 'a finished run is no longer cancellable');
});

test('openExternal opens only http(s) links the engine produced in this session', async (t) => {
  const { handlers, h } = harness(tempDir(t), async (_request, hooks) => {
    const result = fakeResult([
      { label: 'Get Root Certs here', url: DIGICERT_PAGE },
      { label: 'Old FTP link', url: 'ftp://ftp.example.com/root.cer' },
      { label: 'Issuer certificate (AIA): loopback', url: 'http://127.0.0.1:8080/ca.crt' },
      { label: 'Issuer certificate (AIA): private', url: 'http://10.1.2.3/ca.crt' },
      { label: 'Issuer certificate (AIA): unique-local', url: 'http://[fd00::5]/ca.crt' },
      { label: 'Issuer certificate (AIA): localhost', url: 'http://localhost/ca.crt' },
    ]);
    hooks.onResult?.(result);
    return [result];
  });

  for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,hi', DIGICERT_PAGE, 'not a url', '']) {
    assert.deepEqual(await handlers.openExternal(url), { opened: false }, url);
  }
  await assert.rejects(async () => handlers.openExternal({ href: DIGICERT_PAGE } as unknown as string), ApiInputError);

  const { runId } = await handlers.startCheck(VALID_REQUEST);
  await h.done(runId);
  assert.deepEqual(await handlers.openExternal(DIGICERT_PAGE), { opened: true });
  assert.deepEqual(await handlers.openExternal('ftp://ftp.example.com/root.cer'), { opened: false }, 'engine-produced but not http(s)');
  for (const url of ['http://127.0.0.1:8080/ca.crt', 'http://10.1.2.3/ca.crt', 'http://[fd00::5]/ca.crt', 'http://localhost/ca.crt']) {
    assert.deepEqual(await handlers.openExternal(url), { opened: false }, `engine-produced but internal: ${url}`);
  }
  assert.deepEqual(await handlers.openExternal('https://www.digicert.com/other'), { opened: false });
  assert.deepEqual(h.opened, [DIGICERT_PAGE]);
});

test('trusted roots persist on disk across handler instances and are added to every check', async (t) => {
  const dataDir = tempDir(t);
  const pki = new TestPki();
  const root = pki.issue({ cn: 'Contoso Test Root', ca: true });
  const first = harness(dataDir);

  assert.deepEqual(await first.handlers.listTrustedRoots(), []);
  const answer = await first.handlers.addTrustedRoots([{ name: 'root.pem', contentBase64: Buffer.from(root.certPem).toString('base64') }]);
  assert.ok(answer.added);
  const added = answer.roots;
  assert.equal(added.length, 1);
  assert.equal(added[0].thumbprint, root.thumbprint);
  assert.match(added[0].subject, /Contoso Test Root/);
  assert.equal(Buffer.from(added[0].derBase64, 'base64').equals(root.der), true);
  // The same certificate again (as DER this time) is not a second entry.
  const again = await first.handlers.addTrustedRoots([{ name: 'root.cer', contentBase64: root.der.toString('base64') }]);
  assert.equal(again.added && again.roots.length, 1);

  const second = harness(dataDir);
  assert.deepEqual(await second.handlers.listTrustedRoots(), added, 'a new instance (restart) sees the stored root');

  const { runId } = await second.handlers.startCheck({ ...VALID_REQUEST, options: { ...VALID_REQUEST.options, extraRootsPem: ['-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n'] } });
  await second.h.done(runId);
  const extra = second.h.requests[0].options.extraRootsPem ?? [];
  assert.equal(extra.length, 2, 'the request\'s own roots plus the stored one');
  assert.equal(extra[1].replace(/-----[^-]+-----|\s/g, ''), root.der.toString('base64'));

  assert.equal(second.h.requests[0].options.myRootsPem, undefined, 'no root marked as my Edge\'s root');

  // A stored root marked as "my Edge's root" is sent to the engine as one of myRootsPem.
  const marked = await second.handlers.startCheck({ ...VALID_REQUEST, options: { ...VALID_REQUEST.options, profile: 'federation', myRootThumbprints: [root.thumbprint, '0'.repeat(40)] } });
  await second.h.done(marked.runId);
  const sent = second.h.requests[1].options;
  assert.equal(sent.profile, 'federation');
  assert.deepEqual(sent.myRootsPem?.map((pem) => pem.replace(/-----[^-]+-----|\s/g, '')), [root.der.toString('base64')]);

  assert.deepEqual(await second.handlers.removeTrustedRoot(root.thumbprint.toLowerCase()), []);
  assert.deepEqual(await first.handlers.listTrustedRoots(), []);
});

test('bad trusted-root input is refused without writing anything', async (t) => {
  const { handlers } = harness(tempDir(t));
  const cases: [unknown, RegExp][] = [
    ['root.pem', /files must be an array/],
    [[], /files is empty/],
    [[{ name: 'root.pem' }], /contentBase64 must be a string/],
    [[{ name: 'root.pem', contentBase64: '***' }], /not valid base64/],
    [[{ name: 'notes.txt', contentBase64: Buffer.from('hello, not a certificate').toString('base64') }], /Could not add trusted roots\. notes\.txt: /],
  ];
  for (const [files, message] of cases) {
    await assert.rejects(async () => handlers.addTrustedRoots(files as never), (err: unknown) => err instanceof ApiInputError && message.test(err.message));
  }
  assert.deepEqual(await handlers.listTrustedRoots(), []);
  await assert.rejects(async () => handlers.removeTrustedRoot('../../../etc/passwd'), ApiInputError);
});

test('parseList reads the original tool\'s CSV format and reports rejected rows by line', async (t) => {
  const { handlers } = harness(tempDir(t));
  const csv = '\uFEFFDomain,Type,Port\r\n"microsoft.com","FED","",\r\n"sip.microsoft.com","DIR","5061"\r\ncontoso.com,sip,443\r\nfabrikam.com,,\r\nexample.org,MX,\r\n,,\r\nlync.contoso.com,,99999\r\n';
  const list = await handlers.parseList('targets.csv', csv);
  assert.equal(list.fileName, 'targets.csv');
  assert.deepEqual(list.rows, [
    { input: 'microsoft.com', type: 'FED', port: null },
    { input: 'sip.microsoft.com', type: 'DIR', port: 5061 },
  ]);
  assert.deepEqual(list.importErrors.map((e) => e.line), [4, 5, 6, 8]);
  assert.match(list.importErrors[0].message, /Cannot have both Port and Domain type/);
  assert.throws(() => handlers.parseList('targets.csv', 7 as unknown as string), ApiInputError);
});

test('dialog methods need the host\'s dialogs; with them, files are read and written', async (t) => {
  const dir = tempDir(t);
  const { handlers, h } = harness(dir);
  await assert.rejects(async () => handlers.importList(), NotAvailableError);
  await assert.rejects(async () => handlers.addTrustedRootsFromDialog(), NotAvailableError);
  await assert.rejects(async () => handlers.saveFile({ defaultName: 'a.csv', content: 'x', encoding: 'utf8', filters: [] }), NotAvailableError);

  const listPath = join(dir, 'list.csv');
  writeFileSync(listPath, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Domain,Type,Port\r\ncontoso.com,FED,\r\n', 'utf16le')]));
  const savePath = join(dir, 'saved.cer');
  let offeredName = '';
  const withDialogs = createApiHandlers({
    ...h.host,
    showOpenDialog: async () => [listPath],
    showSaveDialog: async ({ defaultName }) => {
      offeredName = defaultName;
      return savePath;
    },
  });
  assert.deepEqual((await withDialogs.importList())?.rows, [{ input: 'contoso.com', type: 'FED', port: null }]);
  const saved = await withDialogs.saveFile({ defaultName: '../../evil:name.cer', content: Buffer.from([1, 2, 3]).toString('base64'), encoding: 'base64', filters: [{ name: 'Certificate', extensions: ['cer'] }] });
  assert.deepEqual(saved, { saved: true, path: savePath });
  assert.deepEqual([...readFileSync(savePath)], [1, 2, 3]);
  assert.equal(offeredName.includes('/') || offeredName.includes(':'), false, `offered ${offeredName}`);
  await assert.rejects(async () => withDialogs.saveFile({ defaultName: 'a', content: 'x', encoding: 'latin1' as 'utf8', filters: [] }), ApiInputError);
});

test('per-field validation for the app: host, port and DNS server, each naming its field', async () => {
  const { checkHostField, checkPortField, checkDnsServerField } = await import('../shared/host/validation.ts');
  const host = checkHostField('https://sip.contoso.com/', 'DIR');
  assert.ok(host.ok && host.value.host === 'sip.contoso.com' && host.value.port === 443);
  assert.deepEqual(checkPortField(''), { ok: true, value: null });
  const port = checkPortField('99999');
  assert.ok(!port.ok && port.field === 'port');
  const portInHost = checkHostField('sip.contoso.com:99999', 'DIR');
  assert.ok(!portInHost.ok && portInHost.field === 'port', 'a bad port typed in the host field is still a port error');
  assert.deepEqual(checkDnsServerField(' '), { ok: true, value: null });
  const dns = checkDnsServerField('999.1.1.1');
  assert.ok(!dns.ok && dns.field === 'dns-server');
});

test('a bad DNS server or target is refused before the run starts, naming the field', () => {
  const refused = (request: unknown) => {
    try {
      validateCheckRequest(request);
    } catch (err) {
      assert.ok(err instanceof ApiInputError);
      return err;
    }
    assert.fail('expected ApiInputError');
  };
  const dns = refused({ targets: [{ input: 'sip.contoso.com', type: 'DIR' }], options: { dnsServer: '999.1.1.1', testPool: true, timeoutMs: 2000 } });
  assert.equal(dns.field, 'dns-server');
  assert.match(dns.message, /Invalid DNS server "999\.1\.1\.1"/);
  const port = refused({ targets: [{ input: 'a.contoso.com', type: 'DIR' }, { input: 'b.contoso.com', type: 'DIR', port: 99999 }], options: {} });
  assert.deepEqual([port.field, port.targetIndex], ['port', 1]);
  const host = refused({ targets: [{ input: 'bad host', type: 'DIR' }], options: {} });
  assert.equal(host.field, 'host');
});

test('a certificate that is not a CA is added as a trusted root only once the admin confirms', async (t) => {
  const pki = new TestPki();
  const root = pki.issue({ cn: 'Contoso Confirm Root', ca: true });
  const server = pki.issue({ cn: 'sip.contoso.com', sans: ['DNS:sip.contoso.com'], issuer: root });
  const { handlers } = harness(tempDir(t));
  const files = [
    { name: 'root.pem', contentBase64: Buffer.from(root.certPem).toString('base64') },
    { name: 'server.cer', contentBase64: server.der.toString('base64') },
  ];
  const first = await handlers.addTrustedRoots(files);
  assert.equal(first.added, false);
  assert.ok(!first.added && first.needsConfirmation);
  assert.deepEqual(first.notCa.map((entry) => entry.root.thumbprint), [server.thumbprint]);
  assert.match(first.notCa[0].reason, /"CN=sip\.contoso\.com" is not a CA certificate .*cA=TRUE.*Add the root CA certificate/);
  assert.deepEqual(first.wouldAdd.map((r) => r.thumbprint).sort(), [root.thumbprint, server.thumbprint].sort());
  assert.deepEqual(first.roots, [], 'nothing was stored');
  assert.deepEqual(await handlers.listTrustedRoots(), []);
  const confirmed = await handlers.addTrustedRoots(files, { confirm: true });
  assert.ok(confirmed.added);
  assert.equal(confirmed.roots.length, 2);
  await assert.rejects(async () => handlers.addTrustedRoots(files, { confirm: 'yes' } as never), /options\.confirm must be true or false/);
});
