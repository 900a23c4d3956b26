// Messages between the extension host and the claim worker (claimWorker.ts).
import type { ClaimAnswer, ClaimQuery } from '../graph/claimQueries';
import type { CheckedClaim } from '../graph/claims';

export type ClaimRequest =
  { type: 'check'; id: number; text: string } | { type: 'answer'; id: number; answer: ClaimAnswer };

export type ClaimResponse =
  | { type: 'query'; id: number; query: ClaimQuery }
  | { type: 'result'; id: number; results: CheckedClaim[] }
  | { type: 'error'; id: number; error: string };
