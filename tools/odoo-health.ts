import { z } from 'zod';
import { defineTool } from './define.js';

export default defineTool({
  name: 'odoo_health',
  title: 'Odoo health',
  description: "Checks Odoo's /web/health (with the database status) and which API protocol is in use.",
  requires: ['odoo.read'],
  needs: ['odoo'],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  input: {},
  output: {
    ok: z.boolean(),
    status: z.string(),
    http_status: z.number(),
    db_server_status: z.boolean().nullable(),
    protocol: z.string(),
  },
  async run(_args, { odoo }, { progress }) {
    const client = odoo!;
    await progress(0, 2, 'Asking Odoo for its health (/web/health)');
    const health = await client.health();
    await progress(1, 2, 'Finding the API protocol in use');
    const protocol = await client.protocol();
    await progress(2, 2, `Odoo is ${health.ok ? 'healthy' : `not healthy (${health.status})`}; protocol ${protocol}`);
    return {
      ok: health.ok,
      status: health.status,
      http_status: health.httpStatus,
      db_server_status: health.dbServerStatus ?? null,
      protocol,
    };
  },
});
