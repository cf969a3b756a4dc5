/** The files a new vault starts with. Humans edit them in Obsidian; `init` never overwrites them. */

export const DASHBOARD_TEMPLATE = `# Dashboard

This page is written by the **local** machine only. Updates from the cloud machine arrive in \`Updates/\`
and are merged here.

## State

_No updates merged yet._

## Pending approvals

_None._

## Alerts

_None._
`;

export const HANDBOOK_TEMPLATE = `# Company Handbook

Rules the AI employee follows. Edit them freely: agents read this file before they act.

## Tone
- Be polite and brief. Sign emails with the company name.

## Always ask first
- Every email, public reply, invoice posting and payment needs the owner's approval
  (a file in \`Pending_Approval/\`, approved by moving it to \`Approved/\`).
- Never promise prices, discounts or deadlines that are not written here.

## Money
- Invoices are created as drafts only; the owner approves posting.
- Payments over 500 (any currency) need a phone call with the owner before approval.
`;

/**
 * The vault's own .gitignore: keeps secrets, sessions and our temp files out of git, so that sync never
 * commits them even if the security guard were bypassed.
 */
export const VAULT_GITIGNORE = `# Secrets never enter the vault's history.
.env
.env.*
*.pem
*.key
*.p12
*.pfx
credentials.json
token.json
client_secret*.json
*_session/
.whatsapp_session
# Temp files of durable writes and claims in flight.
.tmp-*
.claiming-*
# Obsidian's per-device state.
.obsidian/workspace*.json
.trash/
`;
