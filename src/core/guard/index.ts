/** The security guard (DESIGN §6): blocks secrets from the vault by file name and by content. */
export { scanPaths, DEFAULT_CHUNK_BYTES, DEFAULT_CONCURRENCY } from './scan.js';
export { ALLOWED_BINARY_TYPES, ALLOWED_BINARY_EXTENSIONS } from './binary-types.js';
export { UNSCANNABLE_RULES } from './unscannable.js';
export { scanContent } from './scan-content.js';
export { formatGuardReport, formatGuardHit } from './format.js';
export { guardAlertMarkdown } from './alert.js';
export { GUARD_RULES, NAME_RULES, CONTENT_RULES, POLICY_NAME_RULE_ID } from './rules.js';
export { compileGlob } from './glob.js';
export type {
  GuardHit,
  GuardHitKind,
  GuardReport,
  GuardRule,
  GuardRuleKind,
  GuardSkip,
  GuardSkipReason,
  NameRule,
  ContentRule,
  ScanOptions,
} from './types.js';
