/** A JSON object typed as text, with the parser's message shown beside it while it does not parse. */
import { useState } from 'preact/hooks'

interface JsonFieldProps {
  label: string
  name: string
  text: string
  onChange(text: string): void
}

/** The parsed object, or why the text is not one. */
export function parseJsonObject(text: string): { value?: Record<string, unknown>; error?: string } {
  if (text.trim() === '') return { value: undefined }
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'Write a JSON object: {"key": "value"}.' }
    return { value: value as Record<string, unknown> }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

export function JsonField({ label, name, text, onChange }: JsonFieldProps) {
  const [touched, setTouched] = useState(false)
  const problem = touched ? parseJsonObject(text).error : undefined
  return (
    <label>
      {label}
      <textarea name={name} rows={4} value={text} aria-invalid={problem ? 'true' : undefined} aria-describedby={problem ? `${name}-error` : undefined}
        onInput={(e) => { setTouched(true); onChange(e.currentTarget.value) }} />
      {problem && <span id={`${name}-error`} class="field-error">Not valid JSON: {problem}</span>}
    </label>
  )
}
