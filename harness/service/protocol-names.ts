/**
 * The stack protocol's name, version and request header, apart from its schemas (protocol.ts):
 * the transport needs only these, and a run without a service stack never builds the schemas.
 */
export const PROTOCOL_NAME = 'gauntlet-stack';
export const PROTOCOL_VERSION = 1;
/** Sent with every request: it marks the stack protocol's traffic (for a proxy, or a service serving several). */
export const STACK_PROTOCOL_HEADER = 'x-gauntlet-stack-protocol';
