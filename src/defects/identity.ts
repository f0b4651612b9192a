import type { JWTVerifyGetKey } from 'jose';

/**
 * jwks-no-cache: a new remote key set per verification (createRemoteJWKSet called inside the
 * request handler), so every call fetches the JWKS and an identity outage fails every call at
 * once instead of only once the cached keys expire.
 */
export const keySetPerCall =
  (create: () => JWTVerifyGetKey): JWTVerifyGetKey =>
  (protectedHeader, token) =>
    create()(protectedHeader, token);
