import { ref } from 'vue'
import { unwrap, type Schemas } from '../api'
import { api } from '../shared/session'

/** 会议任务: the tasks a 民事交办会 gave the member (责任人), published with the final minutes;
 * the member marks one done with a note of what was done. Online only: a task is the branch's
 * record, not a visit kept on the phone. */
export type MeetingTask = Schemas['TaskOut']

export function useMeetingTasks() {
  const tasks = ref<MeetingTask[]>([])
  const loaded = ref(false)
  const error = ref('')

  async function load() {
    error.value = ''
    try {
      tasks.value = (await unwrap(api.GET('/api/v1/meeting-tasks/mine', { params: { query: { limit: 200 } } }))).data
    } catch {
      error.value = '暂时无法读取会议任务，请联网后下拉刷新'
    } finally {
      loaded.value = true
    }
  }

  async function markDone(id: number, note: string): Promise<MeetingTask> {
    const done = await unwrap(
      api.POST('/api/v1/meeting-tasks/{task_id}/done', { params: { path: { task_id: id } }, body: { note } }),
    )
    tasks.value = tasks.value.map((t) => (t.id === id ? done : t))
    return done
  }

  return { tasks, loaded, error, load, markDone }
}
