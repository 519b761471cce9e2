/** Statistics for continued model evaluation: drift tests and distances, intervals, paired tests, calibration. */
export { chiSquaredGoodnessOfFit, chiSquaredTest, type ChiSquaredResult } from './chi-squared';
export { fitIsotonic, predictIsotonic, type IsotonicModel } from './isotonic';
export { jensenShannonDistance } from './jensen-shannon';
export { ksFromCounts, ksPValue, ksTwoSample, type KsResult } from './ks';
export { kstwoSurvival, smirnovSurvival } from './kstwo';
export { discordantCounts, mcnemarExact, mcnemarPaired, type McNemarResult, type PairedPrediction } from './mcnemar';
export { populationStabilityIndex } from './psi';
export { binomialCdf, binomialPmf, chiSquaredSurvival, gammaQ, kolmogorovSurvival, logBinomialPmf, logGamma, normalQuantile } from './special';
export { normalizedWasserstein, wasserstein1, wassersteinFromCounts } from './wasserstein';
export { wilsonInterval } from './wilson';
