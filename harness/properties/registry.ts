/** The online invariants by name: one factory each, one place. */
import type { InvariantFactory, OnlinePropertyName } from './property.ts';
import { fillRules } from './invariants/fill-rules.ts';
import { ledgerBalances } from './invariants/ledger-balances.ts';
import { liveness } from './invariants/liveness.ts';
import { metricsRecomputed } from './invariants/metrics-recomputed.ts';
import { noDuplicateOrders } from './invariants/no-duplicate-orders.ts';
import { noStaleOrders } from './invariants/no-stale-orders.ts';
import { ordersTerminal } from './invariants/orders-terminal.ts';
import { recovery } from './invariants/recovery.ts';
import { riskLimits } from './invariants/risk-limits.ts';

export const INVARIANTS: Partial<Record<OnlinePropertyName, InvariantFactory>> = {
  riskLimits, ledgerBalances, ordersTerminal, noDuplicateOrders, noStaleOrders, fillRules, metricsRecomputed, liveness, recovery,
};
