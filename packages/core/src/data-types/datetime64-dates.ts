import { InvalidValueError } from "../errors/errors.js";
import type { DataType } from "./data-type.js";
import { NOT_A_TIME, NUMPY_DATETIME64 } from "./numpy-time-data-types.js";

/** Milliseconds per unit, for the units that are a fixed duration. */
const UNIT_MS: Record<string, number> = {
  W: 604_800_000,
  D: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
/** Units per millisecond, for the units finer than one. */
const PER_MS: Record<string, bigint> = {
  us: 1000n,
  μs: 1000n,
  ns: 1_000_000n,
  ps: 1_000_000_000n,
  fs: 1_000_000_000_000n,
  as: 1_000_000_000_000_000n,
};
/** Date's range: ±100,000,000 days from the epoch. */
const MAX_DATE_MS = 8.64e15;

function timeUnit(dataType: DataType): { unit: string; scale: bigint } {
  const unit = dataType.configuration?.unit;
  const scale = dataType.configuration?.scale_factor;
  if (dataType.name !== NUMPY_DATETIME64 || typeof unit !== "string" || typeof scale !== "number")
    throw new InvalidValueError(`data type ${dataType.name} holds no numpy.datetime64 moments`);
  return { unit, scale: BigInt(scale) };
}

/** Floor division of bigints (toward -infinity, as NumPy converts to a coarser unit). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * The JS Date of a `numpy.datetime64` element (a count of `scale_factor` units since
 * 1970-01-01T00:00Z): undefined for NaT, for the generic unit (no moment), and outside Date's
 * range. Units finer than a millisecond are floored to one, as NumPy's `astype("M8[ms]")`.
 */
export function datetime64ToDate(value: bigint, dataType: DataType): Date | undefined {
  const { unit, scale } = timeUnit(dataType);
  if (value === NOT_A_TIME || unit === "generic") return undefined;
  const count = value * scale;
  let ms: number;
  if (unit === "Y" || unit === "M") {
    // Calendar units: Date.UTC carries months over into years.
    const n = Number(count);
    ms = unit === "Y" ? Date.UTC(1970 + n, 0, 1) : Date.UTC(1970, n, 1);
  } else if (unit in PER_MS) ms = Number(floorDiv(count, PER_MS[unit]!));
  else ms = Number(count) * UNIT_MS[unit]!;
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms) : undefined;
}

/**
 * The `numpy.datetime64` count (in the data type's unit and scale) of the moment `date`,
 * floored to the unit as NumPy converts to a coarser one; an invalid Date is NaT. A count
 * beyond int64 (a picosecond count of a date far from 1970, say) throws InvalidValueError.
 */
export function dateToDatetime64(date: Date, dataType: DataType): bigint {
  const { unit, scale } = timeUnit(dataType);
  const ms = date.getTime();
  if (Number.isNaN(ms)) return NOT_A_TIME;
  if (unit === "generic")
    throw new InvalidValueError("numpy.datetime64 of the generic unit holds no moments");
  let count: bigint;
  if (unit === "Y") count = BigInt(date.getUTCFullYear() - 1970);
  else if (unit === "M") count = BigInt((date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth());
  else if (unit in PER_MS) count = BigInt(ms) * PER_MS[unit]!;
  else count = floorDiv(BigInt(ms), BigInt(UNIT_MS[unit]!));
  const result = floorDiv(count, scale);
  // NumPy wraps around here; a count that does not fit is refused instead.
  if (result <= NOT_A_TIME || result > -(NOT_A_TIME + 1n))
    throw new InvalidValueError(
      `${date.toISOString()} is beyond numpy.datetime64's int64 range in units of ${scale === 1n ? "" : `${scale} `}${unit}`,
    );
  return result;
}
