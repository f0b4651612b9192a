import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { z } from 'zod';
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

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  // jose caches keys (10 min) so an identity outage only hurts once the cache expires or a new
  // key id appears; the 2 s fetch budget keeps a hung JWKS endpoint from holding requests.
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 2000 });
  return async (token) => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['ES256', 'RS256'],
        // Small skew between the identity provider's clock and ours must not reject fresh tokens.
        clockTolerance: 5,
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError && TOKEN_ERROR_CODES.has(error.code)) {
        throw new AuthError('unauthenticated', 'invalid token');
      }
      throw new AuthError('unavailable', 'identity provider unreachable');
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) throw new AuthError('unauthenticated', 'token claims are missing or invalid');
    const { sub, tenant, role, customer } = claims.data;
    return role === 'customer' ? { subject: sub, tenant, role, customer } : { subject: sub, tenant, role };
  };
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
