export interface Figure {
  name: string;
  value: number;
  unit: string;
  direction: "smaller" | "bigger";
}
/** The figures of a `npm run bench` log, each named after its script. */
export function figuresOf(log: string): Figure[];
