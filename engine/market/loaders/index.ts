/** Public surface of the CSV market loaders. */
export { openCsvSource, CsvMarketSource, CsvSyntaxError, fileSourceInfo } from './csv-source.ts';
export type { CsvSourceOptions } from './csv-source.ts';
export {
  CsvMappingSchema, BarMappingSchema, TradeMappingSchema, QuoteMappingSchema, TimeSpecSchema, ColumnRefSchema, barIntervalUs,
} from './mapping.ts';
export type { CsvMapping, CsvMappingInput, BarMapping, TradeMapping, QuoteMapping, TimeSpec, ColumnRef } from './mapping.ts';
export { sharedMarketMappings, demoSp500Path, demoSp500Mapping, SHARED_FILES } from './shared-mappings.ts';
export type { SharedFileKey, SharedMappingOptions, SharedMappings, StockClose } from './shared-mappings.ts';
export { loadAll } from './load-all.ts';
export { openMarketFile, type FileSource } from './open-file.ts';
export { ParquetMarketSource, ParquetFormatError, isParquetFile } from './parquet-source.ts';
