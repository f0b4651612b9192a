import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Defects } from '../defects/index.ts';
import { type Principal, ROLES } from '../domain.ts';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** `unauthenticated`: the caller's fault (401). `unavailable`: the identity provider's (503). */
  readonly kind: 'unauthenticated' | 'unavailable';
  constructor(kind: 'unauthenticated' | 'unavailable', message: string) {
    super(message);
    this.kind = kind;
  }
}

const ClaimsSchema = z
  .object({
    sub: z.string().min(1),
    tenant: z.string().min(1),
    role: z.enum(ROLES),
    customer: z.string().min(1).optional(),
  })
  .refine((claims) => claims.role !== 'customer' || claims.customer !== undefined, {
    message: 'role customer requires a customer claim',
  });

// jose codes that mean "this token is bad". Anything else while verifying (JWKS fetch timeout,
// network error, a JWKS endpoint answering garbage) is the identity provider failing, not the caller.
const TOKEN_ERROR_CODES = new Set<string>([
  errors.JWTClaimValidationFailed.code,
  errors.JWTExpired.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JWKInvalid.code,
]);

export interface VerifierOptions {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

const isTokenError = (error: unknown): boolean =>
  error instanceof errors.JOSEError && TOKEN_ERROR_CODES.has(error.code);

/** After a failed refresh, how long the keys already held are used before the provider is asked again. */
const STALE_RETRY_MS = 30_000;

/**
 * The provider's keys, fetched once and cached. jose refreshes its copy once it is 10 minutes
 * old and fails the verification when that refresh fails; but the keys it held are still the
 * provider's keys, so an identity outage that outlasts the cache keeps verifying with them (and
 * asks again every 30 s, not on every call: a hung endpoint would cost each call 2 s).
 */
function cachedKeySet(url: URL): JWTVerifyGetKey {
  // The 2 s fetch budget keeps a hung JWKS endpoint from holding requests.
  const remote = createRemoteJWKSet(url, { timeoutDuration: 2000 });
  let staleUntil = 0;
  return async (protectedHeader, token) => {
    const held = remote.jwks();
    if (held !== undefined && Date.now() < staleUntil) return createLocalJWKSet(held)(protectedHeader, token);
    try {
      return await remote(protectedHeader, token);
    } catch (error) {
      const stale = remote.jwks();
      if (stale === undefined || isTokenError(error)) throw error;
      staleUntil = Date.now() + STALE_RETRY_MS;
      return createLocalJWKSet(stale)(protectedHeader, token);
    }
  };
}

/** Tokens verified and remembered at most (an agent reuses its token for every call). */
const VERIFIED_TOKENS_MAX = 10_000;

interface Verified {
  readonly principal: Principal;
  /** The key the signature was checked with, and what the key set resolved it from. */
  readonly key: unknown;
  readonly header: Parameters<JWTVerifyGetKey>[0];
  readonly input: Parameters<JWTVerifyGetKey>[1];
  /** The token's `exp`, in ms. */
  readonly expiresAtMs: number;
}

/**
 * Whether `token` is signed with `key` still: the key set resolves the token's key again (an
 * identity outage with DEFECT=jwks-no-cache fails here as it did before, and a key the provider
 * has withdrawn resolves no more). False on any failure: the caller then verifies in full.
 */
async function stillSignedWith(jwks: JWTVerifyGetKey, known: Verified): Promise<boolean> {
  try {
    return (await jwks(known.header, known.input)) === known.key;
  } catch {
    return false;
  }
}

export function createTokenVerifier(
  options: VerifierOptions,
  defects: Pick<Defects, 'keySet'>,
): TokenVerifier {
  const jwks = defects.keySet(() => cachedKeySet(new URL(options.jwksUrl)));
  // An agent sends the same token on every call, and checking its ES256 signature again each
  // time was a tenth of the CPU of a cache-hit call (`npm run bench:server`, profiled). A token
  // whose signature was checked, still before its `exp`, whose key the key set still resolves
  // to the same key, is the same valid token: its principal is remembered. Nothing is weakened:
  // the same token string, the same key, the claims already validated; no expiry is stretched.
  const verified = new LRUCache<string, Verified>({ max: VERIFIED_TOKENS_MAX });
  return async (token) => {
    const known = verified.get(token);
    if (known !== undefined) {
      if (Date.now() < known.expiresAtMs && (await stillSignedWith(jwks, known))) {
        return known.principal;
      }
      verified.delete(token);
    }
    let payload: { exp?: unknown };
    let resolved: Pick<Verified, 'key' | 'header' | 'input'> | undefined;
    const resolveKey: JWTVerifyGetKey = async (header, input) => {
      const key = await jwks(header, input);
      resolved = { key, header, input };
      return key;
    };
    try {
      ({ payload } = await jwtVerify(token, resolveKey, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['ES256', 'RS256'],
        // Small skew between the identity provider's clock and ours must not reject fresh tokens.
        clockTolerance: 5,
      }));
    } catch (error) {
      if (isTokenError(error)) {
        throw new AuthError('unauthenticated', 'invalid token');
      }
      throw new AuthError('unavailable', 'identity provider unreachable');
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) throw new AuthError('unauthenticated', 'token claims are missing or invalid');
    const { sub, tenant, role, customer } = claims.data;
    const principal: Principal =
      role === 'customer' ? { subject: sub, tenant, role, customer } : { subject: sub, tenant, role };
    // A token without `exp` never expires: it is verified in full every time rather than kept.
    if (typeof payload.exp === 'number' && resolved !== undefined) {
      verified.set(token, { principal, ...resolved, expiresAtMs: payload.exp * 1000 });
    }
    return principal;
  };
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
