import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, bearerToken, createTokenVerifier } from './jwt.ts';

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
    const verify = createTokenVerifier({ ...OPTIONS, jwksUrl });
    const token = await sign({ sub: 'u1', tenant: 't1', role: 'customer', customer: 'c1' });
    expect(await verify(token)).toEqual({ subject: 'u1', tenant: 't1', role: 'customer', customer: 'c1' });
  });

  it('rejects bad tokens and bad claims as unauthenticated', async () => {
    const verify = createTokenVerifier({ ...OPTIONS, jwksUrl });
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
    const verify = createTokenVerifier({ ...OPTIONS, jwksUrl: 'http://127.0.0.1:9/jwks' });
    expect(await kindOf(verify(await sign({ sub: 'u', tenant: 't', role: 'agent' })))).toBe('unavailable');
  });

  it('extracts bearer tokens', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
