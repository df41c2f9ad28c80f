// The pipeline: target -> DNS -> TLS capture -> decode -> chain and trust -> comments -> result.
import type { CheckRequest, EndpointResult } from './types.ts';

export interface RunHooks {
  signal?: AbortSignal;
  /** Called once per endpoint, in the order endpoints finish. */
  onResult?(result: EndpointResult): void;
  onProgress?(progress: { done: number; total: number; current: string | null }): void;
}

/** Check every target of the request; resolves with all endpoint results (cancelled runs keep what finished). */
export async function runChecks(request: CheckRequest, hooks: RunHooks = {}): Promise<EndpointResult[]> {
  void request;
  void hooks;
  throw new Error('not implemented yet');
}
