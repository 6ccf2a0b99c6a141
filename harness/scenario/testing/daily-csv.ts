/**
 * Test support: the `csv:` market source of a scenario over a daily bar file with columns date,
 * open, high, low, close (instrument X, 2 price decimals, UTC days, reject policy), as YAML lines
 * indented for `market:`.
 */
export function dailyBarsCsvYaml(file: string): string {
  return `  csv:
    file: ${file}
    instrumentId: X
    dataType: bar
    priceDecimals: 2
    time: { format: date, column: date, calendar: UTC_24H }
    columns: { open: open, high: high, low: low, close: close }
    barInterval: 1d
    badRows: reject`;
}
