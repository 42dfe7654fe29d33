/** A Fleet Provisioning error as AWS publishes it on a `/rejected` topic. */
export class ProvisioningRejection extends Error {
  override readonly name = 'ProvisioningRejection';
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    readonly errorMessage: string,
  ) {
    super(`${statusCode} ${errorCode}: ${errorMessage}`);
  }

  toPayload(): { statusCode: number; errorCode: string; errorMessage: string } {
    return { statusCode: this.statusCode, errorCode: this.errorCode, errorMessage: this.errorMessage };
  }
}
