/** The billing month of forecasts and break-even: 30 days (providers bill by the day; GPUs by the hour). */
export const DAYS_PER_MONTH = 30;

/** GPU hours in that month for a replica that runs all of it. */
export const HOURS_PER_MONTH = DAYS_PER_MONTH * 24;
