import { describe, expect, it } from '@jest/globals';
import { addWorkdays, isWorkday, yearCovered } from './workdays.js';

/**
 * Hand-computed against 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04):
 * 春节 2月15日至23日放假, 2月14日(周六)、2月28日(周六)上班;
 * 中秋 9月25日至27日; 国庆 10月1日至7日放假, 9月20日(周日)、10月10日(周六)上班.
 */
describe('official working days', () => {
  it('knows the 2026 holidays and 调休 days', () => {
    expect(isWorkday('2026-02-14')).toBe(true); // Saturday, 调休
    expect(isWorkday('2026-02-16')).toBe(false); // Monday, 春节
    expect(isWorkday('2026-02-23')).toBe(false); // Monday, last day of 春节
    expect(isWorkday('2026-02-28')).toBe(true); // Saturday, 调休
    expect(isWorkday('2026-09-20')).toBe(true); // Sunday, 调休
    expect(isWorkday('2026-10-08')).toBe(true);
    expect(isWorkday('2026-10-05')).toBe(false);
    expect(isWorkday('2026-10-10')).toBe(true); // Saturday, 调休
    expect(isWorkday('2026-10-11')).toBe(false); // plain Sunday
  });

  it.each([
    // 春节 2026
    ['2026-02-13', 1, '2026-02-14'], // Fri → the 调休 Saturday
    ['2026-02-13', 2, '2026-02-24'], // then 15–23 off
    ['2026-02-12', 3, '2026-02-24'],
    ['2026-02-24', 4, '2026-02-28'], // 25, 26, 27, then the 调休 Saturday 28
    ['2026-02-24', 5, '2026-03-02'],
    // 国庆 2026
    ['2026-09-18', 1, '2026-09-20'], // Fri → the 调休 Sunday
    ['2026-09-24', 1, '2026-09-28'], // 中秋 25–27 off
    ['2026-09-30', 1, '2026-10-08'], // 1–7 off
    ['2026-09-30', 3, '2026-10-10'], // 8, 9, then the 调休 Saturday 10
    ['2026-09-30', 4, '2026-10-12'],
    ['2026-09-21', 15, '2026-10-19'],
  ])('%s + %i working days = %s (official)', (from, days, date) => {
    expect(addWorkdays(from, days)).toEqual({ from, days, date, calendar: 'official' });
  });

  it('falls back to Monday–Friday for a year the data does not cover, and says so', () => {
    expect(yearCovered(2026)).toBe(true);
    expect(yearCovered(2027)).toBe(false);
    // 2027-10-01 is a Friday: without data 国庆 is not known, the next Monday counts
    expect(addWorkdays('2027-10-01', 1)).toEqual({ from: '2027-10-01', days: 1, date: '2027-10-04', calendar: 'weekdays_only' });
    expect(addWorkdays('2027-10-01', 5)).toEqual({ from: '2027-10-01', days: 5, date: '2027-10-08', calendar: 'weekdays_only' });
    // crossing from a covered year into an uncovered one is not official either
    expect(addWorkdays('2026-12-30', 2)).toEqual({ from: '2026-12-30', days: 2, date: '2027-01-01', calendar: 'weekdays_only' });
  });

  it('rejects a count below one', () => {
    expect(() => addWorkdays('2026-06-01', 0)).toThrow(RangeError);
    expect(() => addWorkdays('2026-06-01', -2)).toThrow(RangeError);
  });
});
