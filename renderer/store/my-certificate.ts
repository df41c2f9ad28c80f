// The "My certificate" dialog: the admin's own certificate, kept by the host (shared/host/my-certificate.ts).
// The page reads the chosen files and hands them over with the password; it keeps neither afterwards.
import type { MyCertificate, MyCertificateRequest } from '../../shared/ipc.ts';
import { errorMessage, type SliceCreator } from './slice.ts';

export interface MyCertificateSlice {
  myCertificate: MyCertificate | null;
  myCertificateOpen: boolean;
  myCertificateError: string | null;
  /** A load is under way (the host checks the key and password). */
  myCertificateBusy: boolean;
  openMyCertificate(): Promise<void>;
  closeMyCertificate(): void;
  /** Resolves true when the host took the certificate. */
  setMyCertificate(request: MyCertificateRequest): Promise<boolean>;
  removeMyCertificate(): Promise<void>;
}

export const createMyCertificateSlice: SliceCreator<MyCertificateSlice> = (api) => (set) => ({
  myCertificate: null,
  myCertificateOpen: false,
  myCertificateError: null,
  myCertificateBusy: false,

  async openMyCertificate() {
    set({ myCertificateOpen: true, myCertificateError: null });
    try {
      set({ myCertificate: await api.getMyCertificate() });
    } catch (err) {
      set({ myCertificateError: errorMessage(err) });
    }
  },

  closeMyCertificate() {
    set({ myCertificateOpen: false });
  },

  async setMyCertificate(request) {
    set({ myCertificateBusy: true, myCertificateError: null });
    try {
      set({ myCertificate: await api.setMyCertificate(request), myCertificateBusy: false });
      return true;
    } catch (err) {
      set({ myCertificateError: errorMessage(err), myCertificateBusy: false });
      return false;
    }
  },

  async removeMyCertificate() {
    try {
      set({ myCertificate: await api.removeMyCertificate(), myCertificateError: null });
    } catch (err) {
      set({ myCertificateError: errorMessage(err) });
    }
  },
});
