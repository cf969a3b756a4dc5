import { beginMarker, endMarker } from './sections.js';

const section = (name: string, body: string) => `${beginMarker(name)}\n${body}\n${endMarker(name)}`;

/**
 * A new Dashboard.md with the merge's sections in place. The skeleton's first template (no markers) is
 * replaced by this one when it was never edited; an edited page keeps its text and gets the sections appended.
 */
export const DASHBOARD_WITH_MARKERS = `# Dashboard

This page is written by the **local** machine only (\`ai-employee dashboard\`). It rewrites only the parts
between \`ai-employee:begin\` and \`ai-employee:end\` markers: write your own notes anywhere outside them.

${section('state', '## State\n\n_No merge yet._')}

${section('approvals', '## Pending approvals\n\n_None._')}

${section('alerts', '## Alerts\n\n_None._')}

${section('updates', '## Recent updates\n\n_None._')}

${section('merged', '<!-- update files merged into this page -->')}
`;
