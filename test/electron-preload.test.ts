// The built preload (dist/electron/preload.cjs) with a stand-in electron module: it exposes exactly the
// contract, forwards calls and events, and errors reach the page without Electron's IPC wrapping.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../scripts/build.ts';
import { API_CHANNELS, CHECK_EVENT_CHANNEL, type CertCheckerApi } from '../shared/ipc.ts';
import { requireWithElectron } from './helpers/electron-stand-in.ts';

const exposed = new Map<string, unknown>();
const invoked: { channel: string; args: unknown[] }[] = [];
const ipcRenderer = Object.assign(new EventEmitter(), {
  async invoke(channel: string, ...args: unknown[]) {
    invoked.push({ channel, args });
    // How Electron rejects when the main-process handler threw (the error's toString after the prefix).
    if (channel === API_CHANNELS.startCheck) throw new Error(`Error invoking remote method '${channel}': ApiInputError: targets must be an array.`);
    if (channel === API_CHANNELS.saveFile) throw new Error(`Error invoking remote method '${channel}': Error: EACCES: permission denied, open '/x.csv'`);
    if (channel === API_CHANNELS.listTrustedRoots) throw new Error(`Error invoking remote method '${channel}': Error: [field=host] "bad_host!" is not a valid host name.`);
    return { channel };
  },
});
let api: CertCheckerApi;

before(async () => {
  const built = await build({ outDir: mkdtempSync(join(tmpdir(), 'sfb-preload-')), parts: ['electron'] });
  requireWithElectron(built.preloadScript, { contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void exposed.set(key, value) }, ipcRenderer });
  api = exposed.get('certChecker') as CertCheckerApi;
});

test('the preload exposes only certChecker, with every method of the contract and the subscriptions', () => {
  assert.deepEqual([...exposed.keys()], ['certChecker']);
  assert.deepEqual(Object.keys(api).sort(), [...Object.keys(API_CHANNELS), 'onCheckEvent', 'onMenu'].sort());
});

test('calls go to their channel; answers come back as they are', async () => {
  assert.deepEqual(await api.appInfo(), { channel: API_CHANNELS.appInfo });
  assert.deepEqual(invoked.at(-1), { channel: API_CHANNELS.appInfo, args: [] });
});

test("errors lose Electron's \"Error invoking remote method\" wrapping: the user sees the handler's message", async () => {
  await assert.rejects(api.startCheck({ targets: [], options: { dnsServer: null, testPool: true, timeoutMs: 5000 } }), (err: Error) => err.message === 'targets must be an array.');
  await assert.rejects(api.saveFile({ defaultName: 'x.csv', content: '', encoding: 'utf8', filters: [] }), (err: Error) => err.message === "EACCES: permission denied, open '/x.csv'");
  // The field at fault (main.ts tags an ApiInputError's message with it) reaches the page, for the store to read.
  await assert.rejects(api.listTrustedRoots(), (err: Error) => err.message === '[field=host] "bad_host!" is not a valid host name.');
});

test('check events reach a subscriber without the IPC event object, until it unsubscribes', () => {
  const received: unknown[] = [];
  const unsubscribe = api.onCheckEvent((event) => received.push(event));
  const event = { kind: 'done', runId: 'r', cancelled: false, error: null };
  ipcRenderer.emit(CHECK_EVENT_CHANNEL, { sender: 'ipc event' }, event);
  unsubscribe();
  ipcRenderer.emit(CHECK_EVENT_CHANNEL, { sender: 'ipc event' }, event);
  assert.deepEqual(received, [event]);
});
