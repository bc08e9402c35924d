import chineseDays from 'chinese-days';
import { addDays } from '../common/dates.js';

/** `official`: every day counted is in the shipped State Council data; `weekdays_only`: some year is not, Monday–Friday was used there. */
export type CalendarKind = 'official' | 'weekdays_only';

export interface WorkdaysResult {
  from: string;
  days: number;
  date: string;
  calendar: CalendarKind;
}

const coverage = new Map<number, boolean>();

/**
 * Whether the shipped data (the `chinese-days` package, from the State
 * Council's yearly 放假安排 notices) has this year: a published year always
 * has holidays on weekdays, an unpublished one has none.
 */
export function yearCovered(year: number): boolean {
  let covered = coverage.get(year);
  if (covered === undefined) {
    covered = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    coverage.set(year, covered);
  }
  return covered;
}

/** A working day: by the official calendar (holidays off, 调休 weekend days on) where the year is covered, else Monday–Friday. */
export function isWorkday(date: string): boolean {
  if (yearCovered(Number(date.slice(0, 4)))) return chineseDays.isWorkday(date);
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The `days`-th working day after `from` (`from` itself is not counted, as a
 * time limit starts the day after its event). `days` ≥ 1.
 */
export function addWorkdays(from: string, days: number): WorkdaysResult {
  if (!Number.isInteger(days) || days < 1) throw new RangeError('days must be a whole number ≥ 1');
  let date = from;
  let left = days;
  let official = yearCovered(Number(from.slice(0, 4)));
  while (left > 0) {
    date = addDays(date, 1);
    if (!yearCovered(Number(date.slice(0, 4)))) official = false;
    if (isWorkday(date)) left -= 1;
  }
  return { from, days, date, calendar: official ? 'official' : 'weekdays_only' };
}
