import { describe, expect, it } from 'vitest';
import { checkLoopbackPort } from './ports.ts';

describe('checkLoopbackPort', () => {
  it('binds 127.0.0.1:0 here', async () => {
    const result = await checkLoopbackPort();
    expect(result.status).toBe('ok');
    expect(result.detail).toMatch(/^127\.0\.0\.1:0 binds \(got port [1-9]\d*\)$/);
  });

  it('is broken, blocking both runtimes, when binding fails', async () => {
    const result = await checkLoopbackPort(() =>
      Promise.reject(new Error('listen EACCES: permission denied')),
    );
    expect(result).toMatchObject({ status: 'broken', blocks: ['local', 'containers'] });
    expect(result.detail).toContain('EACCES');
  });
});
