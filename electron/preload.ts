// Sandboxed preload: exposes exactly CertCheckerApi as window.certChecker. One invoke per API_CHANNELS
// entry plus the two subscriptions; ipcRenderer and its event objects never reach the page.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { API_CHANNELS, CHECK_EVENT_CHANNEL, MENU_EVENT_CHANNEL } from '../shared/ipc.ts';
import type { ApiMethodName, CertCheckerApi, CheckEvent, MenuEvent } from '../shared/ipc.ts';

function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const forward = (_event: IpcRendererEvent, payload: T) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

/**
 * Electron rejects a failed invoke with "Error invoking remote method 'check:start': ApiInputError: …";
 * the user is shown only the handler's own message.
 */
function withoutRemotePrefix(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(message.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, ''));
}

const methods = Object.fromEntries(
  (Object.entries(API_CHANNELS) as [ApiMethodName, string][]).map(([method, channel]) => [
    method,
    (...args: unknown[]) =>
      ipcRenderer.invoke(channel, ...args).catch((err: unknown) => {
        throw withoutRemotePrefix(err);
      }),
  ]),
);

const api = {
  ...methods,
  onCheckEvent: (listener: (event: CheckEvent) => void) => subscribe(CHECK_EVENT_CHANNEL, listener),
  onMenu: (listener: (event: MenuEvent) => void) => subscribe(MENU_EVENT_CHANNEL, listener),
} as CertCheckerApi;

contextBridge.exposeInMainWorld('certChecker', api);
