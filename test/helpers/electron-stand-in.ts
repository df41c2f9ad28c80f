// A stand-in for the `electron` module, so the built main process (dist/electron/main.cjs) runs under
// plain Node: windows, IPC, protocol, session and dialogs are recorded fakes; utilityProcess.fork runs
// the real built check worker with child_process.fork.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from '../../scripts/build.ts';
import { forkWorker, type ForkedWorker } from './forked-worker.ts';

export const PAGE_URL = 'app://renderer/index.html';

type Handler = (...args: any[]) => any;

export class FakeWebContents extends EventEmitter {
  loading = false;
  sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: Handler | null = null;
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  isLoading() {
    return this.loading;
  }
  setWindowOpenHandler(handler: Handler) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  constructor(public options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  show() {}
  focus() {}
  restore() {}
  progressBar: number[] = [];
  setProgressBar(value: number) {
    this.progressBar.push(value);
  }
}

export function fakeElectron(dataDir: string) {
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const state = {
    markReady,
    ipcHandlers: new Map<string, Handler>(),
    protocolHandlers: new Map<string, Handler>(),
    privilegedSchemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
    permissionRequestHandler: null as Handler | null,
    permissionCheckHandler: null as Handler | null,
    openedExternally: [] as string[],
    openDialogs: 0,
    sandboxEnabled: false,
    /** Utility processes the main process forked: the built worker script under plain Node. */
    utilityProcesses: [] as FakeUtilityProcess[],
  };
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    getPath: (name: string) => (name === 'userData' ? dataDir : join(dataDir, name)),
    setPath() {},
    getName: () => 'SfB Certificate Checker',
    getVersion: () => '0.0.0-test',
    enableSandbox: () => void (state.sandboxEnabled = true),
    requestSingleInstanceLock: () => true,
    quit() {},
    whenReady: () => ready,
  });
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    dialog: {
      async showOpenDialog() {
        state.openDialogs++;
        return { canceled: true, filePaths: [] };
      },
      async showSaveDialog() {
        return { canceled: true };
      },
    },
    ipcMain: { handle: (channel: string, handler: Handler) => void state.ipcHandlers.set(channel, handler) },
    Menu: { buildFromTemplate: (template: unknown) => ({ template }), setApplicationMenu() {} },
    protocol: {
      registerSchemesAsPrivileged: (schemes: typeof state.privilegedSchemes) => void state.privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: Handler) => void state.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Handler) => void (state.permissionRequestHandler = handler),
        setPermissionCheckHandler: (handler: Handler) => void (state.permissionCheckHandler = handler),
      },
    },
    shell: { openExternal: async (url: string) => void state.openedExternally.push(url) },
    utilityProcess: {
      fork(modulePath: string, _args: string[], options: Record<string, unknown>) {
        const child = new FakeUtilityProcess(modulePath, options);
        state.utilityProcesses.push(child);
        return child;
      },
    },
  };
  return { electron, app, state };
}

/** Loads a built script (main.cjs, preload.cjs) with `require('electron')` answered by the stand-in. */
export function requireWithElectron(script: string, electron: unknown): void {
  const nodeRequire = createRequire(import.meta.url);
  const Module = nodeRequire('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const originalLoad = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? electron : originalLoad.call(this, request, ...rest);
  };
  try {
    nodeRequire(script);
  } finally {
    Module._load = originalLoad;
  }
}

/** Electron's UtilityProcess as the main process uses it: postMessage, 'message' and 'exit' events, kill. */
export class FakeUtilityProcess extends EventEmitter {
  readonly worker: ForkedWorker;
  constructor(
    readonly modulePath: string,
    readonly options: Record<string, unknown>,
  ) {
    super();
    this.worker = forkWorker(modulePath);
    this.worker.onMessage((message) => this.emit('message', message));
    this.worker.onExit((code) => this.emit('exit', code ?? 1));
  }
  postMessage(message: unknown) {
    this.worker.child.send(message as object);
  }
  kill() {
    return this.worker.child.kill();
  }
}

export interface RunningMainProcess {
  fake: ReturnType<typeof fakeElectron>;
  win: FakeBrowserWindow;
  /** An IPC event as Electron would deliver it: from our page's top frame unless overridden. */
  ipcEvent(overrides?: { sender?: unknown; frame?: { parent: unknown; url: string } | null }): unknown;
  invoke(channel: string, event: unknown, ...args: unknown[]): Promise<any>;
  /** Quit (before-quit) and wait for the check workers to end. */
  quit(): Promise<void>;
}

/** Builds into workDir/dist, loads main.cjs with the stand-in, makes the app ready and waits for its window. */
export async function startMainProcess(workDir: string): Promise<RunningMainProcess> {
  const built = await build({ outDir: join(workDir, 'dist') });
  const fake = fakeElectron(join(workDir, 'user-data'));
  requireWithElectron(built.mainScript, fake.electron);
  fake.state.markReady();
  // whenReady().then(...) registers the API and opens the window on a later turn.
  for (let i = 0; i < 50 && FakeBrowserWindow.created.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  const win = FakeBrowserWindow.created[0];
  assert.ok(win, 'the main process opened no window');
  return {
    fake,
    win,
    ipcEvent: (overrides = {}) => ({
      sender: overrides.sender ?? win.webContents,
      senderFrame: overrides.frame === undefined ? { parent: null, url: PAGE_URL } : overrides.frame,
    }),
    async invoke(channel, event, ...args) {
      const handler = fake.state.ipcHandlers.get(channel);
      assert.ok(handler, `no handler for ${channel}`);
      return handler(event, ...args);
    },
    async quit() {
      fake.app.emit('before-quit');
      await Promise.all(fake.state.utilityProcesses.map((child) => child.worker.exited));
    },
  };
}
