/**
 * The stack protocol's name, version and request header, apart from its schemas (protocol.ts):
 * the transport needs only these, and a run without a service stack never builds the schemas.
 */
export const PROTOCOL_NAME = 'gauntlet-stack';
export const PROTOCOL_VERSION = 1;
/** Sent with every request: msw (the simulated providers) lets requests carrying it through to the network. */
export const STACK_PROTOCOL_HEADER = 'x-gauntlet-stack-protocol';
