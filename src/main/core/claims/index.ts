export { ClaimManager, DEFAULT_MIN_VALIDITY_MS } from './claim-manager.js';
export type { ClaimLease, ClaimManagerOptions, ClaimRequest, ClaimSource } from './claim-manager.js';
export type { ProvisioningClaimAnswer } from './claim-answer.js';
export { MAX_CLAIM_VALIDITY_MS } from './claim-answer.js';
export {
  ClaimAnswerInvalidError,
  ClaimRequestRefusedError,
  ClaimTooCloseToExpiryError,
  ClaimWipedError,
} from './claim-errors.js';
export { amazonRootCaPem } from './amazon-root-ca.js';
export { claimDestinationFor } from './claim-destination.js';
export type { ClaimDestination } from './claim-destination.js';
