import { unwrap } from '../../api'
import { api } from '../../shared/session'
import type { Proposal } from '../lib/proposal'
import type { BodyOf, QueryOf } from './paging'

/** 包户方案: proposals of who looks after which households, built by the server, edited (moves
 * and swaps checked against the scheme's rules), then published. */
export function listProposals(query: QueryOf<'/api/v1/assignment-proposals'> = {}) {
  return unwrap(api.GET('/api/v1/assignment-proposals', { params: { query } }))
}

export function getProposal(id: number): Promise<Proposal> {
  return unwrap(api.GET('/api/v1/assignment-proposals/{proposal_id}', { params: { path: { proposal_id: id } } }))
}

export function createProposal(body: BodyOf<'/api/v1/assignment-proposals', 'post'>): Promise<Proposal> {
  return unwrap(api.POST('/api/v1/assignment-proposals', { body }))
}

/** A page of the proposal's pairs (household ↔ member). */
export function proposalPairs(id: number, query: QueryOf<'/api/v1/assignment-proposals/{proposal_id}/pairs'> = {}) {
  return unwrap(
    api.GET('/api/v1/assignment-proposals/{proposal_id}/pairs', { params: { path: { proposal_id: id }, query } }),
  )
}

export function editProposal(id: number, body: BodyOf<'/api/v1/assignment-proposals/{proposal_id}/edits', 'post'>) {
  return unwrap(
    api.POST('/api/v1/assignment-proposals/{proposal_id}/edits', { params: { path: { proposal_id: id } }, body }),
  )
}

export function publishProposal(id: number, acceptShortfalls: boolean) {
  return unwrap(
    api.POST('/api/v1/assignment-proposals/{proposal_id}/publish', {
      params: { path: { proposal_id: id } },
      body: { accept_shortfalls: acceptShortfalls },
    }),
  )
}
