// PM2 apps of the cloud VM (DESIGN §7). Start with `scripts/cloud/start_cloud_stack.sh` (guard first).
// Every app runs as the cloud role, draft-only; secrets come from the environment of the `pm2 start` call
// (an env file sourced by the start script), never from this file or the vault.
const { cloudApps } = require('./scripts/pm2-apps.cjs');

module.exports = { apps: cloudApps() };
