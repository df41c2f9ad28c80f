// The desktop host: one locked-down window showing the renderer, the CertCheckerApi over IPC, the menu.
// Checks run in a separate utility process (check-worker.ts): a bulk run keeps a core busy with
// certificate crypto, and Electron's main process must never be blocked, or windows, menus and IPC freeze.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell, utilityProcess } from 'electron';
import type { IpcMainInvokeEvent, MenuItemConstructorOptions } from 'electron';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiHandlers, type HostServices } from '../shared/host/handlers.ts';
import { CONTENT_SECURITY_POLICY, contentTypeOf } from '../shared/host/static-files.ts';
import { API_CHANNELS, CHECK_EVENT_CHANNEL, MENU_EVENT_CHANNEL, withFieldTag } from '../shared/ipc.ts';
import { ApiInputError } from '../shared/host/validation.ts';
import type { ApiMethodName, CheckEvent, MenuAction, MenuEvent } from '../shared/ipc.ts';
import { createWorkerRunner } from './check-runner.ts';
import type { WorkerChannel } from './check-worker-protocol.ts';
import { createTaskbarProgress } from './taskbar-progress.ts';

// The page is served from a private scheme rather than file://, so it has an origin and gets CSP headers.
const SCHEME = 'app';
const PAGE_ORIGIN = `${SCHEME}://renderer`;
const PAGE_URL = `${PAGE_ORIGIN}/index.html`;
// Built layout: dist/electron/main.cjs beside preload.cjs and check-worker.cjs, the page in dist/renderer.
const RENDERER_DIR = resolve(__dirname, '..', 'renderer');
const CHECK_WORKER_SCRIPT = join(__dirname, 'check-worker.cjs');
/** Permissions the page may use: copying to the clipboard. Everything else is refused. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

if (process.env.SFB_USER_DATA_DIR) app.setPath('userData', process.env.SFB_USER_DATA_DIR);
protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true } }]);
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
/** A target list the system asked us to open (file association, `app list.csv`, dropped on the dock icon). */
let pendingListPath: string | null = listFileFromArgs(process.argv.slice(1), process.cwd());

/** The check worker, as the channel the runner speaks to. Forked on the first check (after app ready). */
function startCheckWorker(): WorkerChannel {
  // No cwd option: a folder inside app.asar cannot be a working directory (electron/electron#41396).
  const child = utilityProcess.fork(CHECK_WORKER_SCRIPT, [`--data-dir=${app.getPath('userData')}`], { serviceName: `${app.getName()} checks` });
  return {
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.on('exit', listener),
    kill: () => void child.kill(),
  };
}

const checkWorker = createWorkerRunner(startCheckWorker);
const showTaskbarProgress = createTaskbarProgress((value) => {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.setProgressBar(value);
});

const hostServices: HostServices = {
  dataDir: app.getPath('userData'),
  app: { name: app.getName(), version: app.getVersion(), shell: 'electron' },
  emit(event) {
    sendToPage(CHECK_EVENT_CHANNEL, event);
    showTaskbarProgress(event);
  },
  openExternal: (url) => shell.openExternal(url),
  async showOpenDialog({ title, filters, multiple }) {
    // The list the user opened the app with stands in for the dialog's answer, once.
    const opened = takePendingList(multiple, filters);
    if (opened) return [opened];
    const properties: ('openFile' | 'multiSelections')[] = multiple ? ['openFile', 'multiSelections'] : ['openFile'];
    const options = { title, filters, properties };
    const answer = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
    return answer.canceled ? null : answer.filePaths;
  },
  async showSaveDialog({ defaultName, filters }) {
    const options = { defaultPath: join(app.getPath('documents'), defaultName), filters };
    const answer = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
    return answer.canceled || !answer.filePath ? null : answer.filePath;
  },
};

/**
 * The "My certificate" password, encrypted with the OS key store (DPAPI, Keychain, libsecret/kwallet).
 * Linux without a key store falls back to a fixed key (basic_text): that protects nothing, so the
 * password is then kept for the session only.
 */
hostServices.secretProtector = {
  available: async () => (await safeStorage.isAsyncEncryptionAvailable()) && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
  encrypt: (secret) => safeStorage.encryptStringAsync(secret),
  decrypt: async (sealed) => (await safeStorage.decryptStringAsync(Buffer.from(sealed))).result,
};

const handlers = createApiHandlers(hostServices, { runChecks: checkWorker.runChecks });

function sendToPage(channel: string, payload: CheckEvent | MenuEvent): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(channel, payload);
}

