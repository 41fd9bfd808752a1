import { describe, expect, it } from 'vitest';
import { hostOfHeader, isLoopbackHost } from '../../../src/infra/http/loopback.js';

describe('isLoopbackHost', () => {
  it('takes the loopback names and addresses: localhost, 127.0.0.0/8, ::1', () => {
    for (const host of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('refuses every other address, the wildcard ones included', () => {
    for (const host of ['0.0.0.0', '::', '[::]', '192.168.1.10', '10.0.0.1', '128.0.0.1', 'example.com', 'localhost.example.com', '', '::2']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('hostOfHeader', () => {
  it('drops the port of a Host header, keeping an IPv6 address in brackets', () => {
    expect(hostOfHeader('localhost:8321')).toBe('localhost');
    expect(hostOfHeader('127.0.0.1')).toBe('127.0.0.1');
    expect(hostOfHeader('[::1]:8321')).toBe('[::1]');
    expect(hostOfHeader('[::1]')).toBe('[::1]');
  });
});
