import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTrainConfig } from "../../src/train-release/config.ts";
import {
  decideSchedule,
  isoWeek,
  latestSlot,
  localToInstant,
  type Schedule,
  slotAt,
} from "../../src/train-release/schedule.ts";

const fortnightly: Schedule = {
  anchor: "2026-05-05",
  periodDays: 14,
  at: "16:00",
  timezone: "UTC",
  catchUpMs: 2 * 86_400_000,
  freeze: [],
};

const at = (iso: string) => new Date(iso);

describe("slots (scenario 1)", () => {
  it("sends one train at New Year 2026/27 where odd ISO weeks send two back to back", () => {
    // The old rule: both dates fall in odd ISO weeks (53 and 1).
    expect(isoWeek("2026-12-29") % 2).toBe(1);
    expect(isoWeek("2027-01-05") % 2).toBe(1);
    const december = decideSchedule(fortnightly, at("2026-12-29T16:05:00Z"));
    const january = decideSchedule(fortnightly, at("2027-01-05T16:05:00Z"));
    expect(december).toMatchObject({
      due: true,
      reason: "scheduled",
      slot: { date: "2026-12-29" },
    });
    expect(january).toMatchObject({ due: false, reason: "missed", slot: { date: "2026-12-29" } });
    expect(decideSchedule(fortnightly, at("2027-01-12T16:05:00Z"))).toMatchObject({
      due: true,
      slot: { date: "2027-01-12" },
    });
  });

  it("counts weeks 08 and 09 like any other week", () => {
    const weekly = { ...fortnightly, anchor: "2026-01-06", periodDays: 7 };
    expect(isoWeek("2026-02-17")).toBe(8);
    expect(isoWeek("2026-02-24")).toBe(9);
    for (const date of ["2026-02-17", "2026-02-24", "2026-03-03"]) {
      expect(decideSchedule(weekly, at(`${date}T16:01:00Z`))).toMatchObject({
        due: true,
        slot: { date },
      });
    }
    const config = parseTrainConfig(
      ".github/train.yml",
      "schedule:\n  anchor: 2026-02-09\n  every: 7d\n  at: 09:08\n",
    );
    expect(config.schedule).toMatchObject({ anchor: "2026-02-09", at: "09:08" });
  });

  it("keeps a constant spacing between departures over any span of slots", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom(7, 14, 21),
        (index, periodDays) => {
          const schedule = { ...fortnightly, periodDays };
          const gap =
            slotAt(schedule, index + 1).departsAt.getTime() -
            slotAt(schedule, index).departsAt.getTime();
          expect(gap).toBe(periodDays * 86_400_000);
          const slot = latestSlot(
            schedule,
            new Date(slotAt(schedule, index).departsAt.getTime() + 1000),
          );
          expect(slot?.index).toBe(index);
        },
      ),
    );
  });

  it("is not due before the anchor", () => {
    expect(decideSchedule(fortnightly, at("2026-05-01T00:00:00Z"))).toMatchObject({
      due: false,
      reason: "not-due",
      next: { date: "2026-05-05" },
    });
  });
});

describe("catch-up (scenario 2)", () => {
  it("departs a late run as the slot it missed, not as now", () => {
    const decision = decideSchedule(fortnightly, at("2026-12-02T03:00:00Z"));
    expect(decision).toMatchObject({
      due: true,
      reason: "caught-up",
      slot: { date: "2026-12-01" },
    });
  });

  it("treats a run minutes late as on time", () => {
    expect(decideSchedule(fortnightly, at("2026-12-01T16:20:00Z"))).toMatchObject({
      due: true,
      reason: "scheduled",
    });
  });

  it("reports a slot as missed once the catch-up window has passed", () => {
    expect(decideSchedule(fortnightly, at("2026-12-04T16:00:01Z"))).toMatchObject({
      due: false,
      reason: "missed",
      slot: { date: "2026-12-01" },
      next: { date: "2026-12-15" },
    });
  });
});

describe("several fires for one slot (scenario 3)", () => {
  it("names the same slot for every cron line that fires inside the window", () => {
    const fires = ["2026-12-01T16:00:00Z", "2026-12-01T16:30:00Z", "2026-12-01T22:00:00Z"];
    const slots = fires.map((fire) => decideSchedule(fortnightly, at(fire)));
    expect(new Set(slots.map((decision) => decision.slot?.date))).toEqual(new Set(["2026-12-01"]));
  });
});

describe("freeze windows (scenario 4)", () => {
  it("skips a frozen slot and says so, and the next slot departs", () => {
    const frozen = { ...fortnightly, freeze: [{ from: "2026-12-21", to: "2027-01-03" }] };
    expect(decideSchedule(frozen, at("2026-12-29T16:05:00Z"))).toMatchObject({
      due: false,
      reason: "frozen",
      slot: { date: "2026-12-29" },
      next: { date: "2027-01-12" },
    });
    expect(decideSchedule(frozen, at("2027-01-12T16:05:00Z"))).toMatchObject({ due: true });
  });

  it("keeps calling a frozen slot frozen after its catch-up window, never missed", () => {
    const frozen = { ...fortnightly, freeze: [{ from: "2026-12-21", to: "2027-01-03" }] };
    expect(decideSchedule(frozen, at("2027-01-04T09:00:00Z"))).toMatchObject({
      due: false,
      reason: "frozen",
      slot: { date: "2026-12-29" },
      next: { date: "2027-01-12" },
    });
  });
});

describe("time zones (scenario 5)", () => {
  const berlin = { ...fortnightly, timezone: "Europe/Berlin", anchor: "2026-03-17" };

  it("departs at the local time on both sides of a daylight-saving change", () => {
    expect(slotAt(berlin, 0).departsAt.toISOString()).toBe("2026-03-17T15:00:00.000Z");
    expect(slotAt(berlin, 1).departsAt.toISOString()).toBe("2026-03-31T14:00:00.000Z");
  });

  it("gives both fires of a daylight-saving double cron the same slot", () => {
    // Cron in UTC cannot follow DST, so workflows list 14:00 and 15:00 UTC; both land in one slot.
    const early = decideSchedule(berlin, at("2026-03-31T14:00:00Z"));
    const late = decideSchedule(berlin, at("2026-03-31T15:00:00Z"));
    expect(early).toMatchObject({ due: true, slot: { date: "2026-03-31" } });
    expect(late).toMatchObject({ due: true, slot: { date: "2026-03-31" } });
  });

  it("moves a departure inside a skipped hour forward instead of losing it", () => {
    expect(localToInstant("2026-03-29", "02:30", "Europe/Berlin").toISOString()).toBe(
      "2026-03-29T01:30:00.000Z",
    );
  });
});

describe("repeated local hours", () => {
  it("takes the first occurrence of a time that happens twice", () => {
    expect(localToInstant("2026-10-25", "02:30", "Europe/Berlin").toISOString()).toBe(
      "2026-10-25T00:30:00.000Z",
    );
  });
});
