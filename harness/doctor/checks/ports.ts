import { freePort } from '../../runtime/ports.ts';
import type { CheckResult } from '../schema.ts';

/** Every runtime listens on loopback ports the OS hands out: 127.0.0.1:0 must bind. */
export async function checkLoopbackPort(
  bind: () => Promise<number> = () => freePort(),
): Promise<CheckResult> {
  try {
    const port = await bind();
    return {
      id: 'loopback-ports',
      status: 'ok',
      detail: `127.0.0.1:0 binds (got port ${port})`,
      fix: null,
      blocks: [],
    };
  } catch (error) {
    return {
      id: 'loopback-ports',
      status: 'broken',
      detail: `cannot bind 127.0.0.1:0: ${(error as Error).message}`,
      fix: 'bring the loopback interface up (ip link set lo up) or lift the sandbox that forbids listening',
      blocks: ['local', 'containers'],
    };
  }
}
