/** Product limits on what a recipient may publish: generous for people, tight enough to stop abuse. Ours. */
export const MAPPING_LIMITS = {
  labelMaxLength: 40,
  maxEntries: 10,
  maxTagsPerEntry: 8,
  tagMaxLength: 32,
  maxAudienceMsps: 20,
  maxContextTags: 8,
  maxSelectors: 500,
  defaultTtlDays: 365,
} as const;

export const SUGGESTED_TAGS = ["Personal", "Business", "Default", "Family", "Friends"] as const;
