import { ref, watch } from 'vue'
import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { messageOf } from '../api'
import { useLoader } from './paging'

/** 党务公开栏: an area's board of who looks after whom, and the printable 联心卡 of its households. */
export type Board = Schemas['BoardOut']

export function boardOf(orgId: number): Promise<Board> {
  return unwrap(api.GET('/api/v1/org-units/{org_id}/board', { params: { path: { org_id: orgId } } }))
}

/** A short-lived link to the area's printable cards page. */
export function cardsLink(orgId: number) {
  return unwrap(api.POST('/api/v1/org-units/{org_id}/cards-link', { params: { path: { org_id: orgId } } }))
}

/** The board page: the chosen area's board (read again when the area changes) and the print
 * link of its cards sheet (/print/cards/…, valid ten minutes: the frame and a new window open it
 * without the bearer header, and the server records the print as the user who asked for it). */
export function useBoard() {
  const area = ref<number | undefined>()
  const { data: board, loading, error, load: read } = useLoader(boardOf, null as Board | null)
  const cards = ref('')
  const cardsBusy = ref(false)

  async function load() {
    board.value = null
    cards.value = ''
    error.value = ''
    if (area.value) await read(area.value)
  }

  async function showCards() {
    if (!area.value) return
    cardsBusy.value = true
    error.value = ''
    try {
      cards.value = (await cardsLink(area.value)).url
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      cardsBusy.value = false
    }
  }

  watch(area, load)

  return { area, board, loading, error, load, cards, cardsBusy, showCards }
}
