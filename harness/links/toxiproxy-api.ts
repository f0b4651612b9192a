import { Toxiproxy } from 'toxiproxy-node-client';
import { HarnessError } from '../errors.ts';

/**
 * A toxiproxy-node-client whose failures keep Toxiproxy's own error message. The client's
 * HttpClient throws "Request failed with status code 409" and drops the body, which is where
 * Toxiproxy says what is wrong ("proxy already exists", "toxic type not found", "address in use").
 * Its fetch step is private in the typings, so it is replaced on this one instance only.
 */
export function toxiproxyClient(url: string): Toxiproxy {
  const client = new Toxiproxy(url);
  Object.defineProperty(client.api, 'doFetch', {
    value: async (target: string, init: RequestInit): Promise<Response> => {
      let response: Response;
      try {
        response = await fetch(target, { ...init, signal: AbortSignal.timeout(10_000) });
      } catch (error) {
        throw new HarnessError(
          'TOXIPROXY_API',
          `Toxiproxy API at ${url} did not answer ${init.method ?? 'GET'} ${target}: ${(error as Error).message}. ` +
            'Is toxiproxy-server still running?',
          { cause: error },
        );
      }
      if (!response.ok) {
        const body = await response.text().catch(() => '');
        let message = body;
        try {
          message = (JSON.parse(body) as { error?: string }).error ?? body;
        } catch {
          // Not JSON: keep the raw body.
        }
        throw new HarnessError(
          'TOXIPROXY_API',
          `Toxiproxy refused ${init.method ?? 'GET'} ${new URL(target).pathname} (HTTP ${response.status}): ${message}`,
        );
      }
      return response;
    },
  });
  return client;
}
