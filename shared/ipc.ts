// The one contract between the renderer and whatever runs the engine for it:
// the Electron preload (over ipcRenderer.invoke) and the browser bridge (over local HTTP).
// Both implement CertCheckerApi from this table, so channel names and payloads cannot drift.
import type { CheckRequest, EndpointResult, RunProgress, TargetType } from './types.ts';
import type { ChangeRecord } from './history/changes.ts';
import type { TimelineEntry } from './formats/history-csv.ts';
import type { HistorySettings } from './history/recording.ts';

export type { ChangeRecord, HistorySettings, TimelineEntry };

export interface TrustedRoot {
  subject: string;
  thumbprint: string;
  notAfter: string;
  /** Base64 DER, so the renderer can show or save it. */
  derBase64: string;
}

/** "My certificate": what the dialog shows of the admin's own certificate (never the key or the password). */
export interface MyCertificate {
  subject: string;
  issuer: string;
  notAfter: string;
  thumbprint: string;
  certFileName: string;
  keyFileName: string | null;
  /**
   * Where the password is: encrypted (the operating system's key store, Electron safeStorage), session (in the
   * host's memory until it stops), none (no password), missing (it was kept for a session that has ended,
   * or encrypted by another shell: load the certificate again).
   */
  password: 'encrypted' | 'session' | 'none' | 'missing';
}

/** The files of "My certificate" as the page read them (base64 of the bytes), and the password. */
export interface MyCertificateRequest {
  cert: { name: string; contentBase64: string };
  key?: { name: string; contentBase64: string } | null;
  password?: string | null;
}

/**
 * The answer to adding trusted roots. A certificate that is not a CA (no basicConstraints cA=TRUE) is not
 * added until the admin confirms: the answer then says why and shows what would be added, and nothing is
 * stored; call addTrustedRoots again with { confirm: true } (the certificates are in wouldAdd[].derBase64).
 */
export type AddTrustedRootsResult =
  | { added: true; roots: TrustedRoot[] }
  | {
      added: false;
      needsConfirmation: true;
      /** The certificates that are not CAs, each with the sentence saying why that matters. */
      notCa: { root: TrustedRoot; reason: string }[];
      /** Everything the selection would add (CAs and the rest). */
      wouldAdd: TrustedRoot[];
      /** The list as it is (unchanged). */
      roots: TrustedRoot[];
    };

export interface AddTrustedRootsOptions {
  /** Add certificates that are not CAs too (the admin saw needsConfirmation and agreed). */
  confirm?: boolean;
}

export interface ImportError {
  line: number;
  message: string;
}

export interface ImportedList {
  fileName: string;
  rows: import('./types.ts').TargetInput[];
  importErrors: ImportError[];
}

export interface SaveFileRequest {
  defaultName: string;
  /** utf8 text, or base64 for binary content (a .cer file). */
  content: string;
  encoding: 'utf8' | 'base64';
  filters: { name: string; extensions: string[] }[];
}

export interface SaveFileResult {
  saved: boolean;
  /** Where it went (Electron) or the name offered for download (browser). */
  path: string | null;
}

export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' or 'web', so the renderer can word native actions. */
  shell: 'electron' | 'web';
}

/** One target's recorded certificates over time, and the changes between its runs. */
export interface TargetHistory {
  target: string;
  entries: TimelineEntry[];
  changes: ChangeRecord[];
}

/** Which changes: of one run (default: the latest finished one), or since a date or run id to now. */
export interface ChangesQuery {
  runId?: number;
  since?: string;
}

export interface HistoryChanges {
  /** The run the changes lead to (null: nothing recorded yet). */
  runId: number | null;
  /** When the state compared with was recorded (the earliest previous run of these targets). */
  since: string | null;
  changes: ChangeRecord[];
}

export interface HistorySettingsView extends HistorySettings {
  /** The history file, to show the admin where it is. */
  path: string;
}

/** Events pushed from the engine side while a check runs. */
export type CheckEvent =
  | { kind: 'result'; runId: string; result: EndpointResult }
  | ({ kind: 'progress'; runId: string } & RunProgress)
  | { kind: 'done'; runId: string; cancelled: boolean; error: string | null };

