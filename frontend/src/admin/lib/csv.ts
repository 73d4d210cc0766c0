/**
 * CSV as the import endpoint reads it (api/transfer/tabular.py), so the wizard can show the uploaded file
 * with each refused cell in place, let the user fix it there, and send the corrected file again.
 *
 * Row numbers follow the server's: the header is row 1 and every row the server iterates counts.
 * A file with no quote at all is split on line breaks with empty lines dropped (the server's fast
 * path); otherwise quoted fields may hold commas, quotes and line breaks, and an empty line is an
 * empty row (as Python's csv module yields it).
 */

/** Decode the bytes the way the server does: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030. */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return new TextDecoder('utf-8').decode(bytes.subarray(3))
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2))
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('gb18030').decode(bytes)
  }
}

/** What a spreadsheet evaluates at the start of a cell (OWASP CSV injection), as api/transfer/tabular.py
 * lists it: =, +, -, @, tab, carriage return and their full-width forms. */
const FORMULA_LEAD = /^'*[=+\-@\t\r＝＋－＠]/

/** A cell as written to CSV: formula-like text behind a single quote (api/transfer/tabular.py inert_cell). */
export function inertCell(cell: string): string {
  return FORMULA_LEAD.test(cell) ? `'${cell}` : cell
}

/** A cell as the server reads it: the quote inertCell added comes off (api/transfer/tabular.py restored_cell). */
export function restoredCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_LEAD.test(cell) ? cell.slice(1) : cell
}

/** The rows of a CSV text, each cell as the server reads it (restoredCell). */
export function parseCsv(text: string): string[][] {
  return splitCsv(text).map((row) => row.map(restoredCell))
}

function splitCsv(text: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (!text.includes('"')) {
    return text
      .replace(/\r\n/g, '\n')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split(','))
  }
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let i = 0
  const endRow = () => {
    row.push(cell)
    // A blank line is an empty row, as Python's csv.reader yields it.
    rows.push(row.length === 1 && row[0] === '' ? [] : row)
    row = []
    cell = ''
  }
  while (i < text.length) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i += 2
          continue
        }
        quoted = false
      } else {
        cell += ch
      }
      i += 1
      continue
    }
    if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      endRow()
      i += 1
    } else if (ch === '\n' || ch === '\r') endRow()
    else cell += ch
    i += 1
  }
  if (cell !== '' || row.length) endRow()
  return rows
}

function quote(value: string): string {
  const cell = inertCell(value)
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
}

/** The rows as CSV text (CRLF, quoted where needed, formulas inert); blank rows are kept so row
 * numbers hold. */
export function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n'
}

/** The corrected file to upload: UTF-8 with a BOM, as Excel and the server both read it. */
export function csvFile(rows: string[][], name: string): File {
  return new File(['\ufeff' + toCsv(rows)], name, { type: 'text/csv' })
}
