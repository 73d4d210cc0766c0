import { reactive, ref } from 'vue'
import { ApiError, toProblem, unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { messageOf } from '../api'
import { filenameFromDisposition, saveBlob } from '../lib/download'
import { usePagedList, type BodyOf, type QueryOf } from './paging'

/** 会议: the monthly 对账, 民情分析会, 民事交办会, 民主评议会 and the weekly 民情碰头会 — their agenda
 * drawn from the area's issues, attendance, minutes, tasks (交办事项), ratings (满意率), and the
 * minutes as Word or PDF. */
export type Meeting = Schemas['MeetingOut']
export type MeetingItem = Schemas['MeetingItemOut']
export type MeetingTask = Schemas['TaskOut']
export type MeetingVocabulary = Schemas['MeetingVocabularyOut']
export type MeetingType = Schemas['MeetingType']
export type AgendaItemIn = Schemas['AgendaItemIn']

export function listMeetings(query: QueryOf<'/api/v1/meetings'> = {}) {
  return unwrap(api.GET('/api/v1/meetings', { params: { query } }))
}

export function getMeeting(id: number): Promise<Meeting> {
  return unwrap(api.GET('/api/v1/meetings/{meeting_id}', { params: { path: { meeting_id: id } } }))
}

export function planMeeting(body: BodyOf<'/api/v1/meetings', 'post'>): Promise<Meeting> {
  return unwrap(api.POST('/api/v1/meetings', { body }))
}

let vocabulary: Promise<MeetingVocabulary> | null = null

/** The codes and labels of the meeting forms, asked once. */
export function meetingVocabulary(): Promise<MeetingVocabulary> {
  vocabulary ??= unwrap(api.GET('/api/v1/meeting-vocabulary')).catch((err: unknown) => {
    vocabulary = null
    throw err
  })
  return vocabulary
}

/** The meetings page: by area, kind, status and title, latest first. */
export function useMeetings() {
  const filters = reactive<{ org_id?: number; type?: MeetingType; status?: Meeting['status']; q: string }>({ q: '' })
  const list = usePagedList(({ limit, offset }) =>
    listMeetings({
      org_id: filters.org_id,
      type: filters.type,
      status: filters.status,
      q: filters.q.trim() || undefined,
      limit,
      offset,
    }),
  )
  return { ...list, filters }
}

const path = (id: number) => ({ params: { path: { meeting_id: id } } })

/** One meeting's page: the meeting as the server has it after each step, the step under way and
 * the refusal as a Chinese message. */
export function useMeeting(id: number) {
  const meeting = ref<Meeting | null>(null)
  const busy = ref('')
  const error = ref('')

  async function load() {
    error.value = ''
    try {
      meeting.value = await getMeeting(id)
    } catch (err) {
      error.value = messageOf(err)
    }
  }

  /** Run one step; the meeting it returns replaces the one shown. False when refused. */
  async function step(name: string, call: () => Promise<Meeting>): Promise<boolean> {
    busy.value = name
    error.value = ''
    try {
      meeting.value = await call()
      return true
    } catch (err) {
      error.value = messageOf(err)
      return false
    } finally {
      busy.value = ''
    }
  }

  return {
    meeting,
    busy,
    error,
    load,
    drawAgenda: () => step('draw', () => unwrap(api.POST('/api/v1/meetings/{meeting_id}/agenda/draw', path(id)))),
    saveAgenda: (items: AgendaItemIn[]) =>
      step('agenda', () => unwrap(api.PUT('/api/v1/meetings/{meeting_id}/agenda', { ...path(id), body: { items } }))),
    saveAttendance: (body: BodyOf<'/api/v1/meetings/{meeting_id}/attendance', 'put'>) =>
      step('attendance', () => unwrap(api.PUT('/api/v1/meetings/{meeting_id}/attendance', { ...path(id), body }))),
    saveMinutes: (body: BodyOf<'/api/v1/meetings/{meeting_id}/minutes', 'put'>) =>
      step('minutes', () => unwrap(api.PUT('/api/v1/meetings/{meeting_id}/minutes', { ...path(id), body }))),
    addTask: (body: BodyOf<'/api/v1/meetings/{meeting_id}/tasks', 'post'>) =>
      step('task', async () => {
        await unwrap(api.POST('/api/v1/meetings/{meeting_id}/tasks', { ...path(id), body }))
        return getMeeting(id)
      }),
    rate: (body: BodyOf<'/api/v1/meetings/{meeting_id}/ratings', 'post'>) =>
      step('rate', () => unwrap(api.POST('/api/v1/meetings/{meeting_id}/ratings', { ...path(id), body }))),
    finalise: () => step('finalise', () => unwrap(api.POST('/api/v1/meetings/{meeting_id}/finalise', path(id)))),
    cancel: (reason: string) =>
      step('cancel', () => unwrap(api.POST('/api/v1/meetings/{meeting_id}/cancel', { ...path(id), body: { reason } }))),
    exportMinutes: (format: 'docx' | 'pdf') => downloadMinutes(id, format),
  }
}

/** GET /meetings/{id}/minutes.docx or .pdf (the bearer token is needed, so through the client),
 * saved under the server's file name; phones masked as the caller's rights say. */
export async function downloadMinutes(id: number, format: 'docx' | 'pdf'): Promise<string> {
  const { data, error, response } =
    format === 'docx'
      ? await api.GET('/api/v1/meetings/{meeting_id}/minutes.docx', { ...path(id), parseAs: 'blob' })
      : await api.GET('/api/v1/meetings/{meeting_id}/minutes.pdf', { ...path(id), parseAs: 'blob' })
  if (error !== undefined || !response.ok || !data) throw new ApiError(toProblem(response.status, error))
  const name = filenameFromDisposition(response.headers.get('Content-Disposition')) ?? `会议纪要-${id}.${format}`
  saveBlob(data as Blob, name)
  return name
}

export function listMeetingTasks(query: QueryOf<'/api/v1/meeting-tasks'> = {}) {
  return unwrap(api.GET('/api/v1/meeting-tasks', { params: { query } }))
}

export function markTaskDone(id: number, note: string): Promise<MeetingTask> {
  return unwrap(api.POST('/api/v1/meeting-tasks/{task_id}/done', { params: { path: { task_id: id } }, body: { note } }))
}

/** The tasks page (交办事项): an area's, open or done, overdue only; soonest deadline first. */
export function useMeetingTasks() {
  const filters = reactive<{ org_id?: number; status?: MeetingTask['status']; overdue: boolean }>({
    overdue: false,
  })
  const list = usePagedList(({ limit, offset }) =>
    listMeetingTasks({
      org_id: filters.org_id,
      status: filters.status,
      overdue: filters.overdue || undefined,
      limit,
      offset,
    }),
  )
  return { ...list, filters, markDone: markTaskDone }
}
