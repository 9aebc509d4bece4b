import type { JsonSchema } from "../core/config.ts";

/**
 * The JSON Schema of `.github/train.yml`. A property's `description` is what messages quote as a
 * valid value; the checks the schema cannot express (a real calendar date, whole days, an IANA
 * zone, template placeholders) are in `config.ts`.
 */
const STRING_OR_LIST = {
  type: ["array", "string"],
  items: { type: "string", minLength: 1 },
} as const;

const GLOBS = {
  type: ["array", "string"],
  items: { type: "string", format: "glob" },
  description: "a glob or a list of globs such as examples/**",
} as const;

const TEMPLATE = {
  type: "string",
  minLength: 1,
  description: "text with placeholders such as {version}, {tag}, {name} or {slot}",
} as const;

export const COMPONENT_KINDS = ["crate", "example", "package", "group"] as const;

const IDENTITY = {
  type: "object",
  additionalProperties: false,
  required: ["name", "email"],
  properties: {
    name: { type: "string", minLength: 1 },
    email: { type: "string", pattern: "^[^\\s<>@]+@[^\\s<>@]+$", description: "an email address" },
  },
} as const;

export const TRAIN_SCHEMA: JsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["schedule"],
  description: "the train needs at least schedule.anchor and schedule.every",
  properties: {
    schedule: {
      type: "object",
      additionalProperties: false,
      required: ["anchor", "every"],
      properties: {
        anchor: {
          type: "string",
          pattern: "^\\d{4}-\\d{2}-\\d{2}$",
          description: "a date like 2026-05-05 (the first departure)",
        },
        every: {
          // A bare number is days, as the train always read it.
          type: ["string", "integer"],
          format: "duration",
          minimum: 1,
          maximum: 3653,
          description: "whole days or weeks such as 7d, 14d or 2w",
        },
        at: {
          type: "string",
          pattern: "^([01]\\d|2[0-3]):[0-5]\\d$",
          description: 'a 24-hour time like "16:00"',
        },
        timezone: { type: "string", minLength: 1, description: "an IANA zone such as UTC" },
        "catch-up": { type: "string", format: "duration" },
      },
    },
    freeze: {
      ...STRING_OR_LIST,
      description: "dates (2026-12-24) or ranges (2026-12-21..2027-01-03)",
    },
    "empty-train": { enum: ["skip", "always"] },
    mode: { enum: ["tag", "pull-request"] },
    "marker-prefix": {
      type: "string",
      pattern: "^[A-Za-z0-9][A-Za-z0-9._/-]*$",
      description: "a tag prefix such as train/",
    },
    "pre-1.0": { enum: ["cargo", "semver"] },
    "release-candidates": { enum: ["refuse", "next-rc", "finalize"] },
    "release-notes": { enum: ["commits", "github"] },
    bootstrap: { type: "string", minLength: 1 },
    "pending-release": { enum: ["wait", "carry"] },
    "release-name": TEMPLATE,
    "tag-message": TEMPLATE,
    changelog: { type: "boolean" },
    kinds: {
      type: "object",
      propertyNames: { enum: [...COMPONENT_KINDS] },
      additionalProperties: GLOBS,
    },
    commit: {
      type: "object",
      additionalProperties: false,
      properties: {
        subject: TEMPLATE,
        branch: TEMPLATE,
        author: IDENTITY,
        signoff: { type: "boolean" },
      },
    },
    assets: {
      type: "object",
      additionalProperties: false,
      properties: {
        attach: { enum: ["now", "later"] },
        bundles: { enum: ["optional", "required", "none"] },
      },
    },
    "wait-for": {
      type: "object",
      additionalProperties: false,
      required: ["checks"],
      properties: {
        checks: { ...STRING_OR_LIST, description: "check names or globs such as status-gate" },
        timeout: { type: "string", format: "duration" },
        "poll-interval": { type: "string", format: "duration" },
      },
    },
    components: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["path"],
        properties: {
          path: { type: "string", minLength: 1 },
          name: { type: "string", minLength: 1 },
          kind: { enum: [...COMPONENT_KINDS] },
          "tag-prefix": { type: "string" },
          skip: { type: "boolean" },
          "extra-tags": { ...STRING_OR_LIST, description: "tag templates such as v{major}" },
          assets: GLOBS,
        },
      },
    },
    "version-files": {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["path", "keys", "component"],
        properties: {
          path: { type: "string", minLength: 1 },
          keys: STRING_OR_LIST,
          component: { type: "string", minLength: 1 },
        },
      },
    },
    shared: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["paths", "affects"],
        properties: { paths: GLOBS, affects: STRING_OR_LIST },
      },
    },
    ignore: GLOBS,
    dispatch: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["workflow"],
        properties: {
          workflow: { type: "string", minLength: 1 },
          ref: { type: "string", minLength: 1 },
          "per-component": { type: "boolean" },
          inputs: {
            type: "object",
            additionalProperties: { type: ["string", "number", "boolean"] },
          },
        },
      },
    },
  },
};
