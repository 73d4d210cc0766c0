import type { FormInstance, FormItemRule } from 'element-plus'
import { reactive, ref } from 'vue'
import { ApiError } from '../../api'
import type { FieldError } from '../../api/errors'

/** Form helpers shared by the console's dialogs: Chinese client-side rules, the server's 422
 * problem+json mapped onto the named field, and PATCH bodies holding only what changed. */

/** The server's password rule (domain/accounts.py), said where a password is chosen. */
export const PASSWORD_HINT = '至少 10 个字符，含字母、数字、符号中的两类，不含账号'

// --- server answers ------------------------------------------------------------------------

/** A field pointer in one spelling: the domain writes ``residents[0].birth_date``, pydantic
 * ``residents.0.birth_date``; ``body.`` is dropped like ApiError.fieldMessages() does. */
export function fieldKey(pointer: string): string {
  return pointer
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((p) => p && p !== 'body')
    .join('.')
}

export interface ServerErrors {
  /** Messages by form field (the longest known field the pointer starts with). */
  fields: Record<string, string>
  /** What no field of the form shows (a 409's detail, a network failure, an unknown field). */
  message: string
}

function owner(key: string, known: readonly string[]): string | undefined {
  return [...known].sort((a, b) => b.length - a.length).find((k) => key === k || key.startsWith(`${k}.`))
}

/**
 * The server's refusal as messages next to the form's fields. ApiError carries every field error
 * of a 422 (or the one ``field`` of a domain error with its Chinese ``detail``); a pointer deeper
 * than the form's fields (``exemption.decided_on``, ``rule.all[1].value``) goes to the field it
 * starts with, prefixed with the rest of the pointer when that helps find the place.
 */
export function serverErrors(err: unknown, known: readonly string[]): ServerErrors {
  if (!(err instanceof ApiError)) {
    return { fields: {}, message: err instanceof Error ? err.message : String(err) }
  }
  const entries: Pick<FieldError, 'field' | 'message' | 'code'>[] = err.errors.length
    ? err.errors
    : [{ field: err.field, message: err.message, code: null }]
  const fields: Record<string, string> = {}
  const rest: string[] = []
  for (const e of entries) {
    const key = e.field ? fieldKey(e.field) : ''
    const target = key ? owner(key, known) : undefined
    const text = e.message
    if (target === undefined) {
      rest.push(key ? `${key}：${text}` : text)
      continue
    }
    const where = key === target || target === 'rule' ? '' : `${key.slice(target.length + 1)}：`
    fields[target] ??= target === 'rule' && e.field ? `${e.field}：${text}` : where + text
  }
  const message = Object.keys(fields).length ? rest.join('；') : err.message
  return { fields, message }
}

/** The refusal of a list's PUT by row: ``residents[2].birth_date`` → rows[2]; the rest (a field
 * of no row, a 409) as the message. */
export function rowErrors(err: unknown, list: string): { rows: Record<number, string>; message: string } {
  if (!(err instanceof ApiError)) return { rows: {}, message: err instanceof Error ? err.message : String(err) }
  const entries: Pick<FieldError, 'field' | 'message' | 'code'>[] = err.errors.length
    ? err.errors
    : [{ field: err.field, message: err.message, code: null }]
  const rows: Record<number, string> = {}
  const rest: string[] = []
  for (const e of entries) {
    const m = fieldKey(e.field ?? '').match(new RegExp(`^${list}\\.(\\d+)(?:\\.|$)`))
    if (m) rows[Number(m[1])] ??= e.message
    else rest.push(e.message)
  }
  return { rows, message: Object.keys(rows).length ? rest.join('；') : err.message }
}

/** The reactive errors of one form: `fields[name]` goes to `<el-form-item :error>`. */
export function useServerErrors(known: readonly string[]) {
  const state = reactive({ fields: {} as Record<string, string>, message: '' })
  return {
    state,
    clear() {
      state.fields = {}
      state.message = ''
    },
    /** Show the refusal; true when at least one field got its message. */
    show(err: unknown): boolean {
      const out = serverErrors(err, known)
      state.fields = out.fields
      state.message = out.message
      return Object.keys(out.fields).length > 0
    },
  }
}

