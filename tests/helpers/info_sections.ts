/**
 * Valkey 8.1's INFO section names (the `# Name` headers), in the order the server prints them: one list
 * for the integration files that check INFO's sections and fields.
 *
 * @module
 */

/** What `INFO all` prints (and `INFO everything`, before the sections of loaded modules). */
export const INFO_ALL_SECTIONS: readonly string[] = [
  "Server",
  "Clients",
  "Memory",
  "Persistence",
  "Stats",
  "Replication",
  "CPU",
  "Modules",
  "Commandstats",
  "Errorstats",
  "Latencystats",
  "Cluster",
  "Keyspace",
];

/** What `INFO` and `INFO default` print: all of them but Commandstats and Latencystats. */
export const INFO_DEFAULT_SECTIONS: readonly string[] = INFO_ALL_SECTIONS.filter(
  (s) => s !== "Commandstats" && s !== "Latencystats",
);
