/** The Fleet Provisioning MQTT API topics and their accepted/rejected response topics. */

export type ProvisioningApi = 'CreateKeysAndCertificate' | 'CreateCertificateFromCsr' | 'RegisterThing';
export type PayloadFormat = 'json' | 'cbor';

export interface ProvisioningRequestTopic {
  api: ProvisioningApi;
  format: PayloadFormat;
  /** RegisterThing only. */
  templateName?: string;
  /** The request topic itself; responses append /accepted or /rejected. */
  topic: string;
}

const CREATE_KEYS = /^\$aws\/certificates\/create\/(json|cbor)$/;
const CREATE_FROM_CSR = /^\$aws\/certificates\/create-from-csr\/(json|cbor)$/;
const REGISTER_THING = /^\$aws\/provisioning-templates\/([0-9A-Za-z_-]{1,36})\/provision\/(json|cbor)$/;

/** True for every topic of the Fleet Provisioning families, requests and responses alike. */
export function isProvisioningTopic(topic: string): boolean {
  return topic.startsWith('$aws/certificates/') || topic.startsWith('$aws/provisioning-templates/');
}

/** The API a PUBLISH topic calls, or undefined when it is not a Fleet Provisioning request. */
export function parseProvisioningRequestTopic(topic: string): ProvisioningRequestTopic | undefined {
  let match = CREATE_KEYS.exec(topic);
  if (match) return { api: 'CreateKeysAndCertificate', format: match[1] as PayloadFormat, topic };
  match = CREATE_FROM_CSR.exec(topic);
  if (match) return { api: 'CreateCertificateFromCsr', format: match[1] as PayloadFormat, topic };
  match = REGISTER_THING.exec(topic);
  if (match) {
    return {
      api: 'RegisterThing',
      templateName: match[1] as string,
      format: match[2] as PayloadFormat,
      topic,
    };
  }
  return undefined;
}

export function responseTopic(request: ProvisioningRequestTopic, outcome: 'accepted' | 'rejected'): string {
  return `${request.topic}/${outcome}`;
}
