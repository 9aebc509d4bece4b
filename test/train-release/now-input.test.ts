import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/core/errors.ts";
import { parseInstant } from "../../src/train-release/now-input.ts";

const LABEL = "train: --now";
const instants = fc.date({
  min: new Date("1970-01-01T00:00:00Z"),
  max: new Date("9998-12-31T23:59:59Z"),
  noInvalidDate: true,
});

describe("the moment to plan for (--now, input 'now')", () => {
  it("refuses a time without Z or an offset, naming the option and a valid example", () => {
    expect(() => parseInstant("2026-12-01T16:00", LABEL)).toThrow(ConfigurationError);
    expect(() => parseInstant("2026-12-01T16:00", LABEL)).toThrow(
      "train: --now is '2026-12-01T16:00', which has no offset and would be read in this machine's time zone; add Z or an offset, e.g. 2026-12-01T16:00Z or 2026-12-01T16:00+01:00",
    );
  });

  it("reads Z and offsets as the instants they name", () => {
    expect(parseInstant("2026-12-01T16:00Z", LABEL).toISOString()).toBe("2026-12-01T16:00:00.000Z");
    expect(parseInstant("2026-12-01T17:00:00+01:00", LABEL).toISOString()).toBe(
      "2026-12-01T16:00:00.000Z",
    );
  });

  it.each(["tuesday", "2026-12-01", "2026-02-30T16:00Z", "2026-12-01T16:00+0100", "1764604800"])(
    "refuses %j with an ISO example",
    (text) => {
      expect(() => parseInstant(text, "input 'now'")).toThrow(
        `input 'now' is '${text}'; use an ISO time with Z or an offset, e.g. 2026-12-01T16:00:00Z`,
      );
    },
  );

  it("round-trips every instant written in UTC or with an offset", () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: -14 * 60, max: 14 * 60 }), (instant, minutes) => {
        expect(parseInstant(instant.toISOString(), LABEL).getTime()).toBe(instant.getTime());
        const shifted = new Date(instant.getTime() + minutes * 60_000).toISOString().slice(0, 23);
        const sign = minutes < 0 ? "-" : "+";
        const offset = `${sign}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, "0")}:${String(Math.abs(minutes) % 60).padStart(2, "0")}`;
        expect(parseInstant(`${shifted}${offset}`, LABEL).getTime()).toBe(instant.getTime());
      }),
    );
  });

  it("never reads a time without an offset", () => {
    fc.assert(
      fc.property(instants, (instant) => {
        const local = instant.toISOString().slice(0, 19);
        expect(() => parseInstant(local, LABEL)).toThrow(/has no offset/);
      }),
    );
  });
});
