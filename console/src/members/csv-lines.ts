/**
 * Members from a CSV file or pasted ids: one customer per line, the customer id first and an optional
 * legal entity id second, or columns named `customerId` and `legalEntityId` in a header line. Lines are
 * numbered as the file numbers them, so an error names the line to fix.
 */
import Papa from 'papaparse'

export interface MemberLine {
  line: number
  customerId: string
  legalEntityId?: string
}

export interface ParsedLines {
  members: MemberLine[]
  problems: { line: number; message: string }[]
}

const CUSTOMER_HEADERS = ['customerid', 'customer_id', 'customer', 'id']
const LEGAL_ENTITY_HEADERS = ['legalentityid', 'legal_entity_id', 'legalentity']

export function parseMemberLines(text: string): ParsedLines {
  const { data } = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false })
  const members: MemberLine[] = []
  const problems: ParsedLines['problems'] = []
  let customerColumn = 0
  let legalEntityColumn = 1
  data.forEach((cells, index) => {
    const line = index + 1
    const values = cells.map((cell) => cell.trim())
    if (values.every((value) => value === '')) return
    if (index === 0) {
      const names = values.map((value) => value.toLowerCase())
      const customer = names.findIndex((name) => CUSTOMER_HEADERS.includes(name))
      if (customer >= 0) {
        customerColumn = customer
        legalEntityColumn = names.findIndex((name) => LEGAL_ENTITY_HEADERS.includes(name))
        return
      }
    }
    const customerId = values[customerColumn] ?? ''
    if (customerId === '') {
      problems.push({ line, message: 'no customer id' })
      return
    }
    const legalEntityId = legalEntityColumn >= 0 ? values[legalEntityColumn] : undefined
    members.push({ line, customerId, ...(legalEntityId ? { legalEntityId } : {}) })
  })
  return { members, problems }
}
