/** A language map (`{"en": "Gold", "de": "Gold"}`) edited as rows of a language code and a text. */
import './translations-field.css'

interface TranslationsProps {
  legend: string
  name: string
  rows: [string, string][]
  required?: boolean
  onChange(rows: [string, string][]): void
}

export function TranslationsField({ legend, name, rows, required, onChange }: TranslationsProps) {
  const set = (index: number, column: 0 | 1, value: string) =>
    onChange(rows.map((row, at) => (at === index ? ((column === 0 ? [value, row[1]] : [row[0], value]) as [string, string]) : row)))
  return (
    <fieldset class="translations">
      <legend>{legend}</legend>
      {rows.map(([language, text], index) => (
        <div class="translation">
          <label>Language<input name={`${name}-language-${index}`} value={language} size={6} required onInput={(e) => set(index, 0, e.currentTarget.value)} /></label>
          <label>{legend} ({language || '?'})<input name={`${name}-${index}`} value={text} required={required && index === 0} onInput={(e) => set(index, 1, e.currentTarget.value)} /></label>
          {rows.length > 1 && <button type="button" aria-label={`Remove the ${language || 'new'} entry of ${legend}`} onClick={() => onChange(rows.filter((_, at) => at !== index))}>Remove</button>}
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, ['', '']])}>Add a language</button>
    </fieldset>
  )
}

export function toRows(map: Record<string, string> | undefined): [string, string][] {
  const rows = Object.entries(map ?? {})
  return rows.length > 0 ? rows : [['en', '']]
}

export function toMap(rows: [string, string][]): Record<string, string> {
  return Object.fromEntries(rows.filter(([language, text]) => language.trim() !== '' && text !== '').map(([language, text]) => [language.trim(), text]))
}
