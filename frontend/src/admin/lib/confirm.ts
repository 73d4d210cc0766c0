import { ElMessageBox } from 'element-plus'

/** Ask before an action that cannot be undone (delete, revoke, replace): true when confirmed,
 * false when the user closed or cancelled the box. */
export async function confirmed(message: string, title: string, button: string, cancel = '取消'): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, { type: 'warning', confirmButtonText: button, cancelButtonText: cancel })
    return true
  } catch {
    return false
  }
}