/**
 * The state of one form dialog (FormDialog.vue uses it; a dialog whose form is one tab of several,
 * like HouseholdDialog, uses it directly): the form's ref, the busy flag of its submit button and
 * the server's refusal mapped onto the `known` fields.
 */
export function useFormDialog(known: readonly string[]) {
  const formRef = ref<FormInstance>()
  const busy = ref(false)
  const errors = useServerErrors(known)
  return {
    formRef,
    busy,
    errors,
    /** A new opening: no message and no mark left from the last one. */
    reset() {
      errors.clear()
      formRef.value?.clearValidate()
    },
    /**
     * Check the form, then run `action` with the button busy. True when it went through (the
     * dialog closes); false when the form is not valid, `action` answered false (nothing to send)
     * or the server refused it: its messages are then shown, and `onError` is told.
     */
    async submit(action: () => Promise<unknown>, onError?: (err: unknown) => void): Promise<boolean> {
      errors.clear()
      const valid = await formRef.value?.validate().catch(() => false)
      if (!valid) return false
      busy.value = true
      try {
        return (await action()) !== false
      } catch (err) {
        errors.show(err)
        onError?.(err)
        return false
      } finally {
        busy.value = false
      }
    },
  }
}

// --- request bodies ------------------------------------------------------------------------

/** A text input's value as the API wants it: trimmed, empty as null. */
export function blankToNull(value: string | null | undefined): string | null {
  const v = (value ?? '').trim()
  return v === '' ? null : v
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** The keys whose value changed, for a PATCH that must not write back what was only shown
 * (e.g. a masked phone number). */
export function patchOf<T extends object>(before: Partial<T>, after: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {}
  for (const k of keys) {
    if (!same(before[k] ?? null, after[k] ?? null)) out[k] = after[k]
  }
  return out
}

// --- client-side rules (Element Plus / async-validator) -----------------------------------

export const PHONE = /^\+?[0-9-]{5,20}$/

export function required(message: string, trigger: 'blur' | 'change' = 'blur'): FormItemRule {
  return { required: true, message, trigger }
}

export function maxLength(n: number): FormItemRule {
  return { max: n, message: `最多 ${n} 个字符`, trigger: 'blur' }
}

export const phoneRule: FormItemRule = {
  pattern: PHONE,
  message: '电话号码格式不正确（5–20 位数字，可含 - 和开头的 +）',
  trigger: 'blur',
}

/** The message for a number out of [min, max] (or not whole, when `integer`), or '' when it is
 * good or empty. Number inputs are not given min/max: they would clamp 999 to 90 silently. */
export function rangeMessage(
  label: string,
  value: number | null | undefined,
  min: number,
  max: number,
  integer = false,
): string {
  if (value === null || value === undefined || Number.isNaN(value)) return ''
  if (integer && !Number.isInteger(value)) return `${label}须为整数`
  if (value < min || value > max) return `${label}须在 ${min} 到 ${max} 之间`
  return ''
}

export function rangeRule(label: string, min: number, max: number, integer = false): FormItemRule {
  return {
    validator: (_rule, value: number | null | undefined, callback) => {
      const message = rangeMessage(label, value, min, max, integer)
      if (message) callback(new Error(message))
      else callback()
    },
    trigger: 'change',
  }
}

/** A date (YYYY-MM-DD) not after today: birth dates. */
export function notInFuture(today: () => string = todayIso): FormItemRule {
  return {
    validator: (_rule, value: string | null, callback) =>
      value && value > today() ? callback(new Error('日期不能晚于今天')) : callback(),
    trigger: 'change',
  }
}

/** Today in China time as YYYY-MM-DD (the server counts days in Asia/Shanghai). */
export function todayIso(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now)
}
