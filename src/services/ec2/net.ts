/** IPv4/IPv6 address and CIDR helpers for VPCs, subnets, security group rules and instance addresses. */
import { randomInt } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Parses `a.b.c.d/n`; undefined unless well formed (the address need not be the network's). */
export function parseIpv4Cidr(cidr: string): Ipv4Cidr | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  if (!m || !isIPv4(m[1]!)) return undefined;
  const prefix = Number(m[2]);
  if (prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: Math.floor(ipv4ToInt(m[1]!) / size) * size, prefix };
}

/** Whether `cidr` is `address/n` with an IPv6 address and 0 <= n <= 128. */
export function isIpv6Cidr(cidr: string): boolean {
  const slash = cidr.lastIndexOf('/');
  if (slash < 0) return false;
  const prefix = cidr.slice(slash + 1);
  return isIPv6(cidr.slice(0, slash)) && /^\d{1,3}$/.test(prefix) && Number(prefix) <= 128;
}

export function formatIpv4Cidr(c: Ipv4Cidr): string {
  return `${intToIpv4(c.base)}/${c.prefix}`;
}

/**
 * A random host address in the block that no one holds yet. AWS reserves the first four
 * addresses and the last one of every subnet.
 */
export function freeHostIn(cidr: string, taken: ReadonlySet<string>): string | undefined {
  const c = parseIpv4Cidr(cidr);
  if (!c) return undefined;
  const size = 2 ** (32 - c.prefix);
  const first = c.base + 4;
  const count = size - 5;
  if (count <= taken.size) return undefined;
  for (;;) {
    const ip = intToIpv4(first + randomInt(count));
    if (!taken.has(ip)) return ip;
  }
}

/** A documentation-range (TEST-NET) address no other instance of the Region holds: never routable. */
export function freePublicIp(taken: ReadonlySet<string>): string | undefined {
  const blocks = ['198.51.100', '203.0.113'];
  if (taken.size >= blocks.length * 254) return undefined;
  for (;;) {
    const ip = `${blocks[randomInt(blocks.length)]}.${1 + randomInt(254)}`;
    if (!taken.has(ip)) return ip;
  }
}
