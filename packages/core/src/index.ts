export { BASE62_ALPHABET, base62Length, encodeBase62, encodeBase62Fixed } from "./base62";
export { crc32, crc32Finish, crc32Start, crc32Update } from "./crc32";
export {
  DEFAULT_MAX_EXPIRY_MS,
  type ExpiryError,
  type ExpiryInput,
  type ExpiryResult,
  normalizeExpiry,
} from "./expiry";
export { ID_RANDOM_LENGTH, newId } from "./ids";
export {
  CHECKSUM_LENGTH,
  DEFAULT_BYTE_LENGTH,
  type GeneratedKey,
  generateKey,
  hashKey,
  isValidPrefix,
  KEY_PATTERN_SOURCE,
  KeyFormatError,
  isWellFormedKey,
  keyPattern,
  keyStart,
  MAX_BYTE_LENGTH,
  MAX_KEY_LENGTH,
  MAX_PREFIX_LENGTH,
  MIN_BYTE_LENGTH,
  type ParseKeyResult,
  parseKey,
  START_BODY_LENGTH,
} from "./keys";
export {
  evaluatePermissionQuery,
  isValidPermissionName,
  type PermissionQuery,
  type PermissionQueryError,
  type PermissionQueryLimits,
  type ValidatePermissionQueryResult,
  validatePermissionQuery,
} from "./permissions";
export type { RandomBytes } from "./random";
export {
  retryAfterSeconds,
  type SlidingWindowConfig,
  type SlidingWindowResult,
  type SlidingWindowState,
  slidingWindow,
} from "./ratelimit";
export {
  applyRefill,
  lastScheduledRefill,
  nextRefillAt,
  type RefillConfig,
  type RefillError,
  type RefillState,
  type ValidateRefillResult,
  validateRefill,
} from "./refill";
export {
  isWithin,
  MAX_SCOPES,
  type ParseScopeResult,
  type ParseScopesResult,
  parseScope,
  parseScopes,
  type Scope,
  satisfies,
  satisfiesAll,
} from "./scopes";
export type { Instant } from "./time";
