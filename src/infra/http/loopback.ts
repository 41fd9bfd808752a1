import { isIP } from 'node:net';

/** Whether a host name or address names this machine's loopback interface only (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  switch (isIP(lower)) {
    case 4:
      return lower.startsWith('127.');
    case 6:
      return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(lower);
    default:
      return false;
  }
}

/** The host part of a Host header (`localhost:8321`, `[::1]:8321`, `127.0.0.1`). */
export function hostOfHeader(header: string): string {
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  const colon = header.lastIndexOf(':');
  return colon === -1 ? header : header.slice(0, colon);
}
