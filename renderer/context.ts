// The store and the API, handed to components through React context (no globals, so tests can mount fakes).
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { CertCheckerApi } from '../shared/ipc.ts';
import type { AppState, AppStore } from './store/index.ts';

export const StoreContext = createContext<AppStore | null>(null);
export const ApiContext = createContext<CertCheckerApi | null>(null);

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext is missing');
  return store;
}

export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStore(), selector);
}

export function useApi(): CertCheckerApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('ApiContext is missing');
  return api;
}
