import { gmailDriver } from './watch-driver-gmail.js';
import { graphDriver } from './watch-driver-graph.js';
import { inboxDriver } from './watch-driver-inbox.js';
import { twitterDriver } from './watch-driver-twitter.js';
import type { WatchDriver } from './watch-driver-types.js';

export type { WatchDriver, WatchHandle } from './watch-driver-types.js';

/** Every watcher's driver (one file each), for the contract suite. */
export const WATCH_DRIVERS: WatchDriver[] = [
  gmailDriver,
  twitterDriver,
  graphDriver('facebook'),
  graphDriver('instagram'),
  inboxDriver,
];
