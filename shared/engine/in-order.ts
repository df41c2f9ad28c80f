// Results in the order the admin typed them, as soon as each is next in line. The engine checks
// endpoints concurrently and reports each target when it finishes; a report, an NDJSON stream or the
// app's list wants the input order. Pure: it only buffers what is not yet next.
import type { EndpointResult } from '../types.ts';

export interface InOrderEmitter {
  /** A result from runChecks' onResult (it carries inputIndex, memberIndex, memberCount). */
  push(result: EndpointResult): void;
  /** Emit whatever is still held, in order (a cancelled run: some targets never finish). */
  flush(): void;
}

/** Calls emit once per result, in (inputIndex, memberIndex) order, each as soon as every result before it was emitted. */
export function createInOrderEmitter(emit: (result: EndpointResult) => void): InOrderEmitter {
  const held = new Map<number, EndpointResult[]>();
  let next = 0;

  const release = () => {
    for (let waiting = held.get(next); waiting && waiting.length >= (waiting[0].memberCount ?? 1); waiting = held.get(next)) {
      held.delete(next++);
      for (const result of byMember(waiting)) emit(result);
    }
  };

  return {
    push(result) {
      const index = result.inputIndex ?? next;
      if (index < next) {
        emit(result);
        return;
      }
      held.set(index, [...(held.get(index) ?? []), result]);
      release();
    },
    flush() {
      for (const index of [...held.keys()].sort((a, b) => a - b)) for (const result of byMember(held.get(index) ?? [])) emit(result);
      held.clear();
    },
  };
}

function byMember(results: EndpointResult[]): EndpointResult[] {
  return [...results].sort((a, b) => (a.memberIndex ?? 0) - (b.memberIndex ?? 0));
}

/** The input order, for results gathered in any order. */
export function inInputOrder(results: readonly EndpointResult[]): EndpointResult[] {
  return [...results].sort((a, b) => (a.inputIndex ?? 0) - (b.inputIndex ?? 0) || (a.memberIndex ?? 0) - (b.memberIndex ?? 0));
}
