import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectDefects } from '../defects/index.ts';
import { AuthError, bearerToken, createTokenVerifier } from './jwt.ts';

const GOOD = selectDefects('none');

const OPTIONS = { issuer: 'iss', audience: 'aud' };
let server: Server;
let jwksUrl: string;
let sign: (claims: Record<string, string>, audience?: string) => Promise<string>;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  server = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  sign = (claims, audience = 'aud') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('iss')
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(privateKey);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof AuthError ? error.kind : 'other'),
  );

describe('token verifier', () => {
  it('turns valid claims into a principal', async () => {
    const verify = createTokenVerifier({ ...OPTIONS, jwksUrl }, GOOD);
    const token = await sign({ sub: 'u1', tenant: 't1', role: 'customer', customer: 'c1' });
    expect(await verify(token)).toEqual({ subject: 'u1', tenant: 't1', role: 'customer', customer: 'c1' });
  });

  it('remembers a verified token only while its key set still resolves the same key', async () => {
    const other = await generateKeyPair('ES256');
    const current = createLocalJWKSet((await (await fetch(jwksUrl)).json()) as JSONWebKeySet);
    let resolutions = 0;
    let keySet: JWTVerifyGetKey = current;
    const verify = createTokenVerifier(
      { ...OPTIONS, jwksUrl },
      {
        keySet: () => (header, token) => {
          resolutions++;
          return keySet(header, token);
        },
      },
    );
    const token = await sign({ sub: 'u', tenant: 't', role: 'agent' });
    expect(await kindOf(verify(token))).toBe('ok');
    expect(await kindOf(verify(token))).toBe('ok');
    // The key is resolved on every call, remembered or not.
    expect(resolutions).toBe(2);
    // A tampered copy is another token: verified in full, refused.
    expect(await kindOf(verify(`${token.slice(0, -4)}AAAA`))).toBe('unauthenticated');
    // The provider now resolves that kid to another key: the remembered token is verified again.
    keySet = async () => other.publicKey;
    expect(await kindOf(verify(token))).toBe('unauthenticated');
    // The provider unreachable: as before any token was remembered.
    keySet = current;
    expect(await kindOf(verify(token))).toBe('ok');
    keySet = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    expect(await kindOf(verify(token))).toBe('unavailable');
  });

  it('knows the manager and billing_admin roles (a customer claim on them is ignored)', async () => {
    const verify = createTokenVerifier({ ...OPTIONS, jwksUrl }, GOOD);
    for (const role of ['manager', 'billing_admin'] as const) {
      const token = await sign({ sub: 'u2', tenant: 't1', role, customer: 'c1' });
      expect(await verify(token)).toEqual({ subject: 'u2', tenant: 't1', role });
    }
  });

  it('rejects bad tokens and bad claims as unauthenticated', async () => {
    const verify = createTokenVerifier({ ...OPTIONS, jwksUrl }, GOOD);
    expect(await kindOf(verify('garbage'))).toBe('unauthenticated');
    expect(await kindOf(verify(await sign({ sub: 'u', tenant: 't', role: 'agent' }, 'other')))).toBe(
      'unauthenticated',
    );
    expect(await kindOf(verify(await sign({ sub: 'u', tenant: 't', role: 'customer' })))).toBe(
      'unauthenticated',
    );
    expect(await kindOf(verify(await sign({ sub: 'u', tenant: 't', role: 'root' })))).toBe('unauthenticated');
  });

  it('reports an unreachable identity provider as unavailable', async () => {
    const verify = createTokenVerifier({ ...OPTIONS, jwksUrl: 'http://127.0.0.1:9/jwks' }, GOOD);
    expect(await kindOf(verify(await sign({ sub: 'u', tenant: 't', role: 'agent' })))).toBe('unavailable');
  });

  it('keeps verifying from cached keys while the identity provider is down; jwks-no-cache does not', async () => {
    let down = false;
    let fetches = 0;
    const flaky = createServer((req, res) => {
      if (down) {
        req.socket.destroy();
        return;
      }
      fetches++;
      server.emit('request', req, res);
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/jwks`;
      const good = createTokenVerifier({ ...OPTIONS, jwksUrl: url }, GOOD);
      const uncached = createTokenVerifier({ ...OPTIONS, jwksUrl: url }, selectDefects('jwks-no-cache'));
      const token = await sign({ sub: 'u', tenant: 't', role: 'agent' });
      expect([await kindOf(good(token)), await kindOf(uncached(token))]).toEqual(['ok', 'ok']);
      expect(await kindOf(good(token))).toBe('ok');
      expect(fetches).toBe(2);
      down = true;
      expect(await kindOf(good(token))).toBe('ok');
      expect(await kindOf(uncached(token))).toBe('unavailable');
      // Past jose's 10-minute cache the refresh fails: the keys held still verify, and the
      // provider is not asked again on every call.
      let attempts = 0;
      flaky.on('connection', () => attempts++);
      const now = Date.now();
      const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 11 * 60_000);
      try {
        expect(await kindOf(good(token))).toBe('ok');
        expect(await kindOf(good(token))).toBe('ok');
        expect(attempts).toBe(1);
        expect(await kindOf(good(await sign({ sub: 'u', tenant: 't', role: 'root' })))).toBe(
          'unauthenticated',
        );
      } finally {
        clock.mockRestore();
      }
    } finally {
      flaky.closeAllConnections();
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
    }
  });

  it('extracts bearer tokens', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