/** A path argument as a path: Linux desktop entries pass `file://` URLs for %U. Null for other URLs. */
function argumentPath(arg: string): string | null {
  if (!/^[a-z][a-z0-9+.-]+:\/\//i.test(arg)) return arg;
  try {
    return fileURLToPath(arg);
  } catch {
    return null;
  }
}

/** The last argument naming an existing .csv file (Chromium's switches and the app path are skipped). */
function listFileFromArgs(args: string[], workingDirectory: string): string | null {
  for (const arg of [...args].reverse()) {
    const argPath = arg.startsWith('-') ? null : argumentPath(arg);
    if (argPath === null || !/\.csv$/i.test(argPath)) continue;
    const path = resolve(workingDirectory, argPath);
    try {
      if (statSync(path).isFile()) return path;
    } catch {
      // Not a file we can read: ignore it like any other argument.
    }
  }
  return null;
}

/** Open a list through the renderer's own import (File > Import list…), which then gets this file. */
function openListFile(path: string): void {
  pendingListPath = path;
  if (mainWindow && !mainWindow.isDestroyed() && !mainWindow.webContents.isLoading()) sendToPage(MENU_EVENT_CHANNEL, { action: 'importList' });
}

function takePendingList(multiple: boolean, filters: { extensions: string[] }[]): string | null {
  if (!pendingListPath || multiple || !filters.some((filter) => filter.extensions.includes('csv'))) return null;
  const path = pendingListPath;
  pendingListPath = null;
  return path;
}

/** Only the top frame of our own window, showing our own page, may call the API. */
function isOwnPage(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return (
    mainWindow !== null &&
    !mainWindow.isDestroyed() &&
    event.sender === mainWindow.webContents &&
    frame !== null &&
    frame.parent === null &&
    frame.url.startsWith(`${PAGE_ORIGIN}/`)
  );
}

function registerApi(): void {
  for (const [method, channel] of Object.entries(API_CHANNELS) as [ApiMethodName, string][]) {
    const handler = handlers[method] as (...args: unknown[]) => unknown;
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      if (!isOwnPage(event)) throw new Error('Refused: this request did not come from the checker window.');
      try {
        return await handler(...args);
      } catch (err) {
        // Only the message crosses IPC: the field at fault goes with it, so the page can show it there.
        if (err instanceof ApiInputError && err.field) throw new Error(withFieldTag(err.message, err.field));
        throw err;
      }
    });
  }
}

/** The app:// protocol: files of the built renderer only, each with the page's security headers. */
async function servePage(request: Request): Promise<Response> {
  const url = new URL(request.url);
  let file: string;
  try {
    file = resolve(RENDERER_DIR, `.${decodeURIComponent(url.pathname)}`);
  } catch {
    return new Response('Bad path', { status: 400 });
  }
  if (url.host !== 'renderer' || !file.startsWith(RENDERER_DIR + sep)) return new Response('Not found', { status: 404 });
  try {
    const content = await readFile(file);
    return new Response(new Uint8Array(content), {
      headers: { 'Content-Type': contentTypeOf(file), 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

function buildMenu(): Menu {
  const send = (action: MenuAction) => () => sendToPage(MENU_EVENT_CHANNEL, { action });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Import list…', accelerator: 'CmdOrCtrl+O', click: send('importList') },
        { label: 'Export…', accelerator: 'CmdOrCtrl+S', click: send('export') },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }])],
    },
    { label: '&Help', submenu: [{ label: 'About', click: send('about') }] },
  ];
  return Menu.buildFromTemplate(template);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 760,
    minHeight: 480,
    title: app.getName(),
    show: false,
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      devTools: !app.isPackaged,
      // Middle-click must not open windows either (new windows are refused anyway).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  // A list opened before the page was ready: the page subscribes to menu commands when it loads.
  win.webContents.on('did-finish-load', () => {
    if (pendingListPath) sendToPage(MENU_EVENT_CHANNEL, { action: 'importList' });
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(PAGE_URL);
  return win;
}

// Whatever web contents exist: no navigation away, no new windows (allowlisted links go to the browser),
// no <webview>.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    Promise.resolve()
      .then(() => handlers.openExternal(url))
      .catch(() => undefined);
    return { action: 'deny' };
  });
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // macOS hands opened files over by event (also before ready); Windows and Linux start a second instance.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openListFile(path);
  });
  app.on('second-instance', (_event, commandLine, workingDirectory) => {
    const listPath = listFileFromArgs(commandLine.slice(1), workingDirectory);
    if (listPath) openListFile(listPath);
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    handlers.cancelAll();
    checkWorker.stop();
  });
  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
    session.defaultSession.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
    protocol.handle(SCHEME, servePage);
    Menu.setApplicationMenu(buildMenu());
    registerApi();
    mainWindow = createWindow();
    app.on('activate', () => {
      if (!mainWindow) mainWindow = createWindow();
    });
  });
}
