// The desktop host: one locked-down window showing the renderer, the CertCheckerApi over IPC, the menu.
// Checks run here in the main process; they are network-bound and asynchronous, so the UI stays free.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import type { IpcMainInvokeEvent, MenuItemConstructorOptions } from 'electron';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY, contentTypeOf, createApiHandlers } from '../shared/api-host.ts';
import { API_CHANNELS, CHECK_EVENT_CHANNEL, MENU_EVENT_CHANNEL } from '../shared/ipc.ts';
import type { ApiMethodName, CheckEvent, MenuAction, MenuEvent } from '../shared/ipc.ts';

// The page is served from a private scheme rather than file://, so it has an origin and gets CSP headers.
const SCHEME = 'app';
const PAGE_ORIGIN = `${SCHEME}://renderer`;
const PAGE_URL = `${PAGE_ORIGIN}/index.html`;
// Built layout: dist/electron/main.cjs beside dist/electron/preload.cjs, the page in dist/renderer.
const RENDERER_DIR = resolve(__dirname, '..', 'renderer');
/** Permissions the page may use: copying to the clipboard. Everything else is refused. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

if (process.env.SFB_USER_DATA_DIR) app.setPath('userData', process.env.SFB_USER_DATA_DIR);
protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true } }]);
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
/** A target list the system asked us to open (file association, `app list.csv`, dropped on the dock icon). */
let pendingListPath: string | null = listFileFromArgs(process.argv.slice(1), process.cwd());

const handlers = createApiHandlers({
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
});

function sendToPage(channel: string, payload: CheckEvent | MenuEvent): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(channel, payload);
}

function showTaskbarProgress(event: CheckEvent): void {
  if (!mainWindow || mainWindow.isDestroyed()) return;
  if (event.kind === 'progress') mainWindow.setProgressBar(event.total > 0 ? event.done / event.total : 2); // >1: indeterminate
  if (event.kind === 'done') mainWindow.setProgressBar(-1);
}

/** The last argument naming an existing .csv file (Chromium's switches and the app path are skipped). */
function listFileFromArgs(args: string[], workingDirectory: string): string | null {
  for (const arg of [...args].reverse()) {
    if (arg.startsWith('-') || !/\.csv$/i.test(arg)) continue;
    const path = resolve(workingDirectory, arg);
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
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!isOwnPage(event)) throw new Error('Refused: this request did not come from the checker window.');
      return handler(...args);
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
  app.on('before-quit', () => handlers.cancelAll());
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
