// How a check profile is named to the admin, and which comments are its verdicts (shown first in a card).
import type { CheckProfile, Comment } from '../types.ts';

export const PROFILE_TITLE: Readonly<Record<CheckProfile, string>> = {
  'direct-routing': 'Direct Routing SBC',
  federation: 'Edge federation',
};

/** Profile rules carry their profile in the id: dr-* (Direct Routing) and fed-* (federation). */
export function isProfileComment(comment: Pick<Comment, 'id'>): boolean {
  return /^(dr|fed)-/.test(comment.id);
}

/** The profile's comments of a result, the one-line verdict (dr-ready) leading, the rest in the engine's order. */
export function profileVerdicts(comments: readonly Comment[]): Comment[] {
  const mine = comments.filter(isProfileComment);
  return [...mine.filter((c) => c.id.endsWith('-ready')), ...mine.filter((c) => !c.id.endsWith('-ready'))];
}
