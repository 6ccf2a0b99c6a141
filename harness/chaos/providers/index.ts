/** Simulated market-data providers served by msw from a run's market timeline, on virtual time. */
export { ProviderTimeline, ITEMS_PER_QUERY_MAX } from './timeline.ts';
export {
  PROVIDER_HOST_SUFFIX, providerBaseUrl, providerNameOf, validateProviderSpec, answerProviderRequest, pollAsOfUs, retryAfter,
  type ProviderSpec, type ProviderDecision, type ProviderAnswer,
} from './provider.ts';
export { openProviderRun, type ProviderRun, type ProviderRunOptions, type ProviderCounters, type RngStreams } from './transport.ts';
export {
  saveRecording, loadRecording, parseRecording, RecordingError, REDACTED, RECORDING_VERSION, RecordedExchangeSchema,
  type RecordedExchange, type RecordingResult,
} from './recording.ts';
