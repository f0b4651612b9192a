import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { IdentityClaims } from '../journal/records.ts';

export const ISSUER = 'mcp-chaos-identity';
export const AUDIENCE = 'mcp-reference-server';

/**
 * A JWKS identity provider for one environment: it mints ES256 bearer tokens for any identity
 * and serves the public key at /.well-known/jwks.json (the target fetches it through the
 * `target→identity` link, so that link's faults are real).
 */
export class IdentityIssuer {
  readonly #server: Server;
  readonly #privateKey: CryptoKey;
  readonly #kid: string;
  #port = 0;
  readonly host: string;

  private constructor(host: string, privateKey: CryptoKey, jwk: JWK, kid: string) {
    this.host = host;
    this.#privateKey = privateKey;
    this.#kid = kid;
    const body = JSON.stringify({ keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] });
    this.#server = createServer((request, response) => {
      if (request.method === 'GET' && request.url === '/.well-known/jwks.json') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      } else {
        response.writeHead(404).end();
      }
    });
  }

  /** Starts listening on `host` (an address Toxiproxy can reach) at a free port. */
  static async start(host: string): Promise<IdentityIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const issuer = new IdentityIssuer(host, privateKey, await exportJWK(publicKey), randomUUID().slice(0, 8));
    await new Promise<void>((resolve, reject) => {
      issuer.#server.once('error', reject);
      issuer.#server.listen(0, host, () => resolve());
    });
    const address = issuer.#server.address();
    issuer.#port = typeof address === 'object' && address ? address.port : 0;
    return issuer;
  }

  /** host:port of the JWKS server. */
  get address(): string {
    return `${this.host}:${this.#port}`;
  }

  async token(identity: IdentityClaims, ttlSeconds = 3600): Promise<string> {
    const claims: Record<string, string> = { tenant: identity.tenant, role: identity.role };
    if (identity.customer) claims.customer = identity.customer;
    return await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: this.#kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(`${identity.role}:${identity.tenant}:${identity.customer ?? randomUUID().slice(0, 6)}`)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.#privateKey);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
