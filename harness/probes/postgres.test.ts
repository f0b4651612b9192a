import { describe, expect, it } from 'vitest';
import { connectionValues, PROBE_APPLICATION_NAME, probeUrl } from './postgres.ts';

describe('connectionValues', () => {
  it('totals by application_name and by application_name and state; the probe counts apart', () => {
    const rows = [
      { application_name: 'mcp-reference-server/b1', state: 'idle', connections: 7 },
      { application_name: 'mcp-reference-server/b1', state: 'active', connections: 2 },
      { application_name: 'mcp-reference-server/b1', state: 'idle in transaction', connections: 1 },
      { application_name: PROBE_APPLICATION_NAME, state: 'active', connections: 1 },
      { application_name: '', state: 'idle', connections: 1 },
    ];
    expect(connectionValues(rows, 200)).toEqual({
      pg_connections: 12,
      pg_max_connections: 200,
      'pg_connections{application_name="mcp-reference-server/b1"}': 10,
      'pg_connections{application_name="mcp-reference-server/b1",state="idle"}': 7,
      'pg_connections{application_name="mcp-reference-server/b1",state="active"}': 2,
      'pg_connections{application_name="mcp-reference-server/b1",state="idle in transaction"}': 1,
      'pg_connections{application_name="mcp-chaos-probe"}': 1,
      'pg_connections{application_name="mcp-chaos-probe",state="active"}': 1,
      'pg_connections{application_name=""}': 1,
      'pg_connections{application_name="",state="idle"}': 1,
    });
  });
});

describe('probeUrl', () => {
  it("points at the maintenance database with the probe's application_name, credentials kept", () => {
    const url = new URL(probeUrl('postgres://postgres:s3cret@127.0.0.1:5433/reference?sslmode=disable'));
    expect(url.pathname).toBe('/postgres');
    expect(url.searchParams.get('application_name')).toBe('mcp-chaos-probe');
    expect(url.searchParams.get('sslmode')).toBe('disable');
    expect([url.username, url.password, url.host]).toEqual(['postgres', 's3cret', '127.0.0.1:5433']);
  });
});
