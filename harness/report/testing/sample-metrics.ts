/** A full set of scenario metrics for report tests (values made up, consistent enough to read). */
export const METRICS = {
  finalEquity: 10500.5, trades: 3, fills: 6, fees: 12, dataWarnings: 0, riskRejections: 0, dailyLossHalts: 0, killSwitchTrips: 0,
  providerRequests: null, providerFailures: null, providerRetries: null, providerFailovers: null, breakerOpens: null, payloadRejections: null, staleRejections: null, skewRejections: null,
  breakerCloses: null, faultsApplied: 0, ordersOnStaleData: null, requestsInRetryAfter: null, duplicateOrders: null,
  periodsPerYear: 252, riskFreeRatePerYear: 0, sampleCount: 10,
  startEquity: 10000, endEquity: 10500.5, elapsedYears: 0.04, totalReturn: 0.05005, cagr: 2.1, volatility: 0.2, sharpe: 1.4, sortino: 2,
  calmar: 3, maxDrawdown: 0.03, maxDrawdownPeakTimeUs: 1, maxDrawdownTroughTimeUs: 2, maxDrawdownRecoveryTimeUs: null,
  maxDrawdownDurationUs: 5, maxDrawdownDurationDays: 5 / 86_400_000_000, maxDrawdownDurationBars: 1, tradeCount: 3, winningTrades: 2, losingTrades: 1, winRate: 2 / 3,
  grossProfit: 700, grossLoss: 200, profitFactor: 3.5, averageWin: 350, averageLoss: -200, averageTradePnl: 166.7, exposure: null,
  averageGrossExposure: null, turnover: 1.2, turnoverAnnualised: 30,
};
