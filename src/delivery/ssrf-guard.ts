/**
 * The SSRF guard: a webhook URL must not reach the service's own network. The address is checked where
 * the socket is opened, after DNS, so neither a hostname resolving to an internal address (nor one that
 * changes its answer between check and use) nor an IP literal gets through. undici's `lookup` hook alone
 * would miss IP literals, which Node connects to without a lookup; so the connector itself is wrapped.
 */
import { type LookupAddress, lookup as dnsLookup } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'
import { buildConnector } from 'undici'

/** Ranges no webhook may reach unless private addresses are allowed (ipaddr.js `range()` names). */
const PRIVATE_RANGES = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'carrierGradeNat',
  'private',
  'reserved',
  'uniqueLocal',
  'deprecatedSiteLocal',
  'discard',
])

/**
 * Cloud metadata services, refused even when private addresses are allowed: tests and on-premises
 * receivers need loopback and private networks, nothing needs the instance's credentials.
 */
const METADATA_ADDRESSES = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '192.0.0.192', 'fd00:ec2::254'])

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError'
  readonly code = 'ERR_SSRF_BLOCKED'
}

/**
 * An IPv6 address that carries an IPv4 one stands for that IPv4 address: IPv4-mapped, IPv4-compatible
 * (`::a.b.c.d`, deprecated but still routed by some stacks), translated, NAT64, 6to4, and Teredo (whose
 * client address is stored inverted).
 */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range()
  const bytes = address.toByteArray()
  if (range === 'ipv4Mapped' || range === 'rfc6145') return new ipaddr.IPv4(bytes.slice(12))
  // ::/96 but not :: and ::1 themselves (unspecified and loopback, judged as they are).
  if (range === 'unicast' && bytes.slice(0, 12).every((byte) => byte === 0)) return new ipaddr.IPv4(bytes.slice(12))
  // 64:ff9b::/96 is the well-known NAT64 prefix; 64:ff9b:1::/48 is for local use and refused as private.
  if (range === 'rfc6052') return address.parts[2] === 0 ? new ipaddr.IPv4(bytes.slice(12)) : new ipaddr.IPv4([127, 0, 0, 1])
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6))
  if (range === 'teredo') return new ipaddr.IPv4(bytes.slice(12).map((byte) => byte ^ 0xff))
  return undefined
}

/**
 * Why `address` may not be connected to (e.g. `loopback`), or undefined when it may. Anything that is
 * not an IP address is refused.
 */
export function forbiddenRange(address: string, allowPrivate: boolean): string | undefined {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address
  if (!ipaddr.isValid(text)) return 'not an IP address'
  let parsed = ipaddr.parse(text)
  if (parsed.kind() === 'ipv6') parsed = embeddedIpv4(parsed as ipaddr.IPv6) ?? parsed
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString()) || METADATA_ADDRESSES.has(parsed.toString())) return 'cloud metadata'
  const range = parsed.range()
  return !allowPrivate && PRIVATE_RANGES.has(range) ? range : undefined
}

/** Host names that name this machine whatever DNS says (RFC 6761). */
function isLocalhost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  return host === 'localhost' || host.endsWith('.localhost')
}

/**
 * Why deliveries to `url` would be refused for its host alone (a literal address in a forbidden range,
 * or localhost), or undefined when only the connection can tell. Checked when a webhook URL is written.
 */
export function forbiddenDestination(url: string, allowPrivate: boolean): string | undefined {
  const hostname = new URL(url).hostname
  if (isLocalhost(hostname)) return allowPrivate ? undefined : 'loopback'
  const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname
  return isIP(literal) !== 0 ? forbiddenRange(literal, allowPrivate) : undefined
}

function blocked(host: string, address: string, range: string): BlockedAddressError {
  const where = host === address ? address : `${host} (${address})`
  return new BlockedAddressError(`refused to connect to ${where}: ${range} addresses are not allowed`)
}

/** `dns.lookup` that fails when any address it found is forbidden. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0)
      for (const { address } of addresses) {
        const range = forbiddenRange(address, allowPrivate)
        if (range) return callback(blocked(hostname, address, range), '', 0)
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
      const [first] = addresses
      return callback(null, first.address, first.family)
    })
  }
}

export interface GuardOptions {
  allowPrivate: boolean
  /** Connect timeout. */
  timeoutMs: number
}

/** An undici connector that refuses forbidden addresses, literal or resolved. */
export function guardedConnector({ allowPrivate, timeoutMs }: GuardOptions): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(allowPrivate), timeout: timeoutMs })
  return (options, callback) => {
    const host = options.hostname
    const literal = host.startsWith('[') ? host.slice(1, -1) : host
    // Exactly the hosts Node connects to without a lookup; every other one goes through guardedLookup.
    if (isIP(literal) !== 0) {
      const range = forbiddenRange(literal, allowPrivate)
      if (range) return callback(blocked(literal, literal, range), null)
    }
    connect(options, callback)
  }
}
