/**
 * Opens a declared market file with the loader its name calls for: a `.parquet` file with the
 * Parquet loader, anything else as CSV. Both take the same mapping and report the same issues.
 */
import { CsvMarketSource, type CsvSourceOptions } from './csv-source.ts';
import type { CsvMapping, CsvMappingInput } from './mapping.ts';
import { CsvMappingSchema } from './mapping.ts';
import { isParquetFile, ParquetMarketSource } from './parquet-source.ts';

export type FileSource = CsvMarketSource | ParquetMarketSource;

/** Opens `mapping`'s file (validated by CsvMappingSchema; throws ZodError when invalid). */
export function openMarketFile(mapping: CsvMappingInput | CsvMapping, options: CsvSourceOptions = {}): FileSource {
  const m = CsvMappingSchema.parse(mapping);
  return isParquetFile(m.file) ? new ParquetMarketSource(m, options) : new CsvMarketSource(m, options);
}
