// CertCheckerApi for a plain browser: the same methods as the Electron preload, over local HTTP
// to `npm run web`. Requests: POST /api/<method> {"args":[...]} -> {"ok":true,"value"} | {"ok":false,"error"}.
// Events: GET /api/events (Server-Sent Events, one JSON CheckEvent per data line). A page that fell
// behind is dropped by the server and reconnects; the server replays what it missed, or sends `gap`
// when that is no longer kept: the runs this page follows are then stopped and reported cancelled,
// so Resume checks the targets whose results did not arrive.
// What needs a native dialog in Electron is done here with file inputs and downloads.
import { base64ToBytes } from '../shared/bytes.ts';
import type { ApiMethodName, ApiMethods, CertCheckerApi, CheckEvent, ImportedList, SaveFileRequest, AddTrustedRootsResult } from '../shared/ipc.ts';
import { decodeTextFile } from '../shared/formats/text-file.ts';

type Call = <M extends ApiMethodName>(method: M, ...args: Parameters<ApiMethods[M]>) => Promise<ReturnType<ApiMethods[M]>>;

/** How long a check start waits for the event stream to connect before going ahead anyway. */
const EVENTS_READY_TIMEOUT_MS = 3000;

function makeCall(baseUrl: string): Call {
  return async (method, ...args) => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ args }),
      });
    } catch (err) {
      throw new Error(`Cannot reach the checker server (${err instanceof Error ? err.message : String(err)}). Is "npm run web" still running?`);
    }
    type Answer = { ok?: boolean; value?: unknown; error?: string; field?: string; targetIndex?: number | null };
    const body = (await response.json().catch(() => null)) as Answer | null;
    if (!body || typeof body !== 'object') throw new Error(`The checker server answered ${response.status} ${response.statusText} to ${method}.`);
    if (!body.ok) {
      // The field at fault travels with the message, so the page can put it there.
      throw Object.assign(new Error(body.error || `${method} failed (${response.status}).`), body.field ? { field: body.field, targetIndex: body.targetIndex ?? null } : {});
    }
    return body.value as never;
  };
}

/** Let the user pick files with a hidden file input; resolves with none when they cancel. */
export function pickFiles(accept: string, multiple: boolean): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.multiple = multiple;
    input.style.display = 'none';
    let settled = false;
    const finish = (files: File[]) => {
      if (settled) return;
      settled = true;
      window.removeEventListener('focus', onFocus);
      input.remove();
      resolve(files);
    };
    // Browsers without the input 'cancel' event: the window regains focus when the picker closes.
    const onFocus = () => setTimeout(() => finish(Array.from(input.files ?? [])), 1000);
    input.addEventListener('change', () => finish(Array.from(input.files ?? [])));
    input.addEventListener('cancel', () => finish([]));
    window.addEventListener('focus', onFocus, { once: true });
    document.body.appendChild(input);
    input.click();
  });
}

export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

function download(request: SaveFileRequest): void {
  const isPem = request.defaultName.toLowerCase().endsWith('.pem');
  const type = request.encoding === 'base64' ? 'application/pkix-cert' : isPem ? 'application/x-pem-file' : 'text/plain;charset=utf-8';
  const blob = new Blob([request.encoding === 'base64' ? base64ToBytes(request.content) : request.content], { type });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = request.defaultName;
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // Revoke later: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The browser implementation of CertCheckerApi, talking to the web server at baseUrl ('' = same origin). */
export function createWebBridge(baseUrl = ''): CertCheckerApi {
  const call = makeCall(baseUrl);
  const listeners = new Set<(event: CheckEvent) => void>();
  /** Runs this page started and has not seen end; and the last runs that ended (a short run may end before startCheck answers). */
  const following = new Set<string>();
  const ended: string[] = [];
  const deliver = (event: CheckEvent) => {
    if (event.kind === 'done') {
      following.delete(event.runId);
      ended.push(event.runId);
      if (ended.length > 16) ended.shift();
    }
    for (const listener of listeners) listener(event);
  };

  const events = new EventSource(`${baseUrl}/api/events`);
  const eventsReady = new Promise<void>((resolve) => {
    events.addEventListener('open', () => resolve(), { once: true });
    setTimeout(resolve, EVENTS_READY_TIMEOUT_MS);
  });
  events.addEventListener('message', (message: MessageEvent<string>) => {
    let event: CheckEvent;
    try {
      event = JSON.parse(message.data) as CheckEvent;
    } catch {
      return;
    }
    if (!event || typeof event !== 'object' || typeof event.kind !== 'string') return;
    deliver(event);
  });
  events.addEventListener('gap', () => {
    for (const runId of [...following]) {
      void call('cancelCheck', runId).catch(() => undefined);
      deliver({ kind: 'done', runId, cancelled: true, error: null });
    }
  });

  return {
    async startCheck(request) {
      // Results are pushed over the event stream: make sure it is connected before the run starts.
      await eventsReady;
      const started = await call('startCheck', request);
      if (!ended.includes(started.runId)) following.add(started.runId);
      return started;
    },
    cancelCheck: (runId) => call('cancelCheck', runId),
    async importList(): Promise<ImportedList | null> {
      const [file] = await pickFiles('.csv,text/csv', false);
      if (!file) return null;
      return call('parseList', file.name, decodeTextFile(new Uint8Array(await file.arrayBuffer())));
    },
    parseList: (fileName, content) => call('parseList', fileName, content),
    async saveFile(request) {
      download(request);
      return { saved: true, path: request.defaultName };
    },
    async openExternal(url) {
      const answer = await call('openExternal', url);
      if (answer.opened) window.open(url, '_blank', 'noopener');
      return answer;
    },
    listTrustedRoots: () => call('listTrustedRoots'),
    async addTrustedRootsFromDialog(): Promise<AddTrustedRootsResult> {
      const files = await pickFiles('.cer,.crt,.pem,.p7b', true);
      if (files.length === 0) return { added: true, roots: await call('listTrustedRoots') };
      const payload = await Promise.all(files.map(async (file) => ({ name: file.name, contentBase64: await fileToBase64(file) })));
      return call('addTrustedRoots', payload);
    },
    addTrustedRoots: (files, options) => (options ? call('addTrustedRoots', files, options) : call('addTrustedRoots', files)),
    removeTrustedRoot: (thumbprint) => call('removeTrustedRoot', thumbprint),
    getMyCertificate: () => call('getMyCertificate'),
    setMyCertificate: (request) => call('setMyCertificate', request),
    removeMyCertificate: () => call('removeMyCertificate'),
    appInfo: () => call('appInfo'),
    historyTimeline: (target, type) => call('historyTimeline', target, type),
    historyChanges: (query) => call('historyChanges', query),
    historySettings: () => call('historySettings'),
    setHistorySettings: (settings) => call('setHistorySettings', settings),
    onCheckEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
