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

const methods = Object.fromEntries(
  (Object.entries(API_CHANNELS) as [ApiMethodName, string][]).map(([method, channel]) => [
    method,
    (...args: unknown[]) => ipcRenderer.invoke(channel, ...args),
  ]),
);

const api = {
  ...methods,
  onCheckEvent: (listener: (event: CheckEvent) => void) => subscribe(CHECK_EVENT_CHANNEL, listener),
  onMenu: (listener: (event: MenuEvent) => void) => subscribe(MENU_EVENT_CHANNEL, listener),
} as CertCheckerApi;

contextBridge.exposeInMainWorld('certChecker', api);
