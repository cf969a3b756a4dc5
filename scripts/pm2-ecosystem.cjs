// Starts or stops the apps of an ecosystem file through PM2's programmatic API.
// Why not `pm2 start ecosystem.cloud.cjs`: the PM2 CLI recognises ecosystem files only by the names
// *.config.js/.cjs/.mjs, .json and .yml; any other .cjs it runs as a plain script. Usage:
//   node scripts/pm2-ecosystem.cjs start|stop <ecosystem file>
const path = require('node:path');
const pm2 = require('pm2');

const [action, file] = process.argv.slice(2);
if (!['start', 'stop'].includes(action) || !file) {
  process.stderr.write('usage: node scripts/pm2-ecosystem.cjs start|stop <ecosystem file>\n');
  process.exit(2);
}
const { apps } = require(path.resolve(file));

function each(fn, done) {
  let i = 0;
  const next = (err) => {
    if (err) return done(err);
    if (i >= apps.length) return done();
    fn(apps[i++], next);
  };
  next();
}

pm2.connect((err) => {
  if (err) {
    process.stderr.write(`pm2: ${err.message}\n`);
    process.exit(1);
  }
  const run =
    action === 'start'
      ? (app, cb) => pm2.start(app, (e) => cb(e))
      : // A missing app is fine when stopping: the goal is "not running".
        (app, cb) => pm2.delete(app.name, () => cb());
  each(run, (e) => {
    pm2.disconnect();
    if (e) {
      process.stderr.write(`pm2 ${action} failed: ${e.message || e}\n`);
      process.exit(1);
    }
    process.stdout.write(`${action === 'start' ? 'started' : 'stopped'}: ${apps.map((a) => a.name).join(', ')}\n`);
  });
});
