/**
 * Log-return processes. Each step turns a standard normal `z` (drawn in bulk by the generator)
 * into ln(S_{t+dt} / S_t) for a step of dt years and records the diffusion variance of that step,
 * which the bar generator uses as the Brownian-bridge width for the bar's high and low. Further
 * draws (jumps, regime switches) come from the generator's `Draws` in a fixed order per step, so
 * a seed always gives the same path.
 *
 * Numeric fields are initialised at their declaration (to 0) so V8 keeps them unboxed: see bars.ts.
 */
import type { Draws } from './draws.ts';
import type { SyntheticParams } from './schema.ts';

export interface LogReturnProcess {
  /** Diffusion variance sigma^2 dt of the last step, in squared log units (jumps excluded). */
  variance: number;
  /** Volatility that defines "normal" activity, used to scale synthetic volume. */
  readonly referenceVolatility: number;
  /** Whether a step draws from the generator's stream (jumps, regime switches): GBM's does not. */
  readonly drawsPerStep: boolean;
  /** The log return over `dt` years for the diffusion normal `z`; `sqrtDt` = sqrt(dt), passed in to save a sqrt on fixed steps. */
  step(dt: number, sqrtDt: number, z: number): number;
}

/** GBM: no draw beyond the diffusion normal. */
export class GbmProcess implements LogReturnProcess {
  variance = 0;
  readonly referenceVolatility: number = 0;
  readonly drawsPerStep = false;
  private readonly driftAdj: number = 0;
  private readonly sigma: number = 0;

  constructor(drift: number, sigma: number) {
    this.sigma = sigma;
    this.referenceVolatility = sigma;
    // Ito correction: the log price drifts at mu - sigma^2/2 so that E[S_t] = S_0 e^(mu t).
    this.driftAdj = drift - 0.5 * sigma * sigma;
  }

  step(dt: number, sqrtDt: number, z: number): number {
    this.variance = this.sigma * this.sigma * dt;
    return this.driftAdj * dt + this.sigma * sqrtDt * z;
  }
}

/** Above this expected jump count per step, the Poisson count is drawn from its normal approximation. */
const POISSON_DIRECT_MAX = 30;

/**
 * Merton jump diffusion. Draws per step beyond the diffusion normal: one uniform (jump count, by
 * inversion; a normal instead when more than 30 jumps are expected per step), then one normal
 * for the summed jump sizes when at least one jump occurred.
 */
export class JumpDiffusionProcess implements LogReturnProcess {
  variance = 0;
  readonly referenceVolatility: number = 0;
  readonly drawsPerStep = true;
  private readonly draws: Draws;
  private readonly driftAdj: number = 0;
  private readonly sigma: number = 0;
  private readonly lambda: number = 0;
  private readonly jumpMean: number = 0;
  private readonly jumpStd: number = 0;
  private cachedDt = -1;
  private cachedNoJump = 1;

  constructor(draws: Draws, drift: number, sigma: number, lambda: number, jumpMean: number, jumpStd: number) {
    this.draws = draws;
    this.sigma = sigma;
    this.referenceVolatility = sigma;
    this.lambda = lambda;
    this.jumpMean = jumpMean;
    this.jumpStd = jumpStd;
    // Compensator lambda*kappa with kappa = E[e^J] - 1 keeps E[S_t] = S_0 e^(mu t) with jumps on.
    const kappa = Math.exp(jumpMean + 0.5 * jumpStd * jumpStd) - 1;
    this.driftAdj = drift - 0.5 * sigma * sigma - lambda * kappa;
  }

  step(dt: number, sqrtDt: number, z: number): number {
    this.variance = this.sigma * this.sigma * dt;
    let r = this.driftAdj * dt + this.sigma * sqrtDt * z;
    const n = this.jumpCount(dt);
    // The sum of n normal jumps is one normal: N(n m, n s^2).
    if (n > 0) r += n * this.jumpMean + Math.sqrt(n) * this.jumpStd * this.draws.normal();
    return r;
  }

  private jumpCount(dt: number): number {
    const mean = this.lambda * dt;
    if (mean > POISSON_DIRECT_MAX) {
      // Normal approximation (error O(1/sqrt(mean))): inversion would loop about `mean` times.
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.draws.normal()));
    }
    const u = this.draws.uniform();
    if (dt !== this.cachedDt) {
      this.cachedDt = dt;
      this.cachedNoJump = Math.exp(-mean);
    }
    // Inversion: the loop ends once the cumulative probability passes u; bounded because the
    // tail beyond mean + 40 sqrt(mean) + 40 holds no double-precision mass.
    let p = this.cachedNoJump;
    let cdf = p;
    let k = 0;
    const kMax = Math.ceil(mean + 40 * Math.sqrt(mean) + 40);
    while (u >= cdf && k < kMax) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
}

/**
 * Markov-switching volatility. The diffusion normal is scaled by the current regime's volatility;
 * then one uniform chooses the regime of the next step from the current row.
 */
export class RegimeProcess implements LogReturnProcess {
  variance = 0;
  readonly referenceVolatility: number = 0;
  readonly drawsPerStep = true;
  /** Regime of the next step (exposed for tests and diagnostics). */
  regime = 0;
  private readonly draws: Draws;
  private readonly drift: number = 0;
  private readonly sigmas: Float64Array;
  /** Row-major cumulative transition probabilities, the last entry of each row forced to 1. */
  private readonly cumulative: Float64Array;
  private readonly n: number = 0;

  constructor(draws: Draws, drift: number, volatilities: readonly number[], transition: readonly (readonly number[])[], initial: number) {
    this.draws = draws;
    this.drift = drift;
    this.n = volatilities.length;
    this.sigmas = Float64Array.from(volatilities);
    this.referenceVolatility = volatilities[0] ?? 0;
    this.regime = initial;
    this.cumulative = new Float64Array(this.n * this.n);
    for (let i = 0; i < this.n; i++) {
      let c = 0;
      for (let j = 0; j < this.n; j++) {
        c += transition[i]?.[j] ?? 0;
        this.cumulative[i * this.n + j] = j === this.n - 1 ? 1 : c;
      }
    }
  }

  step(dt: number, sqrtDt: number, z: number): number {
    const sigma = this.sigmas[this.regime] ?? 0;
    this.variance = sigma * sigma * dt;
    const r = (this.drift - 0.5 * sigma * sigma) * dt + sigma * sqrtDt * z;
    const u = this.draws.uniform();
    const row = this.regime * this.n;
    let j = 0;
    while (j < this.n - 1 && u >= (this.cumulative[row + j] ?? 1)) j++;
    this.regime = j;
    return r;
  }
}

export function createProcess(p: SyntheticParams, draws: Draws): LogReturnProcess {
  switch (p.process) {
    case 'gbm':
      return new GbmProcess(p.drift, p.volatility);
    case 'jump-diffusion':
      return new JumpDiffusionProcess(draws, p.drift, p.volatility, p.jumpIntensity, p.jumpMean, p.jumpStd);
    case 'regime':
      return new RegimeProcess(draws, p.drift, p.volatilities, p.transition, p.initialRegime);
  }
}
