/** Versions Valkyr reports. Valkey 8.1 reports `redis_version:7.2.4` for clients that check it. */
export const VALKYR_VERSION = "0.1.0";
export const VALKEY_VERSION = "8.1.1";
export const REDIS_COMPAT_VERSION = "7.2.4";
