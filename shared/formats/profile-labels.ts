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
