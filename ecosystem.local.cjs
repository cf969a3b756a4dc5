// PM2 apps of the owner's laptop: the approval executor, git sync and the dashboard merge.
const { localApps } = require('./scripts/pm2-apps.cjs');

module.exports = { apps: localApps() };