/** Every request the renderer may make: method name -> (argument) => response. */
export interface ApiMethods {
  startCheck(request: CheckRequest): { runId: string };
  cancelCheck(runId: string): { cancelled: boolean };
  /** Show an open dialog for a target list (.csv) and parse it. Null when the user cancelled. */
  importList(): ImportedList | null;
  /** Parse a list the user dropped on the window. */
  parseList(fileName: string, content: string): ImportedList;
  saveFile(request: SaveFileRequest): SaveFileResult;
  /** Open a link the engine produced (root certificate pages). Refused for anything else. */
  openExternal(url: string): { opened: boolean };
  listTrustedRoots(): TrustedRoot[];
  /** Show an open dialog for .cer/.crt/.pem/.p7b files and add their certificates (a non-CA needs confirmation). */
  addTrustedRootsFromDialog(): AddTrustedRootsResult;
  /** Add certificates from file content the renderer already has (drop, browser upload). Base64 of the file bytes. */
  addTrustedRoots(files: { name: string; contentBase64: string }[], options?: AddTrustedRootsOptions): AddTrustedRootsResult;
  removeTrustedRoot(thumbprint: string): TrustedRoot[];
  /** The admin's own certificate, presented when a far end asks for one; null when none is set. */
  getMyCertificate(): MyCertificate | null;
  /** Load, check (the key must match, the password open it) and keep the certificate. */
  setMyCertificate(request: MyCertificateRequest): MyCertificate;
  removeMyCertificate(): null;
  appInfo(): AppInfo;
  historyTimeline(target: string, type: TargetType | null): TargetHistory;
  historyChanges(query: ChangesQuery): HistoryChanges;
  historySettings(): HistorySettingsView;
  setHistorySettings(settings: HistorySettings): HistorySettingsView;
}

export type ApiMethodName = keyof ApiMethods;

/** Channel name for each method: used by the preload, the main process and the browser bridge. */
export const API_CHANNELS: { readonly [M in ApiMethodName]: string } = {
  startCheck: 'check:start',
  cancelCheck: 'check:cancel',
  importList: 'list:import',
  parseList: 'list:parse',
  saveFile: 'file:save',
  openExternal: 'link:open',
  listTrustedRoots: 'trust:list',
  addTrustedRootsFromDialog: 'trust:add-dialog',
  addTrustedRoots: 'trust:add',
  removeTrustedRoot: 'trust:remove',
  getMyCertificate: 'my-cert:get',
  setMyCertificate: 'my-cert:set',
  removeMyCertificate: 'my-cert:remove',
  appInfo: 'app:info',
  historyTimeline: 'history:timeline',
  historyChanges: 'history:changes',
  historySettings: 'history:settings',
  setHistorySettings: 'history:set-settings',
};

export const CHECK_EVENT_CHANNEL = 'check:event';

/**
 * Application menu commands (Electron only) the renderer carries out itself: File > Import list…,
 * File > Export…, Help > About. Sent on MENU_EVENT_CHANNEL; the renderer subscribes with
 * `window.certChecker.onMenu?.(listener)`. The browser bridge has no menu and may leave onMenu out.
 */
export type MenuAction = 'importList' | 'export' | 'about';
export interface MenuEvent {
  action: MenuAction;
}
export const MENU_EVENT_CHANNEL = 'menu:action';

/** What the renderer sees on `window.certChecker`: every method async, plus the event subscription. */
export type CertCheckerApi = {
  [M in ApiMethodName]: (...args: Parameters<ApiMethods[M]>) => Promise<ReturnType<ApiMethods[M]>>;
} & {
  /** Subscribe to check events; returns the unsubscribe function. */
  onCheckEvent(listener: (event: CheckEvent) => void): () => void;
  /** Subscribe to application menu commands (Electron); returns the unsubscribe function. */
  onMenu?(listener: (event: MenuEvent) => void): () => void;
};

/** The handlers a host (Electron main, web bridge) implements: same methods, any may be async. */
export type ApiHandlers = {
  [M in ApiMethodName]: (...args: Parameters<ApiMethods[M]>) => ReturnType<ApiMethods[M]> | Promise<ReturnType<ApiMethods[M]>>;
};

declare global {
  interface Window {
    certChecker?: CertCheckerApi;
  }
}

/**
 * Electron's IPC keeps only an error's message, so the input field a refusal names (ApiInputError.field)
 * rides in front of it: "[field=host] ..."; the page reads it back and shows the rest on that field.
 */
export function withFieldTag(message: string, field: string): string {
  return `[field=${field}] ${message}`;
}

/** The field and the message of a tagged error message; null when it names no field. */
export function fieldOfMessage(message: string): { field: string; message: string } | null {
  const match = /^\[field=([a-z-]+)\] ([\s\S]*)$/.exec(message);
  return match ? { field: match[1], message: match[2] } : null;
}
